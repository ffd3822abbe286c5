//! [`ScriptAnnouncement`]: an author's signed offer of a scraper script to the network. It names the
//! script by the SHA-256 of its exact text and repeats the parts of its manifest a node needs to
//! decide whether to install it (name, version, symbols, schedule, hosts); the body itself is
//! fetched separately and checked against the hash.
//!
//! Wire form (see `docs/protocol.md`): `0x01 0x05`, then the fields in declaration order, then the
//! signature over `"mdnode/v1/script-announcement" || encoding without the signature`.

use ed25519_dalek::{Signer, SigningKey};

use crate::encoding::{
    Decode, DecodeError, Encode, MAX_NETWORK_ID_LEN, MAX_STRING_LEN, Reader, WIRE_VERSION, put,
};
use crate::hash::TAG_SCRIPT_ANNOUNCEMENT;
use crate::sign::{SignatureError, verify_one};
use crate::types::{Hash32, PublicKey, Signature};

/// Message-type byte of a [`ScriptAnnouncement`].
pub const MSG_SCRIPT_ANNOUNCEMENT: u8 = 0x05;
/// Longest script name or version (bytes).
pub const MAX_SCRIPT_NAME_LEN: usize = 64;
/// Most symbols one announcement lists.
pub const MAX_SCRIPT_SYMBOLS: usize = 256;
/// Most hosts one announcement lists.
pub const MAX_SCRIPT_HOSTS: usize = 32;
/// Largest script body an announcement may describe (bytes).
pub const MAX_SCRIPT_BODY: u32 = 1024 * 1024;

/// A signed announcement of a published script (no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptAnnouncement {
    /// Network the announcement is for.
    pub network_id: String,
    /// The author's ed25519 key (the signer).
    pub author: PublicKey,
    /// SHA-256 of the exact script text.
    pub script_hash: Hash32,
    /// Length of the script text in bytes.
    pub body_len: u32,
    /// Manifest `name`.
    pub name: String,
    /// Manifest `version`.
    pub version: String,
    /// Manifest `description`.
    pub description: String,
    /// Manifest `symbols` (`BASE/QUOTE` strings, or the single entry `*`).
    pub symbols: Vec<String>,
    /// Manifest `schedule`.
    pub schedule: String,
    /// Manifest `hosts`: every host the script may reach. A body asking for more is refused.
    pub hosts: Vec<String>,
    /// When the author published it (ms since the Unix epoch).
    pub published_at_ms: i64,
    /// The author's signature.
    pub signature: Signature,
}

impl ScriptAnnouncement {
    /// The encoding of everything but the signature.
    pub fn encode_unsigned(&self, out: &mut Vec<u8>) {
        out.push(WIRE_VERSION);
        out.push(MSG_SCRIPT_ANNOUNCEMENT);
        put::bytes(out, self.network_id.as_bytes());
        self.author.encode(out);
        self.script_hash.encode(out);
        put::u32(out, self.body_len);
        put::bytes(out, self.name.as_bytes());
        put::bytes(out, self.version.as_bytes());
        put::bytes(out, self.description.as_bytes());
        put::len(out, self.symbols.len());
        for s in &self.symbols {
            put::bytes(out, s.as_bytes());
        }
        put::bytes(out, self.schedule.as_bytes());
        put::len(out, self.hosts.len());
        for h in &self.hosts {
            put::bytes(out, h.as_bytes());
        }
        put::i64(out, self.published_at_ms);
    }

    /// The signed message: `"mdnode/v1/script-announcement" || encode(without signature)`.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut out = TAG_SCRIPT_ANNOUNCEMENT.to_vec();
        self.encode_unsigned(&mut out);
        out
    }

    /// Sets `author` to `key`'s public key and signs.
    pub fn sign(mut self, key: &SigningKey) -> Self {
        self.author = PublicKey::from(key);
        self.signature = key.sign(&self.signing_bytes()).into();
        self
    }

    /// Checks the author's signature.
    pub fn verify(&self) -> Result<(), SignatureError> {
        verify_one(&self.signing_bytes(), &self.author, &self.signature)
    }
}

impl Encode for ScriptAnnouncement {
    fn encode(&self, out: &mut Vec<u8>) {
        self.encode_unsigned(out);
        self.signature.encode(out);
    }
}

