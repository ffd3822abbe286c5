//! `mdnode keys generate|show`: create a node key file and print its public key and peer id.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use mdn_identity::NodeIdentity;

/// Where `mdnode run` looks for the key by default (`node.key_file` = `<data_dir>/node.key`).
const DEFAULT_KEY_FILE: &str = "data/node.key";

/// Subcommands of `mdnode keys`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Create a new ed25519 node key (PKCS#8 PEM, mode 0600) and print its public key and peer id.
    Generate {
        /// The key file to write.
        #[arg(long, value_name = "FILE", default_value = DEFAULT_KEY_FILE)]
        out: PathBuf,
        /// Replace an existing key file (the old identity is lost).
        #[arg(long)]
        force: bool,
    },
    /// Print the public key (hex) and libp2p peer id of a key file.
    Show {
        /// The key file to read.
        #[arg(value_name = "FILE", default_value = DEFAULT_KEY_FILE)]
        file: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `mdnode keys`.
pub(crate) fn run(cmd: Command) -> anyhow::Result<()> {
    let output = match cmd {
        Command::Generate { out, force } => generate(&out, force)?.to_text(),
        Command::Show { file, json } => {
            let report = show(&file)?;
            if json {
                report.to_json()
            } else {
                report.to_text()
            }
        }
    };
    println!("{output}");
    Ok(())
}

/// What the commands print about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyReport {
    /// The ed25519 public key, hex (goes into other nodes' `validators.keys`).
    public_key: String,
    /// The libp2p peer id (goes into other nodes' `network.bootnodes` after `/p2p/`).
    peer_id: String,
    /// The key file.
    file: PathBuf,
}

impl KeyReport {
    fn new(identity: &NodeIdentity, file: &Path) -> Self {
        Self {
            public_key: identity.public_key().to_hex(),
            peer_id: identity.peer_id().to_string(),
            file: file.to_owned(),
        }
    }

    fn to_text(&self) -> String {
        format!(
            "public key: {}\npeer id:    {}\nfile:       {}",
            self.public_key,
            self.peer_id,
            self.file.display()
        )
    }

    fn to_json(&self) -> String {
        format!(
            "{{\"public_key\":{},\"peer_id\":{},\"file\":{}}}",
            json_string(&self.public_key),
            json_string(&self.peer_id),
            json_string(&self.file.display().to_string())
        )
    }
}

/// `keys generate`: writes a new key to `out`.
fn generate(out: &Path, force: bool) -> anyhow::Result<KeyReport> {
    let identity = mdn_identity::generate(out, force)
        .with_context(|| format!("cannot create a node key at {}", out.display()))?;
    Ok(KeyReport::new(&identity, out))
}

/// `keys show`: reads the key at `file`.
fn show(file: &Path) -> anyhow::Result<KeyReport> {
    let identity = mdn_identity::load(file)?;
    Ok(KeyReport::new(&identity, file))
}

/// A JSON string literal for `s` (quotes, backslashes and control characters escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn generate_then_show_report_the_same_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/node.key");
        let made = generate(&path, false).unwrap();
        assert_eq!(made.public_key.len(), 64);
        assert!(made.peer_id.starts_with("12D3KooW"), "{}", made.peer_id);
        let shown = show(&path).unwrap();
        assert_eq!(shown, made);
        let text = shown.to_text();
        assert!(
            text.contains(&made.public_key) && text.contains(&made.peer_id),
            "{text}"
        );
        assert!(text.contains(&path.display().to_string()), "{text}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn generate_refuses_to_replace_a_key_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        let first = generate(&path, false).unwrap();
        let err = format!("{:#}", generate(&path, false).unwrap_err());
        assert!(
            err.contains("already exists") && err.contains("--force"),
            "{err}"
        );
        assert_eq!(show(&path).unwrap().public_key, first.public_key);
        let second = generate(&path, true).unwrap();
        assert_ne!(second.public_key, first.public_key);
    }

    #[test]
    fn show_reports_insecure_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        generate(&path, false).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = format!("{:#}", show(&path).unwrap_err());
        assert!(err.contains("chmod 600"), "{err}");
        let err = format!("{:#}", show(&dir.path().join("none.key")).unwrap_err());
        assert!(err.contains("none.key"), "{err}");
    }

    #[test]
    fn json_output_is_one_escaped_object() {
        let report = KeyReport {
            public_key: "ab".into(),
            peer_id: "12D3KooWx".into(),
            file: PathBuf::from("dir \"q\"\\n\u{1}.key"),
        };
        assert_eq!(
            report.to_json(),
            r#"{"public_key":"ab","peer_id":"12D3KooWx","file":"dir \"q\"\\n\u0001.key"}"#
        );
    }

    #[test]
    fn command_line_defaults() {
        use clap::Parser;
        #[derive(Debug, clap::Parser)]
        struct Cli {
            #[command(subcommand)]
            cmd: Command,
        }
        let cli = Cli::try_parse_from(["keys", "show"]).unwrap();
        assert!(
            matches!(cli.cmd, Command::Show { ref file, json: false } if file == Path::new(DEFAULT_KEY_FILE))
        );
        let cli = Cli::try_parse_from(["keys", "generate", "--out", "k", "--force"]).unwrap();
        assert!(
            matches!(cli.cmd, Command::Generate { ref out, force: true } if out == Path::new("k"))
        );
        let cli = Cli::try_parse_from(["keys", "show", "x.key", "--json"]).unwrap();
        assert!(matches!(cli.cmd, Command::Show { json: true, .. }));
    }
}
