//! Key files: PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, RFC 8410), owner-only (mode 0600).
//!
//! Writing is atomic: the secret goes into a temporary file in the same directory, created with
//! mode 0600 before any byte is written, synced, then moved into place (a hard link when an
//! existing key must not be replaced, so two concurrent writers cannot both win).

use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};

use crate::{IdentityError, NodeIdentity};

/// Key files are a few hundred bytes; anything much larger is not a key file.
const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;

/// Permission bits that must be clear on a key file: any access by group or others.
const GROUP_OTHER_BITS: u32 = 0o077;

/// Creates a new random key and writes it to `path` (mode 0600), creating missing parent
/// directories. Refuses to replace an existing file unless `force` is set.
pub fn generate(path: &Path, force: bool) -> Result<NodeIdentity, IdentityError> {
    if !force && path.exists() {
        return Err(IdentityError::AlreadyExists {
            path: path.to_owned(),
        });
    }
    let identity = NodeIdentity::generate()?;
    write_key(path, identity.signing_key(), force)?;
    Ok(identity)
}

/// Reads the key at `path`. Refuses files that group or others may access, and files that are
/// not an ed25519 PKCS#8 PEM key.
pub fn load(path: &Path) -> Result<NodeIdentity, IdentityError> {
    let io = |action| {
        move |source| IdentityError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let file = fs::File::open(path).map_err(io("open"))?;
    let mode = file.metadata().map_err(io("stat"))?.permissions().mode() & 0o7777;
    if mode & GROUP_OTHER_BITS != 0 {
        return Err(IdentityError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    let mut bytes = zeroize::Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io("read"))?;
    let signing_key = decode_key(&bytes).map_err(|reason| IdentityError::Malformed {
        path: path.to_owned(),
        reason,
    })?;
    NodeIdentity::from_signing_key(signing_key)
}

/// Loads the key at `path`, or creates it there if no file exists (a node's first start).
pub fn load_or_generate(path: &Path) -> Result<NodeIdentity, IdentityError> {
    match generate(path, false) {
        Err(IdentityError::AlreadyExists { .. }) => load(path),
        other => other,
    }
}

/// Decodes key file content. Pure; the error is a human-readable reason.
fn decode_key(bytes: &[u8]) -> Result<SigningKey, String> {
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(format!("file is larger than {MAX_KEY_FILE_BYTES} bytes"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "file is not UTF-8 text".to_owned())?;
    if text.trim().is_empty() {
        return Err("file is empty".to_owned());
    }
    SigningKey::from_pkcs8_pem(text.trim()).map_err(|e| e.to_string())
}

/// Writes `key` to `path` atomically with mode 0600.
fn write_key(path: &Path, key: &SigningKey, replace: bool) -> Result<(), IdentityError> {
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| IdentityError::Encode(e.to_string()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|source| IdentityError::Io {
        path: dir.clone(),
        action: "create directory",
        source,
    })?;
    let tmp = temp_path(path);
    let result = write_private_file(&tmp, pem.as_bytes()).and_then(|()| {
        if replace {
            fs::rename(&tmp, path).map_err(|source| IdentityError::Io {
                path: path.to_owned(),
                action: "rename into place",
                source,
            })
        } else {
            // `hard_link` fails if `path` exists: no check-then-write race.
            fs::hard_link(&tmp, path).map_err(|source| {
                if source.kind() == std::io::ErrorKind::AlreadyExists {
                    IdentityError::AlreadyExists {
                        path: path.to_owned(),
                    }
                } else {
                    IdentityError::Io {
                        path: path.to_owned(),
                        action: "link into place",
                        source,
                    }
                }
            })
        }
    });
    // After a rename the temporary name is gone already; otherwise remove it.
    let _ = fs::remove_file(&tmp);
    result?;
    sync_dir(&dir);
    Ok(())
}

/// Creates `path` (which must not exist) with mode 0600, then writes and syncs `bytes`.
fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), IdentityError> {
    let io = |action| {
        move |source| IdentityError::Io {
            path: path.to_owned(),
            action,
            source,
        }
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io("create"))?;
    // The umask can only remove bits; set 0600 explicitly anyway in case of odd filesystems.
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .map_err(io("chmod"))?;
    file.write_all(bytes).map_err(io("write"))?;
    file.sync_all().map_err(io("sync"))
}

/// A temporary name next to `path`, unique per process and call.
fn temp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}-{n}", std::process::id()));
    path.with_file_name(name)
}

/// Makes the new directory entry durable. Best effort: some filesystems cannot sync directories.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
#[path = "keyfile_tests.rs"]
mod tests;
