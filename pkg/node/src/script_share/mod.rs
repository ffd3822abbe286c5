//! Sharing scraper scripts across the network: authors' signed announcements arrive on the scripts
//! gossip topic and fill the [`catalogue`]; an operator installs a script by hash (its body is
//! fetched over request-response from peers that have it and checked by [`check`]), and trusts it
//! before it runs. Trusted scripts join the scheduler as sources (in shadow mode unless configured
//! otherwise); a new version of a source replaces the old one only when it is trusted.
//!
//! Installed scripts live in the store (body, manifest, the announcement, who installed and trusted
//! them and when) and as files in `<scripts.dir>/installed/`.

pub mod catalogue;
pub mod check;
mod install;

pub use install::{Published, file_name, stored_announcement};

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix::{Addr, Message};
use mdn_network::{NetworkClient, Response, TopicKind, Verdict as Acceptance};
use mdn_protocol::{Decode, Hash32, ObservationBatch, PublicKey, ScriptAnnouncement};
use mdn_scripts::Script;
use mdn_store::{ScriptRecord, Store, StoreError};

use self::catalogue::{Added, Catalogue, Entry};
use self::check::{Refusal, check_announcement};
use crate::clock::now_ms;
use crate::scheduler::Scheduler;
use crate::sources::SourceSpec;

/// How often a node re-announces the scripts it holds (late joiners and restarted nodes learn them).
pub const REANNOUNCE_EVERY: Duration = Duration::from_secs(60);

/// Who trusted a script whose author is in `scripts.trusted_authors`.
pub const TRUSTED_BY_CONFIG: &str = "config:scripts.trusted_authors";

/// Why a sharing operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// The announcement or body failed a check; nothing was stored.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The announcement bytes do not decode.
    #[error("refused: malformed announcement: {0}")]
    Malformed(#[from] mdn_protocol::DecodeError),
    /// No valid announcement of this hash was seen.
    #[error("script {0} is not in the catalogue (no valid announcement of it was seen)")]
    NotAnnounced(Hash32),
    /// The script is not installed on this node.
    #[error("script {0} is not installed")]
    NotInstalled(Hash32),
    /// No peer delivered the body.
    #[error("no peer provided script {hash}: {detail}")]
    Unavailable {
        /// The script.
        hash: Hash32,
        /// What the peers answered.
        detail: String,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A local part failed (file system, scheduler).
    #[error("{0}")]
    Internal(String),
}

/// Settings of script sharing, from the config.
#[derive(Debug, Clone)]
pub struct ShareConfig {
    /// Network id announcements must carry.
    pub network_id: String,
    /// Where installed scripts are written (`<scripts.dir>/installed`).
    pub installed_dir: PathBuf,
    /// Authors whose scripts are trusted on install.
    pub trusted_authors: Vec<PublicKey>,
    /// Newly trusted scripts run in shadow mode.
    pub shadow_new: bool,
}

/// Scheduler: add a source, or swap the script of the source of the same name (keeping its
/// schedule, symbols and parameters).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct AddSource {
    /// The source as it runs when it is new.
    pub spec: Arc<SourceSpec>,
}

impl SourceSpec {
    /// A source running `script` with its manifest's schedule, symbols and parameters.
    pub fn from_script(script: Arc<Script>, shadow: bool) -> Result<Self, String> {
        let m = &script.manifest;
        let schedule = mdn_config::Schedule::parse(&m.schedule).map_err(|e| e.to_string())?;
        let symbols = match &m.symbols {
            mdn_scripts::SymbolSet::Listed(list) => list.clone(),
            mdn_scripts::SymbolSet::Any => Vec::new(),
        };
        Ok(Self {
            name: m.name.clone(),
            schedule: schedule.as_str().to_owned(),
            cron: schedule.cron().clone(),
            symbols,
            params: m.params.clone(),
            shadow,
            script,
        })
    }

    /// This source's settings with `new`'s script and shadow flag (an upgrade).
    pub fn upgraded_to(&self, new: &SourceSpec) -> Self {
        Self {
            name: self.name.clone(),
            script: new.script.clone(),
            schedule: self.schedule.clone(),
            cron: self.cron.clone(),
            symbols: self.symbols.clone(),
            params: self.params.clone(),
            shadow: new.shadow,
        }
    }
}

/// The script-sharing service; cheap to clone.
#[derive(Clone)]
pub struct ScriptShare {
    inner: Arc<Inner>,
}

struct Inner {
    config: ShareConfig,
    catalogue: Mutex<Catalogue>,
    network: NetworkClient,
    store: Arc<dyn Store>,
    scheduler: Addr<Scheduler>,
}

/// A catalogue entry with this node's install state.
#[derive(Debug, Clone)]
pub struct Available {
    /// The catalogue entry.
    pub entry: Entry,
    /// The installed record (without caring for its body), if installed here.
    pub installed: Option<ScriptRecord>,
}

