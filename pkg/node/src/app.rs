//! Starting a node: identity, store, validator set, network, actors, sync and API, wired together
//! from a [`mdn_config::Config`]. Must be called inside an actix `System` running on a
//! multi-threaded tokio runtime (see `mdnode run`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use anyhow::Context as _;
use mdn_config::{Config, StoreBackend};
use mdn_consensus::{BookLimits, ObservationBook, Policy, PolicyConfig, Tally};
use mdn_network::{Network, NetworkClient, NetworkConfig};
use mdn_protocol::{PublicKey, Quorum, Symbol, ValidatorSet};
use mdn_reputation::source::SourceParts;
use mdn_reputation::{Params, ReputationBook};
use mdn_scripts::{Limits, ScriptPool};
use mdn_store::Store;
use mdn_store_postgres::{PgOptions, PgStore};
use tokio::sync::mpsc;

use crate::api::{self, ApiState};
use crate::byzantine::Byzantine;
use crate::clock::now_ms;
use crate::events::Telemetry;
use crate::gossip::{GossipBridge, GossipOutputs};
use crate::proposer::{Proposer, ProposerConfig};
use crate::recent_ids::RecentIds;
use crate::reputation::{ReputationActor, ReputationHandle, ReputationLinks};
use crate::runner::{RunnerOutputs, ScraperRunner};
use crate::scheduler::{Scheduler, Splay};
use crate::script_share::{ScriptShare, ShareConfig};
use crate::sources::{SourceSpec, load_sources};
use crate::store_writer::StoreWriter;
use crate::sync::SyncWorker;
use crate::tally::TallyActor;
use crate::voter::{Voter, VoterConfig, VoterLinks};

/// Builds nodes.
pub struct Node;

/// A running node.
pub struct NodeHandle {
    /// Where the HTTP API listens.
    pub api_addr: SocketAddr,
    /// This node's public key.
    pub public_key: PublicKey,
    /// The network client.
    pub network: NetworkClient,
    /// The store.
    pub store: Arc<dyn Store>,
    /// Counters and events.
    pub telemetry: Telemetry,
    /// The scheduler.
    pub scheduler: Addr<Scheduler>,
    api: actix_web::dev::ServerHandle,
}

impl NodeHandle {
    /// Stops the HTTP server (the actors stop with the System).
    pub async fn stop(&self) {
        self.api.stop(true).await;
    }
}

/// Opens the configured store: PostgreSQL when a database URL is set, else embedded SQLite.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match config.store_backend() {
        StoreBackend::Postgres { url, pool_size } => {
            let options = PgOptions {
                pool_size,
                ..PgOptions::default()
            };
            let store = PgStore::connect_with(&url, options)
                .await
                .with_context(|| format!("opening PostgreSQL store at {}", redact(&url)))?;
            Ok(Arc::new(store))
        }
        StoreBackend::Sqlite { path } => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let store = mdn_store_sqlite::SqliteStore::open(&path)
                .await
                .with_context(|| format!("opening SQLite store at {}", path.display()))?;
            Ok(Arc::new(store))
        }
    }
}

pub(crate) fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((creds, host)) if creds.contains(':') => {
            let scheme = creds.split("://").next().unwrap_or("postgres");
            format!("{scheme}://***@{host}")
        }
        _ => url.to_owned(),
    }
}

