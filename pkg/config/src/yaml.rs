//! YAML text → [`Config`] with serde-saphyr, turning its errors into [`ConfigError::Parse`]
//! (`FILE:LINE:COLUMN: message` plus the snippet). Pure.

use serde_saphyr::{DefaultMessageFormatter, MessageFormatter};

use crate::{Config, ConfigError, Position};

/// Parses `text`; an empty document (or one with only comments) is the default configuration.
pub(crate) fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
    match serde_saphyr::from_str::<Option<Config>>(text) {
        Ok(config) => Ok(config.unwrap_or_default()),
        Err(err) => Err(parse_error(&err, origin)),
    }
}

/// Writes `config` as YAML (e.g. for generated devnet configuration files).
pub(crate) fn to_string(config: &Config) -> Result<String, ConfigError> {
    serde_saphyr::to_string(config).map_err(|e| ConfigError::Serialize(e.to_string()))
}

fn parse_error(err: &serde_saphyr::Error, origin: &str) -> ConfigError {
    let position = err.location().map(|l| Position {
        line: usize::try_from(l.line()).unwrap_or(usize::MAX),
        column: usize::try_from(l.column()).unwrap_or(usize::MAX),
    });
    let message: String = DefaultMessageFormatter
        .format_message(err.without_snippet())
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let rendered = err.render_with_options(serde_saphyr::render_options! {
        source_name: Some(origin),
    });
    // The rendering starts with its own one-line summary; keep only the snippet from `-->` on.
    let snippet = rendered
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("-->"))
        .collect::<Vec<_>>()
        .join("\n");
    ConfigError::Parse {
        origin: origin.to_owned(),
        position,
        message,
        snippet,
    }
}
