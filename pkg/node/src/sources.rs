//! Sources: a scraper script plus the operator's settings for it (schedule, symbols, parameters).
//! Built from the config at start; a source whose script fails to load is reported as a source event
//! and left out, and the node goes on without it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use mdn_protocol::Symbol;
use mdn_scripts::{LoadError, Script, SymbolSet};
use mdn_store::{SourceEvent, SourceEventKind};

use crate::clock::now_ms;

/// A configured, loaded source.
#[derive(Debug)]
pub struct SourceSpec {
    /// Source name (unique in the node).
    pub name: String,
    /// The loaded, compiled script.
    pub script: Arc<Script>,
    /// Cron schedule text.
    pub schedule: String,
    /// Parsed schedule.
    pub cron: croner::Cron,
    /// Symbols to collect (the script's manifest symbols unless configured).
    pub symbols: Vec<Symbol>,
    /// Script parameters (the manifest's defaults overridden by the config).
    pub params: BTreeMap<String, String>,
    /// Shadow mode: voted on and scored, never in the consensus price.
    pub shadow: bool,
}

impl SourceSpec {
    /// The same source with shadow mode set to `shadow`.
    pub fn with_shadow(&self, shadow: bool) -> Self {
        Self {
            name: self.name.clone(),
            script: self.script.clone(),
            schedule: self.schedule.clone(),
            cron: self.cron.clone(),
            symbols: self.symbols.clone(),
            params: self.params.clone(),
            shadow,
        }
    }
}

/// Sources that loaded, and an event for each that did not.
#[derive(Debug, Default)]
pub struct LoadedSources {
    /// Ready to schedule.
    pub sources: Vec<Arc<SourceSpec>>,
    /// One `ScriptError` event per source that could not be loaded.
    pub failures: Vec<SourceEvent>,
}

/// Loads every enabled source of the config.
pub fn load_sources(config: &mdn_config::Config) -> LoadedSources {
    let mut out = LoadedSources::default();
    for source in config.sources.iter().filter(|s| s.enabled) {
        let path = config.script_path(source);
        match load_one(source, &path) {
            Ok(spec) => out.sources.push(Arc::new(spec)),
            Err(kind) => {
                tracing::error!(source = %source.name, script = %path.display(), ?kind, "source not loaded");
                out.failures.push(SourceEvent {
                    source: source.name.clone(),
                    at_ms: now_ms(),
                    duration_ms: 0,
                    kind,
                });
            }
        }
    }
    out
}

fn load_one(source: &mdn_config::Source, path: &Path) -> Result<SourceSpec, SourceEventKind> {
    let script = Script::load(path).map_err(|e| {
        let (line, column) = match &e {
            LoadError::Manifest { error, .. } => (Some(error.line), Some(error.column)),
            LoadError::Compile { line, column, .. } => (Some(*line), Some(*column)),
            _ => (None, None),
        };
        SourceEventKind::ScriptError {
            message: e.to_string(),
            line: line.and_then(|l| u32::try_from(l).ok()),
            column: column.and_then(|c| u32::try_from(c).ok()),
        }
    })?;
    // Explicit symbols from the config; else the manifest's list; else (`"*"`) all the venue lists.
    let symbols = match (&source.symbols, &script.manifest.symbols) {
        (Some(list), _) => list.clone(),
        (None, SymbolSet::Listed(list)) => list.clone(),
        (None, SymbolSet::Any) => Vec::new(),
    };
    let mut params = script.manifest.params.clone();
    params.extend(source.params.clone());
    Ok(SourceSpec {
        name: source.name.clone(),
        script: Arc::new(script),
        schedule: source.schedule.as_str().to_owned(),
        cron: source.schedule.cron().clone(),
        symbols,
        params,
        shadow: source.shadow,
    })
}