impl Node {
    /// Starts every part of a node.
    pub async fn start(config: Config) -> anyhow::Result<NodeHandle> {
        let key_file = config.key_file();
        let identity = mdn_identity::load_or_generate(&key_file)
            .with_context(|| format!("node key {}", key_file.display()))?;
        let key = Arc::new(identity.signing_key().clone());
        let public_key = identity.public_key();
        let store = open_store(&config).await?;

        let mut keys = config.validator_keys();
        if keys.is_empty() {
            keys.push(public_key);
        }
        let (num, den) = config.quorum();
        let validators =
            Arc::new(ValidatorSet::new(keys, quorum_of(num, den)?).context("validator set")?);
        let network_id = config.node.network_id.clone();

        let mut net_config = NetworkConfig::new(network_id.clone(), config.network.listen.clone());
        net_config.bootnodes = config.network.bootnodes.clone();
        net_config.mdns = config.network.mdns;
        net_config.kademlia_server = config.network.kademlia_server;
        let (network, net_events, event_loop) =
            Network::new(net_config, identity.keypair().clone()).context("starting libp2p")?;
        tokio::spawn(event_loop.run());

        let telemetry = Telemetry::new();
        let byzantine = byzantine_of(&config);
        if byzantine.is_active() {
            tracing::warn!(
                ?byzantine,
                "BYZANTINE MODE: this node lies on purpose (devnet/test only)"
            );
        }

        let recent = Arc::new(RecentIds::default());
        let writer = StoreWriter::new(store.clone(), telemetry.clone(), recent.clone()).start();
        let loaded = load_sources(&config);
        let reputation_handle = ReputationHandle::default();
        let reputation = start_reputation(
            &config,
            &loaded.sources,
            ReputationLinks {
                key: key.clone(),
                network_id: network_id.clone(),
                is_validator: validators.contains(&public_key),
                network: network.clone(),
                store: store.clone(),
                telemetry: telemetry.clone(),
                handle: reputation_handle.clone(),
                epoch: Duration::from_secs(config.reputation.epoch_secs),
                lie_in_reports: byzantine.vote_against,
            },
            &validators,
        )
        .await?;
        let consensus = &config.consensus;
        let tally = Tally::new(
            validators.threshold(),
            validators.keys().iter().copied(),
            ms(consensus.vote_timeout_ms),
            200_000,
        )
        .context("tally")?
        .with_decided_memory(ms(consensus.max_quote_age_ms).saturating_mul(4), 800_000);
        let tally = TallyActor::new(
            tally,
            writer.clone().recipient(),
            store.clone(),
            telemetry.clone(),
        )
        .with_reputation(reputation.clone().recipient())
        .start();

        let policy = Policy::new(policy_config(&config)).context("voting policy")?;
        let mut book = ObservationBook::new(BookLimits::default());
        book.set_expected(
            loaded
                .sources
                .iter()
                .flat_map(|s| s.symbols.iter().cloned()),
        );
        let batch_interval = Duration::from_millis(consensus.batch_interval_ms);
        let voter = Voter::new(
            VoterConfig {
                network_id: network_id.clone(),
                batch_max_votes: 1024,
                batch_interval,
                byzantine: byzantine.clone(),
            },
            key.clone(),
            policy,
            book,
            VoterLinks {
                network: network.clone(),
                tally: tally.clone().recipient(),
                tally_quotes: tally.clone().recipient(),
            },
            telemetry.clone(),
        )
        .start();
        let proposer = Proposer::new(
            ProposerConfig {
                network_id: network_id.clone(),
                batch_max_quotes: consensus.batch_max_quotes,
                batch_interval,
            },
            key.clone(),
            network.clone(),
            voter.clone().recipient(),
            telemetry.clone(),
            byzantine,
        )
        .start();

        let pool = Arc::new(
            ScriptPool::new(config.scripts.workers, script_limits(&config))
                .context("script pool")?,
        );
        let scheduler_ctx = Context::<Scheduler>::new();
        let scheduler_addr = scheduler_ctx.address();
        let runner = ScraperRunner::new(
            pool,
            RunnerOutputs {
                proposer: proposer.recipient(),
                voter: voter.clone().recipient(),
                store: writer.clone().recipient(),
                scheduler: scheduler_addr.clone().recipient(),
                reputation: Some(reputation.clone().recipient()),
            },
            telemetry.clone(),
        )
        .start();
        if !loaded.failures.is_empty() {
            store
                .record_source_events(&loaded.failures)
                .await
                .context("recording source load failures")?;
        }
        let scheduler = scheduler_ctx.run(
            Scheduler::new(
                loaded.sources,
                runner.recipient(),
                Splay {
                    node_key: public_key.0.to_vec(),
                    splay_ms: config.scripts.splay_ms,
                },
            )
            .with_reputation(reputation.clone().recipient()),
        );

        let scripts = ScriptShare::new(
            ShareConfig {
                network_id: network_id.clone(),
                installed_dir: config.scripts.dir.join("installed"),
                trusted_authors: config.trusted_authors(),
                shadow_new: config.scripts.shadow_new,
            },
            network.clone(),
            store.clone(),
            scheduler.clone(),
        );
        scripts.start().await.context("loading installed scripts")?;

        let (sync_tx, sync_rx) = mpsc::channel(256);
        let bridge = GossipBridge {
            network_id: network_id.clone(),
            validators: validators.clone(),
            deadline: mdn_consensus::Deadline {
                vote_timeout_ms: ms(config.consensus.vote_timeout_ms),
                max_clock_skew_ms: ms(config.consensus.max_clock_skew_ms),
            },
            network: network.clone(),
            outputs: GossipOutputs {
                voter: voter.recipient(),
                tally: tally.recipient(),
                reputation: reputation.recipient(),
            },
            store: store.clone(),
            telemetry: telemetry.clone(),
            sync: sync_tx,
            scripts: scripts.clone(),
        };
        actix::spawn(bridge.run(net_events));
        let sync = SyncWorker {
            network_id: network_id.clone(),
            validators: validators.clone(),
            network: network.clone(),
            store: store.clone(),
            recent,
            telemetry: telemetry.clone(),
        };
        actix::spawn(sync.run(sync_rx));

        let state = ApiState {
            store: store.clone(),
            telemetry: telemetry.clone(),
            network: network.clone(),
            public_key,
            peer_id: identity.peer_id().to_string(),
            network_id,
            validators,
            scheduler: scheduler.clone(),
            started_at_ms: now_ms(),
            token: config.api.token.clone(),
            reputation: reputation_handle,
            test_hooks: config.api.test_hooks,
            scripts,
        };
        let (server, api_addr) = api::serve(&config.api, state).context("starting the HTTP API")?;
        let api = server.handle();
        actix::spawn(async move {
            if let Err(err) = server.await {
                tracing::error!(%err, "HTTP API stopped");
            }
        });
        tracing::info!(%api_addr, peer_id = %identity.peer_id(), "node started");
        Ok(NodeHandle {
            api_addr,
            public_key,
            network,
            store,
            telemetry,
            scheduler,
            api,
        })
    }
}

