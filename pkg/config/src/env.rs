//! Environment overrides `MDNODE_<SECTION>_<KEY>=value` for the scalar keys of the top-level
//! sections, applied after parsing. Values are type-checked; unknown variables are errors. Pure:
//! the variables come in as an iterator.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sections::{Api, Consensus, Network, Node, Reputation, Scripts, Store, Validators};
use crate::{Config, ConfigError, Quorum};

/// Prefix of configuration variables.
pub const ENV_PREFIX: &str = "MDNODE_";

/// `MDNODE_*` variables that are not configuration overrides and are ignored here (read by the
/// command line instead).
pub const NON_CONFIG_ENV_VARS: &[&str] = &["MDNODE_LOG", "MDNODE_CONFIG"];

/// A config field that can be set from an environment variable's text.
trait EnvValue: Sized {
    /// Parses the variable's text; the error says what was expected.
    fn from_env(raw: &str) -> Result<Self, String>;
}

impl EnvValue for String {
    fn from_env(raw: &str) -> Result<Self, String> {
        Ok(raw.to_owned())
    }
}

impl EnvValue for PathBuf {
    fn from_env(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("expected a path, got an empty value".to_owned());
        }
        Ok(PathBuf::from(raw))
    }
}

impl EnvValue for bool {
    fn from_env(raw: &str) -> Result<Self, String> {
        match raw {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("expected `true` or `false`, got {raw:?}")),
        }
    }
}

/// Integers, floats, addresses and quorums parse with `FromStr`.
macro_rules! env_from_str {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl EnvValue for $ty {
            fn from_env(raw: &str) -> Result<Self, String> {
                raw.parse::<$ty>()
                    .map_err(|e| format!("expected {}, got {raw:?} ({e})", $what))
            }
        }
    )*};
}

env_from_str! {
    u32 => "a whole number (0 to 4294967295)",
    u64 => "a whole number",
    usize => "a whole number",
    SocketAddr => "an address and port such as 127.0.0.1:8080",
    Quorum => "a fraction in (1/2, 1]",
}

impl EnvValue for f64 {
    fn from_env(raw: &str) -> Result<Self, String> {
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(format!("expected a number, got {raw:?}")),
        }
    }
}

/// Optional values: an empty variable means "not set".
impl<T: EnvValue> EnvValue for Option<T> {
    fn from_env(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            Ok(None)
        } else {
            T::from_env(raw).map(Some)
        }
    }
}

/// Why a key of a section cannot be set.
enum SetError {
    /// The section has no such scalar key.
    Unknown(&'static [&'static str]),
    /// The key exists but is a list or a nested mapping.
    NotScalar,
    /// The value has the wrong type.
    Value(String),
}

/// A section whose scalar keys can be set from the environment.
trait EnvSection {
    fn set(&mut self, key: &str, raw: &str) -> Result<(), SetError>;
}

/// Implements [`EnvSection`] from the lists of scalar and non-scalar keys of a section.
macro_rules! env_section {
    ($ty:ty { $($field:ident),* $(,)? } $(not_scalar { $($other:ident),* $(,)? })?) => {
        impl EnvSection for $ty {
            fn set(&mut self, key: &str, raw: &str) -> Result<(), SetError> {
                const SCALARS: &[&str] = &[$(stringify!($field)),*];
                match key {
                    $(stringify!($field) => {
                        self.$field = EnvValue::from_env(raw).map_err(SetError::Value)?;
                        Ok(())
                    })*
                    $($(stringify!($other))|* => Err(SetError::NotScalar),)?
                    _ => Err(SetError::Unknown(SCALARS)),
                }
            }
        }
    };
}

