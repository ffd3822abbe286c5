//! Errors of key generation, key files and key conversions.

use std::path::PathBuf;

/// What went wrong with a node key or key file.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Reading, creating or renaming the key file (or its directory) failed.
    #[error("key file {path}: {action} failed: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// What was being done, e.g. "read" or "create directory".
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The key file is accessible by group or others; a secret key must be private to its owner.
    #[error(
        "key file {path} has mode {mode:04o}, which lets group or others access the secret key; \
         expected 0600: run `chmod 600 {path}`"
    )]
    InsecurePermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits (e.g. `0o644`).
        mode: u32,
    },
    /// `generate` without `force` found a file already there.
    #[error(
        "key file {path} already exists; refusing to overwrite it (use --force to replace the key)"
    )]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The key file's content is not an ed25519 PKCS#8 PEM private key.
    #[error(
        "key file {path} is not a valid ed25519 key: {reason} \
         (expected a PKCS#8 PEM block `-----BEGIN PRIVATE KEY-----` as written by `mdnode keys generate`)"
    )]
    Malformed {
        /// The key file.
        path: PathBuf,
        /// Why it could not be decoded.
        reason: String,
    },
    /// The operating system's random number generator failed.
    #[error("cannot generate a key: the system random number generator failed: {0}")]
    Random(String),
    /// Encoding the key as PKCS#8 PEM failed.
    #[error("cannot encode the key as PKCS#8 PEM: {0}")]
    Encode(String),
    /// 32 bytes that are not a valid ed25519 public key (not a curve point).
    #[error("{key} is not a valid ed25519 public key: {reason}")]
    InvalidPublicKey {
        /// The key, hex.
        key: String,
        /// Why it was refused.
        reason: String,
    },
}