/// Builds the reputation book from config, restores stored scores and starts the actor.
async fn start_reputation(
    config: &Config,
    sources: &[Arc<SourceSpec>],
    links: ReputationLinks,
    validators: &ValidatorSet,
) -> anyhow::Result<Addr<ReputationActor>> {
    let r = &config.reputation;
    let secs = |s: u64| ms(s.saturating_mul(1000));
    let params = Params {
        half_life_ms: secs(r.half_life_secs),
        quarantine_below: r.quarantine_below,
        recover_above: r.recover_above,
        price_interval_ms: secs(r.price_interval_secs),
        price_grace_ms: ms(config.consensus.vote_timeout_ms).saturating_add(1000),
        max_quote_age_ms: ms(config.consensus.max_quote_age_ms),
        report_ttl_ms: secs(r.epoch_secs).saturating_mul(3),
        ..Params::default()
    };
    let now = now_ms();
    let me = PublicKey::from(links.key.as_ref());
    let mut book = ReputationBook::new(
        params,
        me,
        validators.keys().iter().copied(),
        sources.iter().filter(|s| s.shadow).map(|s| s.name.clone()),
        now,
    );
    for s in sources {
        book.track_source(&s.name, now);
    }
    let store = links.store.clone();
    for s in store
        .source_scores()
        .await
        .context("reading source scores")?
    {
        let symbol = s.symbol.as_deref().and_then(|t| Symbol::parse(t).ok());
        let parts = SourceParts {
            acceptance: s.acceptance,
            closeness: s.deviation,
            freshness: s.staleness,
            reliability: s.reliability,
        };
        book.restore_source((s.source, symbol), parts, s.quarantined, now);
    }
    for p in store.peers().await.context("reading peers")? {
        book.restore_peer(p.key, p.reputation, now);
    }
    Ok(ReputationActor::new(book, links).start())
}

fn policy_config(config: &Config) -> PolicyConfig {
    let c = &config.consensus;
    PolicyConfig {
        max_clock_skew_ms: ms(c.max_clock_skew_ms),
        max_quote_age_ms: ms(c.max_quote_age_ms),
        same_source_bps: c.bands.same_source_bps,
        cross_source_bps: c.bands.cross_source_bps,
        per_symbol: c
            .bands
            .per_symbol
            .keys()
            .map(|symbol| {
                let band = config.band_for(symbol);
                let bands = mdn_consensus::Bands {
                    same_source_bps: band.same_source_bps,
                    cross_source_bps: band.cross_source_bps,
                };
                (symbol.clone(), bands)
            })
            .collect(),
        reference_window_ms: ms(c.max_quote_age_ms).min(10_000),
        max_wait_ms: ms(c.vote_timeout_ms) / 2,
    }
}

fn script_limits(config: &Config) -> Limits {
    let s = &config.scripts;
    Limits {
        timeout: Duration::from_millis(s.timeout_ms),
        max_operations: s.max_operations,
        http_timeout: Duration::from_millis(s.http_timeout_ms),
        max_response_bytes: usize::try_from(s.max_response_bytes).unwrap_or(usize::MAX),
        max_future_skew_ms: ms(config.consensus.max_clock_skew_ms),
        max_age_ms: ms(config.consensus.max_quote_age_ms),
        ..Limits::default()
    }
}

fn byzantine_of(config: &Config) -> Byzantine {
    match &config.network.byzantine {
        None => Byzantine::default(),
        Some(b) => Byzantine {
            propose_offset_pct: (b.propose_offset_pct != 0.0)
                .then(|| rust_decimal::Decimal::try_from(b.propose_offset_pct).ok())
                .flatten(),
            vote_against: b.vote_against,
            equivocate: b.equivocate,
            replay: b.replay,
        },
    }
}

/// A config duration in ms as the protocol's signed ms (saturating).
fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn quorum_of(num: u64, den: u64) -> anyhow::Result<Quorum> {
    let numerator = u32::try_from(num).context("quorum numerator too large")?;
    let denominator = u32::try_from(den).context("quorum denominator too large")?;
    Ok(Quorum {
        numerator,
        denominator,
    })
}
