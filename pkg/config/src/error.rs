//! [`ConfigError`]: everything that can be wrong with a configuration, printed as
//! `FILE:LINE:COLUMN: message` wherever the position is known.

use std::fmt;
use std::path::PathBuf;

/// A 1-based line and column in the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column (character), from 1.
    pub column: usize,
}

/// Where a value that failed validation came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    /// Written in the file at this position.
    File(Position),
    /// Set by this environment variable.
    Env(String),
    /// Not written anywhere: the default, or a value whose position is unknown (e.g. behind a
    /// YAML alias).
    Unknown,
}

/// One broken validation rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the offending key, e.g. `sources[1].name` or `consensus.bands.same_source_bps`.
    pub key: String,
    /// Where its value came from.
    pub source: ValueSource,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The YAML is malformed or does not fit the schema (unknown key, wrong type, bad value).
    #[error("{}", format_parse(origin, *position, message, snippet))]
    Parse {
        /// The file (or other origin) name.
        origin: String,
        /// Where, if known.
        position: Option<Position>,
        /// What is wrong (for unknown keys it names the allowed ones).
        message: String,
        /// The offending lines with a marker, as rendered by serde-saphyr (may be empty).
        snippet: String,
    },
    /// An `MDNODE_*` environment variable is unknown, names a non-scalar key, or has a value of
    /// the wrong type.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable's name.
        var: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The configuration parsed but breaks validation rules; all broken rules are listed.
    #[error("{}", ProblemList { origin, problems })]
    Invalid {
        /// The file (or other origin) name.
        origin: String,
        /// The broken rules, in key order.
        problems: Vec<Problem>,
    },
    /// The configuration could not be written as YAML.
    #[error("cannot write the configuration as YAML: {0}")]
    Serialize(String),
}

fn format_parse(origin: &str, position: Option<Position>, message: &str, snippet: &str) -> String {
    let mut out = match position {
        Some(p) => format!("{origin}:{}:{}: {message}", p.line, p.column),
        None => format!("{origin}: {message}"),
    };
    if !snippet.is_empty() {
        out.push('\n');
        out.push_str(snippet.trim_end());
    }
    out
}

/// Displays one problem per line, each prefixed with its origin and position.
struct ProblemList<'a> {
    origin: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid configuration ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems {
            match &p.source {
                ValueSource::File(pos) => write!(
                    f,
                    "\n{}:{}:{}: {}: {}",
                    self.origin, pos.line, pos.column, p.key, p.message
                )?,
                ValueSource::Env(var) => write!(
                    f,
                    "\n{}: {} (set by {var}): {}",
                    self.origin, p.key, p.message
                )?,
                ValueSource::Unknown => write!(f, "\n{}: {}: {}", self.origin, p.key, p.message)?,
            }
        }
        Ok(())
    }
}
