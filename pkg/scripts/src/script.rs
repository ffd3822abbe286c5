//! A loaded script: its manifest, the compiled AST and the SHA-256 of its exact text.

use std::path::Path;

use mdn_protocol::Hash32;
use sha2::{Digest, Sha256};

use crate::manifest::{Manifest, ManifestError, parse_manifest};
use crate::sandbox;

/// A script ready to run. Cheap to share behind an `Arc`.
#[derive(Debug, Clone)]
pub struct Script {
    /// Where the text came from (a file path or a caller-chosen name), used in messages.
    pub origin: String,
    /// The validated manifest.
    pub manifest: Manifest,
    /// SHA-256 of the exact script text (the source's content address).
    pub script_hash: Hash32,
    /// The exact text.
    pub source: String,
    /// The compiled program.
    pub(crate) ast: rhai::AST,
}

/// Why a script cannot be loaded. Positions are 1-based in the script file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{origin}: cannot read the script: {source}")]
    Io {
        /// The path.
        origin: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The manifest is missing or invalid.
    #[error("{origin}:{}:{}: manifest: {}", .error.line, .error.column, .error.message)]
    Manifest {
        /// The path or name.
        origin: String,
        /// What is wrong, and where.
        error: ManifestError,
    },
    /// The Rhai code does not compile.
    #[error("{origin}:{line}:{column}: syntax error: {message}")]
    Compile {
        /// The path or name.
        origin: String,
        /// Line in the file.
        line: usize,
        /// Column in the file.
        column: usize,
        /// The parser's message.
        message: String,
    },
}

impl LoadError {
    /// `(line, column)` of the error in the file, when it has one.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Io { .. } => None,
            Self::Manifest { error, .. } => Some((error.line, error.column)),
            Self::Compile { line, column, .. } => Some((*line, *column)),
        }
    }
}

impl Script {
    /// Reads and loads the script at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_source(origin, text)
    }

    /// Loads a script from its text; `origin` names it in messages.
    pub fn from_source(
        origin: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<Self, LoadError> {
        let origin = origin.into();
        let source = text.into();
        let manifest = parse_manifest(&source).map_err(|error| LoadError::Manifest {
            origin: origin.clone(),
            error,
        })?;
        let ast = sandbox::compile(&source).map_err(|e| {
            let pos = e.position();
            LoadError::Compile {
                origin: origin.clone(),
                line: pos.line().unwrap_or(0),
                column: pos.position().unwrap_or(0),
                message: e.err_type().to_string(),
            }
        })?;
        let script_hash = Hash32(Sha256::digest(source.as_bytes()).into());
        Ok(Self {
            origin,
            manifest,
            script_hash,
            source,
            ast,
        })
    }
}
