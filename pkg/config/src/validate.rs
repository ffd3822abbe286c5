//! The rules a parsed configuration must satisfy beyond its types. Pure: returns the broken
//! rules as (dotted key path, message) pairs; `Config` attaches positions.

use std::collections::HashSet;
use std::path::Component;

use multiaddr::Protocol;

use crate::Config;
use crate::sections::Band;

/// Largest band: 10,000 bp = 100%.
const MAX_BPS: u32 = 10_000;

/// Largest `scripts.splay_ms`: runs stay within a minute of their cron times.
const MAX_SPLAY_MS: u64 = 60_000;

/// Collects broken rules.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push((key.into(), message.into()));
    }

    /// `value` must be more than zero.
    fn positive(&mut self, key: &str, value: u64) {
        if value == 0 {
            self.add(key, "must be greater than 0");
        }
    }
}

/// Checks every rule; an empty result means the configuration is valid.
pub(crate) fn check(c: &Config) -> Vec<(String, String)> {
    let mut p = Problems::default();
    node(c, &mut p);
    network(c, &mut p);
    hex_keys("validators.keys", &c.validators.keys, &mut p);
    consensus(c, &mut p);
    store(c, &mut p);
    scripts(c, &mut p);
    sources(c, &mut p);
    api(c, &mut p);
    reputation(c, &mut p);
    p.0
}

/// Most async runtime threads a node may ask for.
const MAX_WORKER_THREADS: usize = 1024;

fn node(c: &Config, p: &mut Problems) {
    if let Some(n) = c.node.worker_threads
        && !(1..=MAX_WORKER_THREADS).contains(&n)
    {
        p.add(
            "node.worker_threads",
            format!("{n} runtime threads: expected 1 to {MAX_WORKER_THREADS}"),
        );
    }
    let id = &c.node.network_id;
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !ok {
        p.add(
            "node.network_id",
            format!("invalid network id {id:?}: expected 1-64 characters of A-Z a-z 0-9 . _ -"),
        );
    }
    if let Some(name) = &c.node.name {
        let len = name.chars().count();
        if !(1..=64).contains(&len) || name.chars().any(char::is_control) {
            p.add(
                "node.name",
                format!("invalid node name {name:?}: expected 1-64 printable characters"),
            );
        }
    }
}

fn network(c: &Config, p: &mut Problems) {
    for (i, addr) in c.network.bootnodes.iter().enumerate() {
        if !matches!(addr.iter().last(), Some(Protocol::P2p(_))) {
            p.add(
                format!("network.bootnodes[{i}]"),
                format!("bootnode {addr} has no peer id: expected it to end with /p2p/<peer id>"),
            );
        }
    }
    if let Some(b) = &c.network.byzantine
        && (!b.propose_offset_pct.is_finite() || b.propose_offset_pct <= -100.0)
    {
        p.add(
            "network.byzantine.propose_offset_pct",
            format!(
                "invalid offset {}: expected a finite percentage above -100",
                b.propose_offset_pct
            ),
        );
    }
}

/// 64 hex characters, a valid and not weak ed25519 key, no duplicates.
fn hex_keys(key: &str, keys: &[String], p: &mut Problems) {
    let mut seen = HashSet::new();
    for (i, text) in keys.iter().enumerate() {
        let at = format!("{key}[{i}]");
        let mut bytes = [0u8; 32];
        if text.len() != 64 || hex::decode_to_slice(text, &mut bytes).is_err() {
            p.add(
                at,
                format!(
                    "invalid public key {text:?}: expected 64 hex characters (an ed25519 public key), got {} characters",
                    text.chars().count()
                ),
            );
            continue;
        }
        match ed25519_dalek::VerifyingKey::from_bytes(&bytes) {
            Err(_) => p.add(
                at,
                format!("{text} is not a valid ed25519 public key (not a curve point)"),
            ),
            Ok(k) if k.is_weak() => p.add(
                at,
                format!("{text} is a weak ed25519 key (small order); refused"),
            ),
            Ok(_) => {
                if !seen.insert(bytes) {
                    p.add(
                        at,
                        format!("duplicate key {text}: each key may be listed once"),
                    );
                }
            }
        }
    }
}

fn band(key: &str, b: Band, p: &mut Problems) {
    for (name, v) in [
        ("same_source_bps", b.same_source_bps),
        ("cross_source_bps", b.cross_source_bps),
    ] {
        if v == 0 || v > MAX_BPS {
            p.add(
                format!("{key}.{name}"),
                format!("invalid band {v} bp: expected 1 to {MAX_BPS} basis points"),
            );
        }
    }
    if b.same_source_bps > b.cross_source_bps {
        p.add(
            format!("{key}.same_source_bps"),
            format!(
                "same-source band {} bp is wider than the cross-source band {} bp: a reading of the \
                 same source must be held to the tighter band",
                b.same_source_bps, b.cross_source_bps
            ),
        );
    }
}

