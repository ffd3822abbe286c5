//! The script manifest: YAML in the script's leading `//!` lines, parsed with serde-saphyr and
//! validated. Pure: errors carry the line and column in the script FILE (not in the extracted YAML).

use std::collections::BTreeMap;

use mdn_protocol::Symbol;
use serde::Deserialize;

/// Prefix of a manifest line.
const MANIFEST_PREFIX: &str = "//!";

/// A validated script manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Manifest {
    /// Script name, `[a-z0-9_-]{1,64}`, e.g. `binance`.
    pub name: String,
    /// Semantic version of the script, e.g. `1.0.0`.
    pub version: String,
    /// One-line description.
    pub description: String,
    /// Author, free text (e.g. `Jane Doe <jane@example.org>`), if given.
    pub author: Option<String>,
    /// Symbols the script can serve.
    pub symbols: SymbolSet,
    /// Default cron schedule (5 or 6 fields, seconds first when 6).
    pub schedule: String,
    /// Host names the script may reach with `http_get` (lower case).
    pub hosts: Vec<String>,
    /// Default parameters (string to string), overridable by the caller.
    pub params: BTreeMap<String, String>,
}

/// The symbols a script can serve.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolSet {
    /// `["*"]`: any symbol the venue lists.
    Any,
    /// Exactly these symbols.
    Listed(Vec<Symbol>),
}

impl std::fmt::Display for SymbolSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Listed(list) => {
                let names: Vec<&str> = list.iter().map(Symbol::as_str).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

/// Why a manifest is not valid. Line and column are 1-based positions in the script file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ManifestError {
    /// Line in the script file.
    pub line: usize,
    /// Column in the script file.
    pub column: usize,
    /// What was expected and what came.
    pub message: String,
}

/// The manifest as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: serde_saphyr::Spanned<String>,
    version: serde_saphyr::Spanned<String>,
    description: serde_saphyr::Spanned<String>,
    #[serde(default)]
    author: Option<String>,
    symbols: serde_saphyr::Spanned<Vec<String>>,
    schedule: serde_saphyr::Spanned<String>,
    hosts: serde_saphyr::Spanned<Vec<String>>,
    #[serde(default)]
    params: BTreeMap<String, String>,
}

/// The manifest's YAML text and the number of file lines before it.
struct Extracted {
    yaml: String,
    /// 0-based file line of the first `//!` line.
    first_line: usize,
    /// Number of `//!` lines.
    lines: usize,
}

/// Collects the leading `//!` lines (blank lines before them are allowed), without the prefix and
/// one following space.
fn extract(source: &str) -> Extracted {
    let mut yaml = String::new();
    let mut first_line = 0;
    let mut lines = 0;
    for (index, line) in source.lines().enumerate() {
        if let Some(rest) = line.strip_prefix(MANIFEST_PREFIX) {
            if lines == 0 {
                first_line = index;
            }
            lines += 1;
            yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            yaml.push('\n');
        } else if lines == 0 && line.trim().is_empty() {
            continue;
        } else {
            break;
        }
    }
    Extracted {
        yaml,
        first_line,
        lines,
    }
}

/// Parses and validates the manifest at the top of `source`.
pub fn parse_manifest(source: &str) -> Result<Manifest, ManifestError> {
    let extracted = extract(source);
    if extracted.lines == 0 {
        return Err(ManifestError {
            line: 1,
            column: 1,
            message: "expected a YAML manifest in leading `//!` lines, found none".to_owned(),
        });
    }
    // A file position from a 1-based YAML position: the prefix `//! ` is 4 columns wide.
    let at = |loc: serde_saphyr::Location| -> (usize, usize) {
        let line = usize::try_from(loc.line()).unwrap_or(1).max(1);
        let column = usize::try_from(loc.column()).unwrap_or(1).max(1);
        (
            extracted.first_line + line,
            column + MANIFEST_PREFIX.len() + 1,
        )
    };
    let err_at = |loc: serde_saphyr::Location, message: String| {
        let (line, column) = at(loc);
        ManifestError {
            line,
            column,
            message,
        }
    };
    let raw: RawManifest = serde_saphyr::from_str(&extracted.yaml).map_err(|e| {
        let message = yaml_message(&e);
        match e.location() {
            Some(loc) => err_at(loc, message),
            None => ManifestError {
                line: extracted.first_line + 1,
                column: 1,
                message,
            },
        }
    })?;
    validate_name(&raw.name.value).map_err(|m| err_at(raw.name.referenced, m))?;
    semver::Version::parse(&raw.version.value).map_err(|e| {
        let m = format!(
            "version {:?} is not a semantic version (e.g. 1.0.0): {e}",
            raw.version.value
        );
        err_at(raw.version.referenced, m)
    })?;
    if raw.description.value.trim().is_empty() {
        return Err(err_at(
            raw.description.referenced,
            "description is empty".to_owned(),
        ));
    }
    let symbols =
        parse_symbols(&raw.symbols.value).map_err(|m| err_at(raw.symbols.referenced, m))?;
    validate_schedule(&raw.schedule.value).map_err(|m| err_at(raw.schedule.referenced, m))?;
    let hosts = parse_hosts(&raw.hosts.value).map_err(|m| err_at(raw.hosts.referenced, m))?;
    Ok(Manifest {
        name: raw.name.value,
        version: raw.version.value,
        description: raw.description.value,
        author: raw.author,
        symbols,
        schedule: raw.schedule.value,
        hosts,
        params: raw.params,
    })
}

/// The error's message without serde-saphyr's own location suffix or snippet (those would point into
/// the extracted YAML, not the file).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let plain = e.without_snippet().to_string();
    let plain = plain.lines().next().unwrap_or("").to_owned();
    match plain.rfind(" at line ") {
        Some(cut) => plain[..cut].to_owned(),
        None => plain,
    }
}

/// Checks `[a-z0-9_-]{1,64}`.
pub fn validate_name(name: &str) -> Result<(), String> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "name {name:?} must be 1-64 characters of a-z, 0-9, '_' or '-'"
        ))
    }
}

fn parse_symbols(list: &[String]) -> Result<SymbolSet, String> {
    match list {
        [] => Err("symbols is empty: list BASE/QUOTE symbols or [\"*\"]".to_owned()),
        [only] if only == "*" => Ok(SymbolSet::Any),
        _ => list
            .iter()
            .map(|s| Symbol::parse(s).map_err(|e| format!("symbols: {e}")))
            .collect::<Result<Vec<_>, _>>()
            .map(SymbolSet::Listed),
    }
}

/// Checks a cron schedule of 5 or 6 fields (seconds first when 6) with croner.
pub fn validate_schedule(schedule: &str) -> Result<(), String> {
    let fields = schedule.split_whitespace().count();
    if !(5..=6).contains(&fields) {
        return Err(format!(
            "schedule {schedule:?} has {fields} fields, expected 5 or 6"
        ));
    }
    croner::parser::CronParser::new()
        .parse(schedule)
        .map(|_| ())
        .map_err(|e| format!("schedule {schedule:?} is not a valid cron pattern: {e}"))
}

fn parse_hosts(list: &[String]) -> Result<Vec<String>, String> {
    list.iter()
        .map(|h| {
            let ok = !h.is_empty()
                && h.len() <= 253
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
            if ok {
                Ok(h.to_ascii_lowercase())
            } else {
                Err(format!(
                    "hosts: {h:?} is not a host name (no scheme, port or path)"
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
