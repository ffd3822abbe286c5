//! Devnet layout: keys and configs for N local validator nodes that know each other, written under
//! one directory. Used by `mdnode devnet` and by the multi-node tests, which start the processes
//! themselves. Existing keys are reused, so a devnet keeps its identities across restarts.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mdn_config::{Byzantine, Config, Schedule, Source};
use mdn_protocol::PublicKey;

/// What to lay out.
#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// Directory for everything (created).
    pub dir: PathBuf,
    /// Number of nodes.
    pub nodes: usize,
    /// Node i serves HTTP on `http_port + i`.
    pub http_port: u16,
    /// Node i listens on TCP and UDP (QUIC) `p2p_port + i`.
    pub p2p_port: u16,
    /// Where each node stores its data.
    pub databases: Databases,
    /// The last `byzantine` nodes lie.
    pub byzantine: usize,
    /// Base URL of the simulated exchange the sources read.
    pub simex_url: String,
    /// Cron schedule of every source.
    pub schedule: String,
    /// Directory with the venue scripts (`*.rhai`); every script becomes a source.
    pub scripts_dir: PathBuf,
    /// Network id.
    pub network_id: String,
    /// Bearer token for operator changes on every node (`api.token`); `None` disables changes.
    pub api_token: Option<String>,
}

/// Where devnet nodes keep their data.
#[derive(Debug, Clone, Default)]
pub enum Databases {
    /// Embedded SQLite in each node's directory.
    #[default]
    Sqlite,
    /// One PostgreSQL server: node i gets a database named after the network, i and its key
    /// (`mdn_devnet_<i>_<first 4 key bytes in hex>`; created if missing), so a devnet reuses
    /// only the databases of its own keys and networks never share one.
    Server(String),
    /// Exactly these database URLs, one per node (tests).
    PerNode(Vec<String>),
}

/// One node of the layout.
#[derive(Debug, Clone)]
pub struct NodePlan {
    /// 0-based index.
    pub index: usize,
    /// Its directory (key, config, SQLite file, log).
    pub dir: PathBuf,
    /// Its config file.
    pub config: PathBuf,
    /// Its HTTP port.
    pub http_port: u16,
    /// Its libp2p port.
    pub p2p_port: u16,
    /// Its public key.
    pub public_key: PublicKey,
    /// Its peer id.
    pub peer_id: String,
    /// Whether it lies.
    pub byzantine: bool,
    /// Its database URL, if on PostgreSQL.
    pub database_url: Option<String>,
    /// Its database's name, if the devnet created it on a shared server ([`Databases::Server`]).
    pub server_database: Option<String>,
}

/// The whole layout.
#[derive(Debug, Clone)]
pub struct DevnetLayout {
    /// Root directory.
    pub dir: PathBuf,
    /// Network id.
    pub network_id: String,
    /// The nodes.
    pub nodes: Vec<NodePlan>,
}