fn consensus(c: &Config, p: &mut Problems) {
    let k = &c.consensus;
    p.positive("consensus.vote_timeout_ms", k.vote_timeout_ms);
    p.positive("consensus.max_quote_age_ms", k.max_quote_age_ms);
    p.positive("consensus.batch_interval_ms", k.batch_interval_ms);
    p.positive("consensus.batch_max_quotes", k.batch_max_quotes as u64);
    let bands = &k.bands;
    band(
        "consensus.bands",
        Band {
            same_source_bps: bands.same_source_bps,
            cross_source_bps: bands.cross_source_bps,
        },
        p,
    );
    for symbol in bands.per_symbol.keys() {
        band(
            &format!("consensus.bands.per_symbol.{symbol}"),
            bands.band_for(symbol),
            p,
        );
    }
}

fn store(c: &Config, p: &mut Problems) {
    if let Some(url) = &c.store.database_url
        && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
    {
        p.add(
            "store.database_url",
            "invalid database URL: expected postgres://USER@HOST:PORT/DB (or postgresql://); leave it unset for embedded SQLite",
        );
    }
    p.positive("store.pool_size", c.store.pool_size as u64);
}

fn scripts(c: &Config, p: &mut Problems) {
    let s = &c.scripts;
    p.positive("scripts.timeout_ms", s.timeout_ms);
    p.positive("scripts.max_operations", s.max_operations);
    p.positive("scripts.http_timeout_ms", s.http_timeout_ms);
    p.positive("scripts.max_response_bytes", s.max_response_bytes);
    p.positive("scripts.workers", s.workers as u64);
    if s.splay_ms > MAX_SPLAY_MS {
        p.add(
            "scripts.splay_ms",
            format!("must be at most {MAX_SPLAY_MS} ms, got {}", s.splay_ms),
        );
    }
    hex_keys("scripts.trusted_authors", &s.trusted_authors, p);
}

fn sources(c: &Config, p: &mut Problems) {
    let mut names = HashSet::new();
    for (i, s) in c.sources.iter().enumerate() {
        let at = |k: &str| format!("sources[{i}].{k}");
        let name_ok = (1..=64).contains(&s.name.len())
            && s.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !name_ok {
            p.add(
                at("name"),
                format!(
                    "invalid source name {:?}: expected 1-64 characters of a-z 0-9 _ -",
                    s.name
                ),
            );
        } else if !names.insert(s.name.as_str()) {
            p.add(
                at("name"),
                format!("duplicate source name {:?}: names must be unique", s.name),
            );
        }
        let script_ok = !s.script.as_os_str().is_empty()
            && s.script
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !script_ok {
            p.add(
                at("script"),
                format!(
                    "invalid script path {:?}: expected a file name relative to scripts.dir, without `..`",
                    s.script.display()
                ),
            );
        }
        if let Some(symbols) = &s.symbols {
            let mut seen = HashSet::new();
            if symbols.is_empty() {
                p.add(
                    at("symbols"),
                    "empty symbol list: remove the key to use the script's symbols",
                );
            }
            for (j, sym) in symbols.iter().enumerate() {
                if !seen.insert(sym) {
                    p.add(
                        format!("sources[{i}].symbols[{j}]"),
                        format!("duplicate symbol {sym}"),
                    );
                }
            }
        }
    }
}

fn api(c: &Config, p: &mut Problems) {
    if let Some(token) = &c.api.token
        && (token.is_empty()
            || token
                .chars()
                .any(|ch| ch.is_whitespace() || ch.is_control()))
    {
        p.add(
            "api.token",
            "invalid token: expected a non-empty string without spaces",
        );
    }
    for (i, origin) in c.api.cors_origins.iter().enumerate() {
        let ok = origin == "*" || origin.starts_with("http://") || origin.starts_with("https://");
        if !ok {
            p.add(
                format!("api.cors_origins[{i}]"),
                format!("invalid origin {origin:?}: expected `*` or http(s)://HOST[:PORT]"),
            );
        }
    }
    p.positive(
        "api.rate_limit_per_sec",
        u64::from(c.api.rate_limit_per_sec),
    );
}

fn reputation(c: &Config, p: &mut Problems) {
    let r = &c.reputation;
    p.positive("reputation.epoch_secs", r.epoch_secs);
    p.positive("reputation.half_life_secs", r.half_life_secs);
    p.positive("reputation.price_interval_secs", r.price_interval_secs);
    let unit = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
    for (key, v) in [
        ("reputation.quarantine_below", r.quarantine_below),
        ("reputation.recover_above", r.recover_above),
    ] {
        if !unit(v) {
            p.add(
                key,
                format!("invalid score {v}: expected a number from 0 to 1"),
            );
        }
    }
    if unit(r.quarantine_below) && unit(r.recover_above) && r.quarantine_below >= r.recover_above {
        p.add(
            "reputation.recover_above",
            format!(
                "recover_above {} must be greater than quarantine_below {} (otherwise a source flaps in and out of quarantine)",
                r.recover_above, r.quarantine_below
            ),
        );
    }
}
