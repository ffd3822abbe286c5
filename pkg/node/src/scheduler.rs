//! The scheduler actor: one cron schedule per source. It arms one timer per source, asks the runner
//! to run a source when its timer fires, never overlaps two runs of one source, skips and counts
//! missed ticks, and lets the operator pause and resume sources and promote them out of shadow mode. Decisions come from [`crate::schedule`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use tracing::{debug, warn};

use crate::clock::now_ms;
use crate::messages::{
    GetScheduleState, RunFinished, RunSource, SetPaused, SetShadow, SourceRunState,
};
use crate::reputation::ReputationInput;
use crate::schedule::{SourceSchedule, TickAction, splay_offset_ms};
use crate::script_share::AddSource;
use crate::sources::SourceSpec;

struct Entry {
    spec: Arc<SourceSpec>,
    schedule: SourceSchedule,
}

/// How this node spreads its sources' runs after their cron times (see [`splay_offset_ms`]).
#[derive(Debug, Clone, Default)]
pub struct Splay {
    /// The node's public key: other nodes run the same source at other offsets.
    pub node_key: Vec<u8>,
    /// Offsets are below this (0: every run on its cron time).
    pub splay_ms: u64,
}

impl Splay {
    fn schedule(&self, spec: &SourceSpec) -> SourceSchedule {
        let offset = splay_offset_ms(&self.node_key, &spec.name, self.splay_ms);
        SourceSchedule::new(spec.cron.clone()).with_offset(offset)
    }
}

/// Ticks sources on their schedules.
pub struct Scheduler {
    entries: BTreeMap<String, Entry>,
    runner: Recipient<RunSource>,
    reputation: Option<Recipient<ReputationInput>>,
    splay: Splay,
}

impl Scheduler {
    /// A scheduler for `sources`, sending runs to `runner`, each source on its cron times
    /// shifted as `splay` says.
    pub fn new(sources: Vec<Arc<SourceSpec>>, runner: Recipient<RunSource>, splay: Splay) -> Self {
        let entries = sources
            .into_iter()
            .map(|spec| {
                let schedule = splay.schedule(&spec);
                (spec.name.clone(), Entry { spec, schedule })
            })
            .collect();
        Self {
            entries,
            runner,
            reputation: None,
            splay,
        }
    }

    /// Also tells the reputation actor which sources run in shadow mode as that changes.
    pub fn with_reputation(mut self, reputation: Recipient<ReputationInput>) -> Self {
        self.reputation = Some(reputation);
        self
    }

    fn announce_shadow(&self, source: &str, shadow: bool) {
        if let Some(reputation) = &self.reputation {
            let _ = reputation.try_send(ReputationInput::Shadow {
                source: source.to_owned(),
                shadow,
            });
        }
    }

    fn arm(&self, ctx: &mut Context<Self>, source: String) {
        let Some(entry) = self.entries.get(&source) else {
            return;
        };
        let now = now_ms();
        let Some(due) = entry.schedule.next_after(now) else {
            warn!(source, "schedule never fires again");
            return;
        };
        let delay = Duration::from_millis(u64::try_from(due - now).unwrap_or(0));
        ctx.run_later(delay, move |this, ctx| this.fire(ctx, source, due));
    }

    fn fire(&mut self, ctx: &mut Context<Self>, source: String, due: i64) {
        let Some(entry) = self.entries.get_mut(&source) else {
            return;
        };
        match entry.schedule.on_tick(due, now_ms()) {
            TickAction::Run => {
                let msg = RunSource {
                    source: entry.spec.clone(),
                };
                if let Err(err) = self.runner.try_send(msg) {
                    // The runner is saturated: this tick is lost, counted as missed.
                    debug!(source, %err, "runner busy, tick skipped");
                    entry.schedule.not_started();
                }
            }
            TickAction::SkipBusy => debug!(source, "previous run still going, tick skipped"),
            TickAction::SkipPaused => {}
        }
        self.arm(ctx, source);
    }
}

impl Actor for Scheduler {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(256);
        let names: Vec<String> = self.entries.keys().cloned().collect();
        for name in names {
            self.arm(ctx, name);
        }
    }
}

impl Handler<RunFinished> for Scheduler {
    type Result = ();

    fn handle(&mut self, msg: RunFinished, _ctx: &mut Self::Context) {
        if let Some(entry) = self.entries.get_mut(&msg.source) {
            entry.schedule.finished();
        }
    }
}

impl Handler<AddSource> for Scheduler {
    type Result = ();

    /// A new name is armed; a known one keeps its timer, schedule and settings and runs the new
    /// script from its next tick (an upgrade).
    fn handle(&mut self, msg: AddSource, ctx: &mut Self::Context) {
        let name = msg.spec.name.clone();
        self.announce_shadow(&name, msg.spec.shadow);
        match self.entries.get_mut(&name) {
            Some(entry) => entry.spec = Arc::new(entry.spec.upgraded_to(&msg.spec)),
            None => {
                let schedule = self.splay.schedule(&msg.spec);
                let entry = Entry {
                    spec: msg.spec,
                    schedule,
                };
                self.entries.insert(name.clone(), entry);
                self.arm(ctx, name);
            }
        }
    }
}

impl Handler<SetPaused> for Scheduler {
    type Result = bool;

    fn handle(&mut self, msg: SetPaused, _ctx: &mut Self::Context) -> bool {
        match self.entries.get_mut(&msg.source) {
            Some(entry) => {
                entry.schedule.set_paused(msg.paused);
                true
            }
            None => false,
        }
    }
}

impl Handler<SetShadow> for Scheduler {
    type Result = bool;

    fn handle(&mut self, msg: SetShadow, _ctx: &mut Self::Context) -> bool {
        let Some(entry) = self.entries.get_mut(&msg.source) else {
            return false;
        };
        entry.spec = Arc::new(entry.spec.with_shadow(msg.shadow));
        self.announce_shadow(&msg.source, msg.shadow);
        true
    }
}

impl Handler<GetScheduleState> for Scheduler {
    type Result = MessageResult<GetScheduleState>;

    fn handle(&mut self, _msg: GetScheduleState, _ctx: &mut Self::Context) -> Self::Result {
        let now = now_ms();
        MessageResult(
            self.entries
                .values()
                .map(|e| SourceRunState {
                    source: e.spec.name.clone(),
                    schedule: e.spec.schedule.clone(),
                    paused: e.schedule.paused(),
                    running: e.schedule.running(),
                    runs: e.schedule.runs(),
                    missed: e.schedule.missed(),
                    shadow: e.spec.shadow,
                    splay_offset_ms: e.schedule.offset_ms(),
                    next_run_at_ms: (!e.schedule.paused())
                        .then(|| e.schedule.next_after(now))
                        .flatten(),
                })
                .collect(),
        )
    }
}
