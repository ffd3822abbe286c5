//! [`Config`]: the whole configuration, how it is loaded (file → YAML → environment overrides →
//! relative paths → validation) and the typed accessors the node uses.

use std::path::{Path, PathBuf};

use mdn_protocol::{PublicKey, Symbol};
use serde::{Deserialize, Serialize};

use crate::sections::{
    Api, Band, Consensus, Network, Node, Reputation, Scripts, Source, Store, StoreBackend,
    Validators,
};
use crate::{ConfigError, Position, Problem, ValueSource, env, locate, paths, validate, yaml};

/// The node's configuration. Every section is optional in the file; missing keys take the
/// defaults documented on each field and in `config/node.example.yaml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// This node's identity and files.
    pub node: Node,
    /// libp2p listening and discovery.
    pub network: Network,
    /// The validator set and its quorum.
    pub validators: Validators,
    /// Voting timeouts, batching and price bands.
    pub consensus: Consensus,
    /// The database.
    pub store: Store,
    /// The scraper sandbox.
    pub scripts: Scripts,
    /// The data sources this node scrapes (default none).
    pub sources: Vec<Source>,
    /// The HTTP API.
    pub api: Api,
    /// Source and peer scoring.
    pub reputation: Reputation,
}

impl Config {
    /// Loads `path` with the overrides from this process's `MDNODE_*` environment variables.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let vars = std::env::vars_os().filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            k.starts_with(env::ENV_PREFIX)
                .then(|| (k, v.to_string_lossy().into_owned()))
        });
        Self::load_with_env(path, vars)
    }

    /// Loads `path` with overrides from `vars` (name, value) instead of the process
    /// environment; variables not starting with `MDNODE_` are ignored.
    pub fn load_with_env<K, V>(
        path: &Path,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml_str_with_env(&text, path, vars)
    }

    /// Parses and validates `text` without environment overrides. `origin` is the file the text
    /// came from: it names the text in messages, and relative paths are resolved against its
    /// directory (against the working directory if it has none).
    pub fn from_yaml_str(text: &str, origin: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::from_yaml_str_with_env(text, origin, std::iter::empty::<(&str, &str)>())
    }

    /// Parses `text`, applies the `MDNODE_*` overrides among `vars`, resolves relative paths and
    /// validates. See [`Config::from_yaml_str`] for `origin`.
    pub fn from_yaml_str_with_env<K, V>(
        text: &str,
        origin: impl AsRef<Path>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let origin = origin.as_ref();
        let name = origin.display().to_string();
        let mut config = yaml::parse(text, &name)?;
        let from_env = env::apply(&mut config, vars)?;
        paths::resolve(&mut config, &paths::base_dir(origin));
        let broken = validate::check(&config);
        if broken.is_empty() {
            return Ok(config);
        }
        let positions = locate::positions(text);
        Err(invalid(&name, broken, |key| {
            if let Some(var) = from_env.get(key) {
                ValueSource::Env(var.clone())
            } else {
                nearest_position(&positions, key).map_or(ValueSource::Unknown, ValueSource::File)
            }
        }))
    }

    /// Checks the validation rules on a configuration built in code (no positions in errors).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let broken = validate::check(self);
        if broken.is_empty() {
            Ok(())
        } else {
            Err(invalid("<config>", broken, |_| ValueSource::Unknown))
        }
    }

    /// The configuration as YAML text that [`Config::from_yaml_str`] reads back (e.g. to write
    /// generated devnet configurations).
    pub fn to_yaml(&self) -> Result<String, ConfigError> {
        yaml::to_string(self)
    }

    /// The validator set's public keys in file order. Entries that are not valid keys are
    /// skipped; they cannot occur in a configuration that passed validation.
    pub fn validator_keys(&self) -> Vec<PublicKey> {
        parse_keys(&self.validators.keys)
    }

    /// The script authors trusted without approval (same rules as [`Config::validator_keys`]).
    pub fn trusted_authors(&self) -> Vec<PublicKey> {
        parse_keys(&self.scripts.trusted_authors)
    }

    /// The quorum as `(numerator, denominator)`; see [`crate::Quorum::threshold`] for the count
    /// of votes it requires.
    pub fn quorum(&self) -> (u64, u64) {
        (self.validators.quorum.num(), self.validators.quorum.den())
    }

    /// The price bands for `symbol` (its `per_symbol` entry, else the defaults).
    pub fn band_for(&self, symbol: &Symbol) -> Band {
        self.consensus.bands.band_for(symbol)
    }

    /// The node key file: `node.key_file`, or `<data_dir>/node.key`.
    pub fn key_file(&self) -> PathBuf {
        self.node
            .key_file
            .clone()
            .unwrap_or_else(|| self.node.data_dir.join("node.key"))
    }

    /// The database to use: PostgreSQL if `store.database_url` is set, else the embedded SQLite
    /// file (`store.sqlite_path`, or `<data_dir>/mdnode.sqlite`).
    pub fn store_backend(&self) -> StoreBackend {
        match &self.store.database_url {
            Some(url) => StoreBackend::Postgres {
                url: url.clone(),
                pool_size: self.store.pool_size,
            },
            None => StoreBackend::Sqlite {
                path: self
                    .store
                    .sqlite_path
                    .clone()
                    .unwrap_or_else(|| self.node.data_dir.join("mdnode.sqlite")),
            },
        }
    }

    /// The script file of `source`: `scripts.dir` joined with `source.script`.
    pub fn script_path(&self, source: &Source) -> PathBuf {
        self.scripts.dir.join(&source.script)
    }
}

/// Builds [`ConfigError::Invalid`], sorted by position then key.
fn invalid(
    origin: &str,
    broken: Vec<(String, String)>,
    source_of: impl Fn(&str) -> ValueSource,
) -> ConfigError {
    let mut problems: Vec<Problem> = broken
        .into_iter()
        .map(|(key, message)| Problem {
            source: source_of(&key),
            key,
            message,
        })
        .collect();
    let order = |p: &Problem| match &p.source {
        ValueSource::File(pos) => (0, Some(*pos)),
        _ => (1, None),
    };
    problems.sort_by(|a, b| order(a).cmp(&order(b)).then_with(|| a.key.cmp(&b.key)));
    ConfigError::Invalid {
        origin: origin.to_owned(),
        problems,
    }
}

/// The position of `key`, or of its nearest enclosing key that is written in the file (a rule
/// broken by a default value points at the section or entry that lacks it).
fn nearest_position(positions: &locate::PositionMap, key: &str) -> Option<Position> {
    let mut key = key;
    loop {
        if let Some(p) = positions.get(key) {
            return Some(*p);
        }
        let cut = key.rfind(['.', '['])?;
        key = &key[..cut];
    }
}

fn parse_keys(keys: &[String]) -> Vec<PublicKey> {
    keys.iter()
        .filter_map(|k| PublicKey::from_hex(k).ok())
        .collect()
}
