//! Pure cron bookkeeping for one source: when it fires next, whether a tick runs or is skipped, and
//! how many ticks were missed. The scheduler actor only arms timers from these answers.

use chrono::{DateTime, TimeZone, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds};

/// Why a schedule string was refused.
#[derive(Debug, thiserror::Error)]
#[error("invalid schedule {schedule:?}: {reason}")]
pub struct ScheduleError {
    /// The schedule text.
    pub schedule: String,
    /// The parser's explanation.
    pub reason: String,
}

/// Parses crontab syntax with an optional leading seconds field (5 or 6 fields).
pub fn parse_schedule(text: &str) -> Result<Cron, ScheduleError> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(text)
        .map_err(|e| ScheduleError {
            schedule: text.to_owned(),
            reason: e.to_string(),
        })
}

/// What to do when a source's timer fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickAction {
    /// Start a run.
    Run,
    /// Skip: the previous run is still going (counted as missed).
    SkipBusy,
    /// Skip: the source is paused (not counted).
    SkipPaused,
}

/// The run state of one source's schedule.
#[derive(Debug, Clone)]
pub struct SourceSchedule {
    cron: Cron,
    /// Every fire time is the cron time plus this (see [`splay_offset_ms`]).
    offset_ms: i64,
    /// A run is in progress.
    running: bool,
    /// Operator paused the source.
    paused: bool,
    /// Ticks that did not start a run because the previous one was still going, or because the
    /// node fell behind the schedule.
    missed: u64,
    /// Runs started.
    runs: u64,
}

impl SourceSchedule {
    /// A schedule from a parsed cron expression.
    pub fn new(cron: Cron) -> Self {
        Self {
            cron,
            offset_ms: 0,
            running: false,
            paused: false,
            missed: 0,
            runs: 0,
        }
    }

    /// The same schedule with every fire time `offset_ms` after the cron time.
    pub fn with_offset(mut self, offset_ms: i64) -> Self {
        self.offset_ms = offset_ms;
        self
    }

    /// The first fire time strictly after `now_ms`, in ms; `None` if the expression never fires again.
    pub fn next_after(&self, now_ms: i64) -> Option<i64> {
        let now = ms_to_datetime(now_ms.checked_sub(self.offset_ms)?)?;
        self.cron
            .find_next_occurrence(&now, false)
            .ok()
            .and_then(|t| t.timestamp_millis().checked_add(self.offset_ms))
    }

    /// Decides a tick that was due at `due_ms` and fires at `now_ms`. Occurrences between the two
    /// (the node fell behind) are counted as missed and not run.
    pub fn on_tick(&mut self, due_ms: i64, now_ms: i64) -> TickAction {
        self.missed += self.occurrences_between(due_ms, now_ms);
        if self.paused {
            TickAction::SkipPaused
        } else if self.running {
            self.missed += 1;
            TickAction::SkipBusy
        } else {
            self.running = true;
            self.runs += 1;
            TickAction::Run
        }
    }

    /// Counts fire times in the open interval `(from_ms, to_ms)`, capped to keep it cheap.
    fn occurrences_between(&self, from_ms: i64, to_ms: i64) -> u64 {
        let mut count = 0;
        let mut at = from_ms;
        while count < 10_000 {
            match self.next_after(at) {
                Some(next) if next < to_ms => {
                    count += 1;
                    at = next;
                }
                _ => break,
            }
        }
        count
    }

    /// The run started by the last `Run` finished.
    pub fn finished(&mut self) {
        self.running = false;
    }

    /// The run decided by the last `Run` could not start (the runner was saturated): counted as a
    /// missed tick instead of a run.
    pub fn not_started(&mut self) {
        self.running = false;
        self.runs = self.runs.saturating_sub(1);
        self.missed += 1;
    }

    /// Pauses or resumes the source.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Whether the source is paused.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Whether a run is in progress.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Missed ticks so far.
    pub fn missed(&self) -> u64 {
        self.missed
    }

    /// Runs started so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// How long after each cron time the source runs (its splay offset).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }
}

/// How long after its cron times a source runs on this node: a fixed offset in `0..splay_ms`
/// taken from a hash of the node's key and the source's name. Nodes and sources so spread their
/// runs over the first `splay_ms` after each cron time instead of all fetching (and then
/// proposing, verifying and voting) at the same instant; each source still runs once per cron
/// time. `splay_ms` 0: on time.
pub fn splay_offset_ms(node_key: &[u8], source: &str, splay_ms: u64) -> i64 {
    if splay_ms == 0 {
        return 0;
    }
    let digest = mdn_protocol::hash::sha256(&[b"mdn/splay", node_key, &[0], source.as_bytes()]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.0[..8]);
    i64::try_from(u64::from_be_bytes(first) % splay_ms).unwrap_or(0)
}