env_section!(Node {
    network_id,
    name,
    data_dir,
    key_file,
    worker_threads
});
env_section!(Network { mdns, kademlia_server } not_scalar { listen, bootnodes, byzantine });
env_section!(Validators { quorum } not_scalar { keys });
env_section!(Consensus {
    vote_timeout_ms, max_clock_skew_ms, max_quote_age_ms, batch_max_quotes, batch_interval_ms
} not_scalar { bands });
env_section!(Store {
    database_url,
    sqlite_path,
    pool_size
});
env_section!(Scripts {
    dir, timeout_ms, max_operations, http_timeout_ms, max_response_bytes, workers, splay_ms,
    shadow_new
} not_scalar { trusted_authors });
env_section!(Api {
    listen,
    token,
    rate_limit_per_sec,
    test_hooks
} not_scalar { cors_origins });
env_section!(Reputation {
    epoch_secs,
    quarantine_below,
    recover_above,
    half_life_secs,
    price_interval_secs
});

/// The top-level sections, for error messages.
const SECTIONS: &[&str] = &[
    "node",
    "network",
    "validators",
    "consensus",
    "store",
    "scripts",
    "sources",
    "api",
    "reputation",
];

/// Applies the `MDNODE_*` variables among `vars` to `config`. Returns the dotted key set by each
/// variable (key → variable name), for error messages.
pub(crate) fn apply<K, V>(
    config: &mut Config,
    vars: impl IntoIterator<Item = (K, V)>,
) -> Result<BTreeMap<String, String>, ConfigError>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut set = BTreeMap::new();
    // Sorted, so that the same environment always gives the same first error.
    let vars: BTreeMap<String, String> = vars
        .into_iter()
        .filter(|(k, _)| k.as_ref().starts_with(ENV_PREFIX))
        .filter(|(k, _)| !NON_CONFIG_ENV_VARS.contains(&k.as_ref()))
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    for (var, raw) in vars {
        let err = |message: String| ConfigError::Env {
            var: var.clone(),
            message,
        };
        let rest = var[ENV_PREFIX.len()..].to_ascii_lowercase();
        let (section, key) = rest.split_once('_').unwrap_or((rest.as_str(), ""));
        let target: &mut dyn EnvSection = match section {
            "node" => &mut config.node,
            "network" => &mut config.network,
            "validators" => &mut config.validators,
            "consensus" => &mut config.consensus,
            "store" => &mut config.store,
            "scripts" => &mut config.scripts,
            "api" => &mut config.api,
            "reputation" => &mut config.reputation,
            "sources" => {
                return Err(err(
                    "`sources` is a list and can only be set in the config file".to_owned(),
                ));
            }
            _ => {
                return Err(err(format!(
                    "unknown variable: expected {ENV_PREFIX}<SECTION>_<KEY> with SECTION one of {} \
                     (other {ENV_PREFIX} variables: {})",
                    SECTIONS.join(", ").to_uppercase(),
                    NON_CONFIG_ENV_VARS.join(", "),
                )));
            }
        };
        match target.set(key, &raw) {
            Ok(()) => {
                set.insert(format!("{section}.{key}"), var.clone());
            }
            Err(SetError::Unknown(allowed)) => {
                return Err(err(format!(
                    "unknown variable: section `{section}` has no scalar key `{key}`; \
                     expected one of {}",
                    allowed
                        .iter()
                        .map(|k| format!("{ENV_PREFIX}{}_{}", section, k).to_uppercase())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Err(SetError::NotScalar) => {
                return Err(err(format!(
                    "`{section}.{key}` is a list or mapping and can only be set in the config file"
                )));
            }
            Err(SetError::Value(message)) => {
                return Err(err(format!(
                    "invalid value for `{section}.{key}`: {message}"
                )));
            }
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_key_can_be_set() {
        let vars = [
            ("MDNODE_NODE_NETWORK_ID", "n"),
            ("MDNODE_NODE_NAME", "x"),
            ("MDNODE_NODE_DATA_DIR", "/d"),
            ("MDNODE_NODE_KEY_FILE", "/k"),
            ("MDNODE_NODE_WORKER_THREADS", "3"),
            ("MDNODE_NETWORK_MDNS", "false"),
            ("MDNODE_NETWORK_KADEMLIA_SERVER", "true"),
            ("MDNODE_VALIDATORS_QUORUM", "3/4"),
            ("MDNODE_CONSENSUS_VOTE_TIMEOUT_MS", "1"),
            ("MDNODE_CONSENSUS_MAX_CLOCK_SKEW_MS", "2"),
            ("MDNODE_CONSENSUS_MAX_QUOTE_AGE_MS", "3"),
            ("MDNODE_CONSENSUS_BATCH_MAX_QUOTES", "4"),
            ("MDNODE_CONSENSUS_BATCH_INTERVAL_MS", "5"),
            ("MDNODE_STORE_DATABASE_URL", "postgres://p@h/d"),
            ("MDNODE_STORE_SQLITE_PATH", "/s"),
            ("MDNODE_STORE_POOL_SIZE", "6"),
            ("MDNODE_SCRIPTS_DIR", "/sc"),
            ("MDNODE_SCRIPTS_TIMEOUT_MS", "7"),
            ("MDNODE_SCRIPTS_MAX_OPERATIONS", "8"),
            ("MDNODE_SCRIPTS_HTTP_TIMEOUT_MS", "9"),
            ("MDNODE_SCRIPTS_MAX_RESPONSE_BYTES", "10"),
            ("MDNODE_SCRIPTS_WORKERS", "11"),
            ("MDNODE_SCRIPTS_SPLAY_MS", "250"),
            ("MDNODE_SCRIPTS_SHADOW_NEW", "false"),
            ("MDNODE_API_LISTEN", "0.0.0.0:1"),
            ("MDNODE_API_TOKEN", "t"),
            ("MDNODE_API_RATE_LIMIT_PER_SEC", "12"),
            ("MDNODE_API_TEST_HOOKS", "true"),
            ("MDNODE_REPUTATION_EPOCH_SECS", "13"),
            ("MDNODE_REPUTATION_QUARANTINE_BELOW", "0.1"),
            ("MDNODE_REPUTATION_RECOVER_ABOVE", "0.9"),
            ("MDNODE_REPUTATION_HALF_LIFE_SECS", "14"),
        ];
        let mut c = Config::default();
        let set = apply(&mut c, vars).unwrap();
        assert_eq!(set.len(), vars.len());
        assert_eq!(
            set.get("scripts.max_response_bytes").map(String::as_str),
            Some("MDNODE_SCRIPTS_MAX_RESPONSE_BYTES")
        );
        assert_eq!(c.node.key_file, Some(PathBuf::from("/k")));
        assert_eq!(c.node.worker_threads, Some(3));
        assert!(c.network.kademlia_server);
        assert_eq!(c.consensus.batch_interval_ms, 5);
        assert_eq!(c.scripts.workers, 11);
        assert_eq!(c.scripts.splay_ms, 250);
        assert_eq!(c.api.token.as_deref(), Some("t"));
        assert!(c.api.test_hooks);
        assert_eq!(c.reputation.half_life_secs, 14);
    }

    #[test]
    fn empty_value_unsets_optional_keys_but_not_required_ones() {
        let mut c = Config::default();
        c.api.token = Some("secret".into());
        apply(&mut c, [("MDNODE_API_TOKEN", "")]).unwrap();
        assert_eq!(c.api.token, None);
        assert!(apply(&mut c, [("MDNODE_NODE_DATA_DIR", "")]).is_err());
        assert!(apply(&mut c, [("MDNODE_API_RATE_LIMIT_PER_SEC", "")]).is_err());
        assert!(apply(&mut c, [("MDNODE_REPUTATION_EPOCH_SECS", "-1")]).is_err());
        assert!(apply(&mut c, [("MDNODE_REPUTATION_RECOVER_ABOVE", "NaN")]).is_err());
    }
}