fn strings(
    r: &mut Reader<'_>,
    max_items: usize,
    max_len: usize,
    what: &'static str,
) -> Result<Vec<String>, DecodeError> {
    let n = r.count(max_items, 4, what)?;
    (0..n).map(|_| r.string(max_len, what)).collect()
}

impl Decode for ScriptAnnouncement {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.message_header(MSG_SCRIPT_ANNOUNCEMENT, "0x05 (script announcement)")?;
        let network_id = r.string(MAX_NETWORK_ID_LEN, "network_id")?;
        let author = PublicKey::decode(r)?;
        let script_hash = Hash32::decode(r)?;
        let offset = r.offset();
        let body_len = r.u32("body_len")?;
        if body_len > MAX_SCRIPT_BODY {
            return Err(r.invalid("body_len", offset, "at most 1 MiB", body_len));
        }
        Ok(Self {
            network_id,
            author,
            script_hash,
            body_len,
            name: r.string(MAX_SCRIPT_NAME_LEN, "name")?,
            version: r.string(MAX_SCRIPT_NAME_LEN, "version")?,
            description: r.string(MAX_STRING_LEN, "description")?,
            symbols: strings(r, MAX_SCRIPT_SYMBOLS, MAX_SCRIPT_NAME_LEN, "symbols")?,
            schedule: r.string(MAX_STRING_LEN, "schedule")?,
            hosts: strings(r, MAX_SCRIPT_HOSTS, MAX_STRING_LEN, "hosts")?,
            published_at_ms: r.i64("published_at_ms")?,
            signature: Signature::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::signing_key_from_seed;
    use proptest::prelude::*;

    fn sample() -> ScriptAnnouncement {
        ScriptAnnouncement {
            network_id: "mdn-test".into(),
            author: PublicKey([0; 32]),
            script_hash: Hash32([9; 32]),
            body_len: 420,
            name: "examplex".into(),
            version: "0.1.0".into(),
            description: "ExampleX spot tickers".into(),
            symbols: vec!["BTC/USD".into(), "ETH/USD".into()],
            schedule: "*/10 * * * * *".into(),
            hosts: vec!["api.examplex.invalid".into()],
            published_at_ms: 1_795_237_632_000,
            signature: Signature([0; 64]),
        }
        .sign(&signing_key_from_seed([3; 32]))
    }

    #[test]
    fn signed_announcement_verifies_and_round_trips() {
        let a = sample();
        assert_eq!(a.author, PublicKey::from(&signing_key_from_seed([3; 32])));
        a.verify().expect("valid signature");
        let bytes = a.encode_to_vec();
        assert_eq!(&bytes[..2], &[0x01, 0x05]);
        assert_eq!(ScriptAnnouncement::decode_from_slice(&bytes), Ok(a));
    }

    #[test]
    fn any_signed_field_change_breaks_the_signature() {
        let mut a = sample();
        a.hosts.push("evil.example".into());
        assert!(matches!(
            a.verify(),
            Err(SignatureError::BadSignature { .. })
        ));
        let mut b = sample();
        b.script_hash = Hash32([8; 32]);
        assert!(b.verify().is_err());
    }

    #[test]
    fn signing_bytes_start_with_the_domain_tag() {
        let a = sample();
        let bytes = a.signing_bytes();
        assert!(bytes.starts_with(b"mdnode/v1/script-announcement\x01\x05"));
    }

    #[test]
    fn oversized_body_length_does_not_decode() {
        let mut a = sample();
        a.body_len = MAX_SCRIPT_BODY + 1;
        let err = ScriptAnnouncement::decode_from_slice(&a.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("body_len"), "{err}");
    }

    proptest! {
        #[test]
        fn round_trips_and_rejects_truncation(
            name in "[a-z0-9_-]{1,64}",
            hosts in proptest::collection::vec("[a-z0-9.]{1,40}", 0..8),
            body_len in 0u32..=MAX_SCRIPT_BODY,
            cut in 1usize..64,
        ) {
            let a = ScriptAnnouncement { name, hosts, body_len, ..sample() }
                .sign(&signing_key_from_seed([4; 32]));
            let bytes = a.encode_to_vec();
            prop_assert_eq!(ScriptAnnouncement::decode_from_slice(&bytes), Ok(a.clone()));
            prop_assert!(a.verify().is_ok());
            let short = &bytes[..bytes.len().saturating_sub(cut)];
            prop_assert!(ScriptAnnouncement::decode_from_slice(short).is_err());
        }
    }
}
