//! The scraper runner actor: runs a source's script in the bounded script pool (off the async and
//! actor threads), records the outcome as a source event, and hands collected quotes to the proposer
//! and the voter (which keeps them as this node's own observations).

use std::sync::Arc;

use actix::prelude::*;
use mdn_protocol::Symbol;
use mdn_reputation::RunInfo;
use mdn_scripts::{RunOutcome, RunReport, RunRequest, ScriptPool};
use mdn_store::{SourceEvent, SourceEventKind};

use crate::clock::now_ms;
use crate::events::Telemetry;
use crate::messages::{Collected, RecordSourceEvents, RunFinished, RunSource};
use crate::reputation::ReputationInput;

/// Where the runner sends its results.
pub struct RunnerOutputs {
    /// Collected quotes, to be proposed.
    pub proposer: Recipient<Collected>,
    /// Collected quotes, as own observations.
    pub voter: Recipient<Collected>,
    /// Source events, to be stored.
    pub store: Recipient<RecordSourceEvents>,
    /// Run finished notices.
    pub scheduler: Recipient<RunFinished>,
    /// Run outcomes, for source scores.
    pub reputation: Option<Recipient<ReputationInput>>,
}

/// Runs scripts.
pub struct ScraperRunner {
    pool: Arc<ScriptPool>,
    outputs: Arc<RunnerOutputs>,
    telemetry: Telemetry,
}

impl ScraperRunner {
    /// A runner over `pool`.
    pub fn new(pool: Arc<ScriptPool>, outputs: RunnerOutputs, telemetry: Telemetry) -> Self {
        Self {
            pool,
            outputs: Arc::new(outputs),
            telemetry,
        }
    }
}

impl Actor for ScraperRunner {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(256);
    }
}

impl Handler<RunSource> for ScraperRunner {
    type Result = ();

    fn handle(&mut self, msg: RunSource, _ctx: &mut Self::Context) {
        let pool = self.pool.clone();
        let outputs = self.outputs.clone();
        let telemetry = self.telemetry.clone();
        let spec = msg.source;
        actix::spawn(async move {
            let started = now_ms();
            let request = RunRequest {
                params: spec.params.clone(),
                symbols: spec.symbols.clone(),
            };
            let report = pool.run(spec.script.clone(), request).await;
            let event = source_event(&spec.name, started, &report);
            if let Some(reputation) = &outputs.reputation {
                let run = run_info(&spec.name, &report);
                let _ = reputation.try_send(ReputationInput::Run(run));
            }
            let failed = !matches!(event.kind, SourceEventKind::Ok { .. });
            telemetry.script_run(&spec.name, failed, report.duration_ms);
            if failed {
                tracing::warn!(source = %spec.name, kind = ?event.kind, "source run failed");
            }
            if !report.quotes.is_empty() {
                let collected = Collected {
                    source: spec.name.clone(),
                    quotes: Arc::new(report.quotes),
                };
                // Own observations first, so the voter has them when our own batch comes back.
                let _ = outputs.voter.send(collected.clone()).await;
                let _ = outputs.proposer.send(collected).await;
            }
            let _ = outputs
                .store
                .send(RecordSourceEvents {
                    events: vec![event],
                })
                .await;
            let _ = outputs
                .scheduler
                .send(RunFinished {
                    source: spec.name.clone(),
                })
                .await;
        });
    }
}

/// What a run tells the reputation rules: success, and which items were dropped as too old.
pub fn run_info(source: &str, report: &RunReport) -> RunInfo {
    RunInfo {
        source: source.to_owned(),
        ok: matches!(report.outcome, RunOutcome::Ok { .. }),
        stale: report
            .stale_symbols()
            .map(|symbol| Symbol::parse(symbol).ok())
            .collect(),
    }
}

/// The source event recording one run.
pub fn source_event(source: &str, started_ms: i64, report: &RunReport) -> SourceEvent {
    let kind = match &report.outcome {
        RunOutcome::Ok { quotes } => SourceEventKind::Ok {
            quotes: u32::try_from(*quotes).unwrap_or(u32::MAX),
        },
        RunOutcome::ScriptError {
            message,
            line,
            column,
        } => SourceEventKind::ScriptError {
            message: message.clone(),
            line: u32::try_from(*line).ok(),
            column: u32::try_from(*column).ok(),
        },
        RunOutcome::Timeout => SourceEventKind::Timeout,
        RunOutcome::HttpError { status, message } => SourceEventKind::HttpError {
            status: *status,
            message: message.clone(),
        },
        RunOutcome::RejectedOutput { message } => SourceEventKind::RejectedOutput {
            message: message.clone(),
        },
    };
    SourceEvent {
        source: source.to_owned(),
        at_ms: started_ms,
        duration_ms: i64::try_from(report.duration_ms).unwrap_or(i64::MAX),
        kind,
    }
}