impl ScriptShare {
    /// A service over these parts; call [`ScriptShare::start`] once.
    pub fn new(
        config: ShareConfig,
        network: NetworkClient,
        store: Arc<dyn Store>,
        scheduler: Addr<Scheduler>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                catalogue: Mutex::new(Catalogue::default()),
                network,
                store,
                scheduler,
            }),
        }
    }

    fn catalogue(&self) -> MutexGuard<'_, Catalogue> {
        // A panic while holding the lock leaves a consistent map; keep using it.
        self.inner
            .catalogue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Loads installed scripts: their announcements join the catalogue, trusted ones are scheduled
    /// (oldest trust first, so the newest trusted version of a name runs). Then re-announces held
    /// scripts every [`REANNOUNCE_EVERY`].
    pub async fn start(&self) -> Result<(), ShareError> {
        let mut records = self.inner.store.scripts().await?;
        records.sort_by_key(|r| r.trusted_at_ms);
        for record in &records {
            if let Some(ann) = install::stored_announcement(record) {
                self.catalogue().add(ann, record.installed_at_ms);
            }
            if record.trusted
                && let Err(err) = self.schedule_record(record).await
            {
                tracing::error!(hash = %record.hash, %err, "installed script not scheduled");
            }
        }
        let this = self.clone();
        actix::spawn(async move {
            let mut tick = tokio::time::interval(REANNOUNCE_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                this.reannounce().await;
            }
        });
        Ok(())
    }

    async fn reannounce(&self) {
        let held: Vec<ScriptAnnouncement> = match self.inner.store.scripts().await {
            Ok(records) => records
                .iter()
                .filter_map(install::stored_announcement)
                .collect(),
            Err(err) => {
                tracing::debug!(%err, "re-announce: store unavailable");
                return;
            }
        };
        for ann in held {
            if let Err(err) = self.announce(&ann).await {
                tracing::debug!(hash = %ann.script_hash, %err, "re-announce not sent");
            }
        }
    }

    async fn announce(&self, ann: &ScriptAnnouncement) -> Result<(), mdn_network::PublishError> {
        use mdn_protocol::Encode;
        self.inner
            .network
            .publish(TopicKind::Scripts, ann.encode_to_vec())
            .await
            .map(|_| ())
    }

    /// Handles one gossiped announcement; returns the gossip verdict.
    pub fn on_gossip(&self, data: &[u8]) -> Acceptance {
        let checked = ScriptAnnouncement::decode_from_slice(data)
            .map_err(ShareError::from)
            .and_then(|ann| {
                check_announcement(&ann, &self.inner.config.network_id)?;
                Ok(ann)
            });
        match checked {
            Ok(ann) => {
                let hash = ann.script_hash;
                match self.catalogue().add(ann, now_ms()) {
                    Added::New => {
                        tracing::info!(%hash, "script announced");
                        Acceptance::Accept
                    }
                    Added::Known => Acceptance::Accept,
                    Added::Full => Acceptance::Ignore,
                }
            }
            Err(why) => {
                tracing::warn!(%why, "script announcement rejected");
                Acceptance::Reject
            }
        }
    }

    /// Notes the script hashes of a verified observation batch ("who runs it").
    pub fn note_batch(&self, batch: &ObservationBatch) {
        self.catalogue().note_batch(batch);
    }

    /// Answers a peer's request for a script body: the body if this node holds it.
    pub async fn serve(&self, hash: [u8; 32]) -> Response {
        match self.inner.store.script(&Hash32(hash)).await {
            Ok(record) => Response::Script {
                body: record.map(|r| r.body.into_bytes()),
            },
            Err(err) => Response::Error {
                message: format!("store: {err}"),
            },
        }
    }

    /// Every catalogue entry with this node's install state.
    pub async fn available(&self) -> Result<Vec<Available>, ShareError> {
        let installed = self.inner.store.scripts().await?;
        let entries = self.catalogue().list();
        Ok(entries
            .into_iter()
            .map(|entry| {
                let installed = installed
                    .iter()
                    .find(|r| r.hash == entry.announcement.script_hash)
                    .cloned();
                Available { entry, installed }
            })
            .collect())
    }

    /// Whether newly trusted scripts run in shadow mode.
    pub fn shadow_new(&self) -> bool {
        self.inner.config.shadow_new
    }

    /// Whether `author` is trusted by the config.
    fn trusted_author(&self, author: &PublicKey) -> bool {
        self.inner.config.trusted_authors.contains(author)
    }

    /// Marks an installed script trusted (recording `by` and now) and starts running it.
    pub async fn trust(&self, hash: Hash32, by: &str) -> Result<ScriptRecord, ShareError> {
        let store = &self.inner.store;
        let record = store
            .script(&hash)
            .await?
            .ok_or(ShareError::NotInstalled(hash))?;
        if record.trusted {
            return Ok(record);
        }
        let at = now_ms();
        store.set_script_trust(&hash, true, by, at).await?;
        let record = ScriptRecord {
            trusted: true,
            trusted_by: Some(by.to_owned()),
            trusted_at_ms: Some(at),
            ..record
        };
        self.schedule_record(&record).await?;
        tracing::info!(%hash, name = %record.name, by, "script trusted");
        Ok(record)
    }

    /// Loads a stored script (re-checking its hash) and hands it to the scheduler.
    async fn schedule_record(&self, record: &ScriptRecord) -> Result<(), ShareError> {
        let script =
            Script::from_source(format!("{}-{}", record.name, record.version), &*record.body)
                .map_err(|e| Refusal::Invalid(e.to_string()))?;
        if script.script_hash != record.hash {
            return Err(Refusal::HashMismatch {
                expected: record.hash,
                got: script.script_hash,
            }
            .into());
        }
        let spec = SourceSpec::from_script(Arc::new(script), self.inner.config.shadow_new)
            .map_err(Refusal::Invalid)?;
        self.inner
            .scheduler
            .send(AddSource {
                spec: Arc::new(spec),
            })
            .await
            .map_err(|e| ShareError::Internal(format!("scheduler: {e}")))
    }
}