impl DevnetLayout {
    /// Creates keys (or reuses them), databases and config files.
    pub async fn prepare(opts: &DevnetOptions) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&opts.dir)
            .with_context(|| format!("creating {}", opts.dir.display()))?;
        let dir = std::fs::canonicalize(&opts.dir)?;
        let scripts_dir = std::fs::canonicalize(&opts.scripts_dir)
            .with_context(|| format!("scripts directory {}", opts.scripts_dir.display()))?;
        let scripts = venue_scripts(&scripts_dir)?;
        let mut nodes = Vec::with_capacity(opts.nodes);
        for index in 0..opts.nodes {
            let node_dir = dir.join(format!("node-{index}"));
            std::fs::create_dir_all(&node_dir)?;
            let key_file = node_dir.join("node.key");
            let identity = if key_file.exists() {
                mdn_identity::load(&key_file)?
            } else {
                mdn_identity::generate(&key_file, false)?
            };
            let server_database = match &opts.databases {
                Databases::Server(_) => Some(database_name(
                    &opts.network_id,
                    index,
                    &identity.public_key(),
                )),
                Databases::Sqlite | Databases::PerNode(_) => None,
            };
            let database_url = match (&opts.databases, &server_database) {
                (Databases::Server(url), Some(name)) => Some(ensure_database(url, name).await?),
                (Databases::PerNode(urls), _) => Some(
                    urls.get(index)
                        .cloned()
                        .context("fewer database URLs than nodes")?,
                ),
                _ => None,
            };
            nodes.push(NodePlan {
                index,
                config: node_dir.join("config.yaml"),
                dir: node_dir,
                http_port: port(opts.http_port, index)?,
                p2p_port: port(opts.p2p_port, index)?,
                public_key: identity.public_key(),
                peer_id: identity.peer_id().to_string(),
                byzantine: index >= opts.nodes - opts.byzantine,
                database_url,
                server_database,
            });
        }
        let layout = Self {
            dir,
            network_id: opts.network_id.clone(),
            nodes,
        };
        for node in &layout.nodes {
            let config = layout.config_for(node, opts, &scripts_dir, &scripts)?;
            let yaml = config.to_yaml().map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&node.config, yaml)?;
        }
        Ok(layout)
    }

    fn config_for(
        &self,
        node: &NodePlan,
        opts: &DevnetOptions,
        scripts_dir: &Path,
        scripts: &[String],
    ) -> anyhow::Result<Config> {
        let mut c = Config::default();
        c.node.network_id = self.network_id.clone();
        c.node.name = Some(format!("node-{}", node.index));
        c.node.data_dir = node.dir.clone();
        c.node.key_file = Some(node.dir.join("node.key"));
        c.network.listen = vec![
            format!("/ip4/127.0.0.1/tcp/{}", node.p2p_port).parse()?,
            format!("/ip4/127.0.0.1/udp/{}/quic-v1", node.p2p_port).parse()?,
        ];
        c.network.bootnodes = self
            .nodes
            .iter()
            .filter(|n| n.index != node.index)
            .map(|n| format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", n.p2p_port, n.peer_id).parse())
            .collect::<Result<_, _>>()?;
        c.network.mdns = false;
        c.network.kademlia_server = true;
        if node.byzantine {
            c.network.byzantine = Some(Byzantine {
                propose_offset_pct: 5.0,
                vote_against: true,
                equivocate: true,
                replay: true,
            });
        }
        c.validators.keys = self.nodes.iter().map(|n| n.public_key.to_hex()).collect();
        c.store.database_url = node.database_url.clone();
        c.scripts.dir = scripts_dir.to_owned();
        c.sources = scripts
            .iter()
            .map(|name| -> anyhow::Result<Source> {
                let schedule =
                    Schedule::parse(&opts.schedule).map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(Source {
                    name: name.clone(),
                    script: PathBuf::from(format!("{name}.rhai")),
                    schedule,
                    symbols: None,
                    params: [("base_url".to_owned(), opts.simex_url.clone())].into(),
                    enabled: true,
                    shadow: false,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        c.api.listen = format!("127.0.0.1:{}", node.http_port).parse()?;
        c.api.token = opts.api_token.clone();
        // A local demo network reacts within a minute: short epochs, half-life and intervals.
        c.reputation.epoch_secs = 10;
        c.reputation.half_life_secs = 60;
        c.reputation.price_interval_secs = 5;
        Ok(c)
    }
}

fn port(base: u16, index: usize) -> anyhow::Result<u16> {
    u16::try_from(usize::from(base) + index).context("port out of range")
}

/// Names (file stems) of the `*.rhai` scripts in `dir`, sorted.
fn venue_scripts(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rhai")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    anyhow::ensure!(!names.is_empty(), "no *.rhai scripts in {}", dir.display());
    Ok(names)
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Creates database `name` on the server of `url` if it does not exist; returns its URL.
pub async fn ensure_database(url: &str, name: &str) -> anyhow::Result<String> {
    let client = connect(url).await?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        // Identifiers cannot be bound as parameters; `name` is ours (`database_name`).
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    Ok(with_database(url, name))
}

/// Drops database `name` on the server of `url` if it exists (its clients must be gone).
pub async fn drop_database(url: &str, name: &str) -> anyhow::Result<()> {
    let client = connect(url).await?;
    // Identifiers cannot be bound as parameters; `name` is ours (`database_name`).
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await
        .with_context(|| format!("dropping database {name}"))?;
    Ok(())
}

/// A connection to the server of `url` for creating and dropping databases.
async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("connecting to {}", crate::app::redact(url)))?;
    tokio::spawn(connection);
    Ok(client)
}

/// The database of node `index` on a shared server: the network id (letters, digits and `_`
/// only), the index and the node's key, so that networks (a devnet, `mdnode bench`) never share
/// a database and a devnet made with new keys does not find an older devnet's data. PostgreSQL
/// keeps only the first 63 bytes of a name, so a long network id is cut and a hash of it added:
/// names never collide by truncation.
fn database_name(network_id: &str, index: usize, key: &PublicKey) -> String {
    const MAX_NAME: usize = 63;
    let suffix = format!("_{index}_{}", hex::encode(&key.0[..4]));
    let mut network: String = network_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let room = MAX_NAME.saturating_sub(suffix.len());
    if network.len() > room {
        let digest = mdn_protocol::hash::sha256(&[network_id.as_bytes()]);
        // Every char is ASCII after the mapping above, so any byte index is a char boundary.
        network.truncate(room.saturating_sub(9));
        network = format!("{network}_{}", hex::encode(&digest.0[..4]));
    }
    format!("{network}{suffix}")
}

#[cfg(test)]
mod tests {
    use mdn_protocol::PublicKey;

    use super::{database_name, with_database};

    #[test]
    fn each_network_and_key_gets_its_own_databases() {
        let key = PublicKey([0xab; 32]);
        assert_eq!(
            database_name("mdn-devnet", 0, &key),
            "mdn_devnet_0_abababab"
        );
        assert_eq!(database_name("mdn-bench", 3, &key), "mdn_bench_3_abababab");
        assert_eq!(
            database_name("mdn-devnet", 0, &PublicKey([1; 32])),
            "mdn_devnet_0_01010101"
        );
        assert_eq!(
            database_name("Odd\"; DROP", 1, &key),
            "odd___drop_1_abababab"
        );
    }

    #[test]
    fn long_network_ids_keep_names_within_postgres_limit_and_apart() {
        let key = PublicKey([0xab; 32]);
        let long = "n".repeat(64);
        let other = format!("{}m", "n".repeat(63));
        let names = [
            database_name(&long, 0, &key),
            database_name(&long, 1, &key),
            database_name(&long, 1, &PublicKey([1; 32])),
            database_name(&other, 0, &key),
            database_name(&format!("{long}{long}"), 0, &key),
        ];
        for name in &names {
            assert!(name.len() <= 63, "{name} is {} bytes", name.len());
        }
        let distinct: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{names:?}");
        assert!(names[1].ends_with("_1_abababab"), "{}", names[1]);
        // Ids that fit are left as they were.
        let fits = "x".repeat(63 - "_0_abababab".len());
        assert_eq!(database_name(&fits, 0, &key), format!("{fits}_0_abababab"));
    }

    #[test]
    fn database_names_are_replaced_and_parameters_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
    }
}