fn ms_to_datetime(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_two_seconds() -> SourceSchedule {
        SourceSchedule::new(parse_schedule("*/2 * * * * *").expect("valid"))
    }

    #[test]
    fn an_offset_shifts_every_fire_time_and_keeps_the_spacing() {
        let s = every_two_seconds().with_offset(700);
        let t0 = 1_700_000_000_000; // an even second
        assert_eq!(s.next_after(t0), Some(t0 + 700));
        assert_eq!(s.next_after(t0 + 700), Some(t0 + 2_700));
        assert_eq!(s.next_after(t0 + 699), Some(t0 + 700));
        let mut late = every_two_seconds().with_offset(700);
        // Fired on its shifted time: nothing missed.
        assert_eq!(late.on_tick(t0 + 700, t0 + 700), TickAction::Run);
        assert_eq!(late.missed(), 0);
    }

    #[test]
    fn splay_offsets_are_fixed_in_range_and_spread() {
        let node = [7u8; 32];
        assert_eq!(splay_offset_ms(&node, "binance", 0), 0);
        let a = splay_offset_ms(&node, "binance", 1000);
        assert_eq!(a, splay_offset_ms(&node, "binance", 1000));
        let offsets: Vec<i64> = (0..200)
            .map(|i| splay_offset_ms(&node, &format!("source-{i}"), 1000))
            .collect();
        assert!(offsets.iter().all(|o| (0..1000).contains(o)));
        // Spread over the range: each quarter of it gets some of 200 sources.
        for quarter in 0..4 {
            let n = offsets.iter().filter(|o| **o / 250 == quarter).count();
            assert!(n >= 20, "quarter {quarter} got {n} of 200");
        }
        // Another node runs the same source at another time (for these two keys).
        assert_ne!(a, splay_offset_ms(&[8u8; 32], "binance", 1000));
    }

    #[test]
    fn five_and_six_field_schedules_parse() {
        assert!(parse_schedule("*/5 * * * *").is_ok());
        assert!(parse_schedule("*/5 * * * * *").is_ok());
        let err = parse_schedule("every minute").expect_err("not cron");
        assert!(err.to_string().contains("every minute"));
    }

    #[test]
    fn next_fire_is_on_the_grid_and_strictly_later() {
        let s = every_two_seconds();
        let t0 = 1_700_000_000_000; // an even second
        assert_eq!(s.next_after(t0), Some(t0 + 2_000));
        assert_eq!(s.next_after(t0 + 1), Some(t0 + 2_000));
        assert_eq!(s.next_after(t0 + 1_999), Some(t0 + 2_000));
    }

    #[test]
    fn a_busy_source_skips_and_counts_missed_ticks() {
        let mut s = every_two_seconds();
        let t0 = 1_700_000_000_000;
        assert_eq!(s.on_tick(t0, t0), TickAction::Run);
        assert_eq!(s.on_tick(t0 + 2_000, t0 + 2_000), TickAction::SkipBusy);
        assert_eq!(s.missed(), 1);
        s.finished();
        assert_eq!(s.on_tick(t0 + 4_000, t0 + 4_000), TickAction::Run);
        assert_eq!(s.runs(), 2);
    }

    #[test]
    fn falling_behind_counts_the_skipped_occurrences() {
        let mut s = every_two_seconds();
        let t0 = 1_700_000_000_000;
        // Due at t0, but the timer fired 5 s late: t0+2s and t0+4s were missed.
        assert_eq!(s.on_tick(t0, t0 + 5_000), TickAction::Run);
        assert_eq!(s.missed(), 2);
    }

    #[test]
    fn a_run_that_could_not_start_counts_as_missed() {
        let mut s = every_two_seconds();
        let t0 = 1_700_000_000_000;
        assert_eq!(s.on_tick(t0, t0), TickAction::Run);
        s.not_started();
        assert_eq!((s.runs(), s.missed(), s.running()), (0, 1, false));
    }

    #[test]
    fn paused_sources_do_not_run_and_resume() {
        let mut s = every_two_seconds();
        let t0 = 1_700_000_000_000;
        s.set_paused(true);
        assert_eq!(s.on_tick(t0, t0), TickAction::SkipPaused);
        assert_eq!(s.missed(), 0);
        s.set_paused(false);
        assert_eq!(s.on_tick(t0 + 2_000, t0 + 2_000), TickAction::Run);
    }
}
