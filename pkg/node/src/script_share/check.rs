//! Pure checks of shared scripts: is an announcement acceptable on this network, and does a fetched
//! body match what its author announced (hash, length, manifest, hosts). No IO.

use mdn_protocol::hash::sha256;
use mdn_protocol::{Hash32, ScriptAnnouncement, SignatureError};
use mdn_scripts::{Script, SymbolSet};

/// Why a shared script (or its announcement) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The announcement is for another network.
    #[error("announcement for network {got:?}, expected {expected:?}")]
    WrongNetwork {
        /// Ours.
        expected: String,
        /// Theirs.
        got: String,
    },
    /// The author's signature does not verify.
    #[error("announcement signature invalid: {0}")]
    BadSignature(#[from] SignatureError),
    /// The body is not the text the author signed.
    #[error("script body does not match its hash: announced {expected}, body hashes to {got}")]
    HashMismatch {
        /// Announced hash.
        expected: Hash32,
        /// SHA-256 of the body received.
        got: Hash32,
    },
    /// The body's length differs from the announced one.
    #[error("script body is {got} bytes, announced {expected}")]
    LengthMismatch {
        /// Announced length.
        expected: u32,
        /// Received length.
        got: usize,
    },
    /// The body is not a loadable script (not UTF-8, bad manifest, does not compile).
    #[error("script does not load: {0}")]
    Invalid(String),
    /// The body's manifest says something else than the announcement.
    #[error("manifest {field} is {body:?}, but the announcement says {announced:?}")]
    ManifestMismatch {
        /// Which manifest key.
        field: &'static str,
        /// What the announcement says.
        announced: String,
        /// What the body's manifest says.
        body: String,
    },
    /// The body's manifest asks for hosts the announcement did not declare.
    #[error("manifest asks for undeclared hosts {undeclared:?} (announced hosts: {declared:?})")]
    UndeclaredHosts {
        /// Hosts in the body's manifest but not in the announcement.
        undeclared: Vec<String>,
        /// The announcement's hosts.
        declared: Vec<String>,
    },
}

/// Checks that `ann` is for `network_id` and carries its author's valid signature.
pub fn check_announcement(ann: &ScriptAnnouncement, network_id: &str) -> Result<(), Refusal> {
    if ann.network_id != network_id {
        return Err(Refusal::WrongNetwork {
            expected: network_id.to_owned(),
            got: ann.network_id.clone(),
        });
    }
    ann.verify()?;
    Ok(())
}

/// The manifest's symbols as announced: `["*"]` or the listed `BASE/QUOTE` strings.
pub fn symbol_strings(symbols: &SymbolSet) -> Vec<String> {
    match symbols {
        SymbolSet::Any => vec!["*".to_owned()],
        SymbolSet::Listed(list) => list.iter().map(|s| s.as_str().to_owned()).collect(),
    }
}

/// Checks a fetched `body` against its announcement and loads it: same SHA-256 and length, a valid
/// script whose manifest has the announced name, version, symbols and schedule, and asks for no
/// host beyond the announced ones.
pub fn check_body(ann: &ScriptAnnouncement, body: &[u8]) -> Result<Script, Refusal> {
    let got = sha256(&[body]);
    if got != ann.script_hash {
        return Err(Refusal::HashMismatch {
            expected: ann.script_hash,
            got,
        });
    }
    // The author signed both; a wrong length is a broken announcement.
    if body.len() != ann.body_len as usize {
        return Err(Refusal::LengthMismatch {
            expected: ann.body_len,
            got: body.len(),
        });
    }
    let text =
        std::str::from_utf8(body).map_err(|e| Refusal::Invalid(format!("not UTF-8 text: {e}")))?;
    let origin = format!("{}-{}", ann.name, ann.version);
    let script = Script::from_source(origin, text).map_err(|e| Refusal::Invalid(e.to_string()))?;
    let m = &script.manifest;
    same("name", &ann.name, &m.name)?;
    same("version", &ann.version, &m.version)?;
    same("description", &ann.description, &m.description)?;
    same("schedule", &ann.schedule, &m.schedule)?;
    same(
        "symbols",
        &ann.symbols.join(","),
        &symbol_strings(&m.symbols).join(","),
    )?;
    let undeclared: Vec<String> = m
        .hosts
        .iter()
        .filter(|h| !ann.hosts.iter().any(|d| d.eq_ignore_ascii_case(h)))
        .cloned()
        .collect();
    if !undeclared.is_empty() {
        return Err(Refusal::UndeclaredHosts {
            undeclared,
            declared: ann.hosts.clone(),
        });
    }
    Ok(script)
}

fn same(field: &'static str, announced: &str, body: &str) -> Result<(), Refusal> {
    if announced == body {
        Ok(())
    } else {
        Err(Refusal::ManifestMismatch {
            field,
            announced: announced.to_owned(),
            body: body.to_owned(),
        })
    }
}

