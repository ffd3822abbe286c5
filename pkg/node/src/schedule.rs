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
            running: false,
            paused: false,
            missed: 0,
            runs: 0,
        }
    }

    /// The first fire time strictly after `now_ms`, in ms; `None` if the expression never fires again.
    pub fn next_after(&self, now_ms: i64) -> Option<i64> {
        let now = ms_to_datetime(now_ms)?;
        self.cron
            .find_next_occurrence(&now, false)
            .ok()
            .map(|t| t.timestamp_millis())
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