/// An unsigned announcement describing `script` (sign it with [`ScriptAnnouncement::sign`]).
pub fn announcement_for(
    script: &Script,
    network_id: &str,
    published_at_ms: i64,
) -> ScriptAnnouncement {
    let m = &script.manifest;
    ScriptAnnouncement {
        network_id: network_id.to_owned(),
        author: mdn_protocol::PublicKey([0; 32]),
        script_hash: script.script_hash,
        body_len: u32::try_from(script.source.len()).unwrap_or(u32::MAX),
        name: m.name.clone(),
        version: m.version.clone(),
        description: m.description.clone(),
        symbols: symbol_strings(&m.symbols),
        schedule: m.schedule.clone(),
        hosts: m.hosts.clone(),
        published_at_ms,
        signature: mdn_protocol::Signature([0; 64]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdn_protocol::signing_key_from_seed;
    use proptest::prelude::*;

    const BODY: &str = r#"//! name: sharedx
//! version: 1.0.0
//! description: a shared test script
//! symbols: [BTC/USD]
//! schedule: "*/2 * * * * *"
//! hosts: [127.0.0.1]
let x = 1;
"#;

    fn announced(body: &str) -> (ScriptAnnouncement, Script) {
        let script = Script::from_source("t", body).expect("loads");
        let ann = announcement_for(&script, "net", 1).sign(&signing_key_from_seed([1; 32]));
        (ann, script)
    }

    #[test]
    fn an_honest_body_passes() {
        let (ann, script) = announced(BODY);
        check_announcement(&ann, "net").expect("valid announcement");
        let loaded = check_body(&ann, BODY.as_bytes()).expect("valid body");
        assert_eq!(loaded.script_hash, script.script_hash);
    }

    #[test]
    fn wrong_network_and_bad_signature_are_refused() {
        let (mut ann, _) = announced(BODY);
        assert!(matches!(
            check_announcement(&ann, "other"),
            Err(Refusal::WrongNetwork { .. })
        ));
        ann.signature.0[0] ^= 1;
        assert!(matches!(
            check_announcement(&ann, "net"),
            Err(Refusal::BadSignature(_))
        ));
    }

    #[test]
    fn a_tampered_body_is_refused_by_hash() {
        let (ann, _) = announced(BODY);
        let tampered = BODY.replace("let x = 1;", "let x = 2;");
        let err = check_body(&ann, tampered.as_bytes()).unwrap_err();
        assert!(matches!(err, Refusal::HashMismatch { .. }), "{err}");
        assert!(err.to_string().contains("does not match its hash"));
    }

    #[test]
    fn a_signed_but_wrong_length_is_refused() {
        let script = Script::from_source("t", BODY).expect("loads");
        let mut ann = announcement_for(&script, "net", 1);
        ann.body_len += 1;
        let ann = ann.sign(&signing_key_from_seed([1; 32]));
        assert!(matches!(
            check_body(&ann, BODY.as_bytes()),
            Err(Refusal::LengthMismatch { .. })
        ));
    }

    #[test]
    fn undeclared_hosts_are_refused() {
        let greedy = BODY.replace("[127.0.0.1]", "[127.0.0.1, evil.example]");
        let script = Script::from_source("t", greedy.as_str()).expect("loads");
        let mut ann = announcement_for(&script, "net", 1);
        ann.hosts = vec!["127.0.0.1".into()];
        let ann = ann.sign(&signing_key_from_seed([1; 32]));
        let err = check_body(&ann, greedy.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            Refusal::UndeclaredHosts {
                undeclared: vec!["evil.example".into()],
                declared: vec!["127.0.0.1".into()],
            }
        );
    }

    #[test]
    fn a_manifest_differing_from_the_announcement_is_refused() {
        let (mut ann, _) = announced(BODY);
        ann.version = "2.0.0".into();
        let err = check_body(&ann, BODY.as_bytes()).unwrap_err();
        assert!(matches!(
            err,
            Refusal::ManifestMismatch {
                field: "version",
                ..
            }
        ));
    }

    proptest! {
        #[test]
        fn any_single_byte_change_is_caught(pos in 0usize..BODY.len(), delta in 1u8..=255) {
            let (ann, _) = announced(BODY);
            let mut body = BODY.as_bytes().to_vec();
            body[pos] = body[pos].wrapping_add(delta);
            prop_assert!(check_body(&ann, &body).is_err());
        }

        #[test]
        fn hosts_within_the_declared_set_pass(extra in proptest::collection::vec("[a-z]{1,10}\\.example", 0..4)) {
            let script = Script::from_source("t", BODY).expect("loads");
            let mut ann = announcement_for(&script, "net", 1);
            ann.hosts.extend(extra);
            let ann = ann.sign(&signing_key_from_seed([2; 32]));
            prop_assert!(check_body(&ann, BODY.as_bytes()).is_ok());
        }
    }
}
