//! Gossip topics: one topic per message kind and network id, named `mdn/<network_id>/<kind>/1`.
//!
//! Pure naming logic (no IO): building a topic name from a kind and parsing it back.

use std::fmt;

use libp2p::gossipsub::{IdentTopic, TopicHash};

/// Version suffix of every topic name; bump it when a message kind's encoding changes incompatibly.
pub const TOPIC_VERSION: u32 = 1;

/// The kinds of gossip message, one gossipsub topic each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TopicKind {
    /// Signed batches of quotes observed by a proposer.
    Observations,
    /// Signed batches of votes on other nodes' quotes.
    Votes,
    /// Signed per-epoch reputation reports (source scores, peer reputation).
    Reputation,
    /// Announcements of published scraper scripts (the body is fetched over request-response).
    Scripts,
}

impl TopicKind {
    /// Every kind, in a fixed order.
    pub const ALL: [TopicKind; 4] = [
        TopicKind::Observations,
        TopicKind::Votes,
        TopicKind::Reputation,
        TopicKind::Scripts,
    ];

    /// The kind's name as it appears in topic names.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Observations => "observations",
            TopicKind::Votes => "votes",
            TopicKind::Reputation => "reputation",
            TopicKind::Scripts => "scripts",
        }
    }

    /// Parses a kind name as produced by [`TopicKind::as_str`].
    pub fn from_name(name: &str) -> Option<TopicKind> {
        TopicKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The full topic name for this kind on `network_id`: `mdn/<network_id>/<kind>/1`.
    pub fn topic_name(self, network_id: &str) -> String {
        format!("mdn/{network_id}/{}/{TOPIC_VERSION}", self.as_str())
    }

    /// The gossipsub topic for this kind on `network_id`.
    pub fn topic(self, network_id: &str) -> IdentTopic {
        IdentTopic::new(self.topic_name(network_id))
    }

    /// The gossipsub topic hash for this kind on `network_id` (for an `IdentTopic` it is the name).
    pub fn topic_hash(self, network_id: &str) -> TopicHash {
        self.topic(network_id).hash()
    }
}

impl fmt::Display for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a topic name of the form `mdn/<network_id>/<kind>/1` into its network id and kind.
///
/// Returns `None` for any other form, including another version suffix.
pub fn parse_topic_name(name: &str) -> Option<(&str, TopicKind)> {
    let rest = name.strip_prefix("mdn/")?;
    let (rest, version) = rest.rsplit_once('/')?;
    if version.parse::<u32>().ok()? != TOPIC_VERSION || version.starts_with('0') {
        return None;
    }
    let (network_id, kind) = rest.rsplit_once('/')?;
    if network_id.is_empty() {
        return None;
    }
    Some((network_id, TopicKind::from_name(kind)?))
}

/// Maps the topic hashes of one network back to their kinds.
#[derive(Debug, Clone)]
pub(crate) struct TopicTable {
    entries: Vec<(TopicHash, TopicKind)>,
}

impl TopicTable {
    /// The topics of every kind on `network_id`.
    pub(crate) fn new(network_id: &str) -> Self {
        let entries = TopicKind::ALL
            .into_iter()
            .map(|kind| (kind.topic_hash(network_id), kind))
            .collect();
        Self { entries }
    }

    /// The kind whose topic hash is `hash`, if it belongs to this network.
    pub(crate) fn kind_of(&self, hash: &TopicHash) -> Option<TopicKind> {
        self.entries
            .iter()
            .find(|(h, _)| h == hash)
            .map(|(_, kind)| *kind)
    }

    /// The topic hash of `kind`.
    pub(crate) fn hash_of(&self, kind: TopicKind) -> TopicHash {
        // Every kind is in the table (built from `TopicKind::ALL`); the fallback only keeps this total.
        self.entries
            .iter()
            .find(|(_, k)| *k == kind)
            .map(|(h, _)| h.clone())
            .unwrap_or_else(|| TopicHash::from_raw(kind.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn topic_names_follow_the_documented_form() {
        assert_eq!(
            TopicKind::Observations.topic_name("devnet"),
            "mdn/devnet/observations/1"
        );
        assert_eq!(TopicKind::Votes.topic_name("main"), "mdn/main/votes/1");
        assert_eq!(
            TopicKind::Reputation.topic_hash("x").as_str(),
            "mdn/x/reputation/1"
        );
        assert_eq!(TopicKind::Scripts.topic_name("x"), "mdn/x/scripts/1");
    }

    #[test]
    fn foreign_or_malformed_names_do_not_parse() {
        assert_eq!(parse_topic_name("mdn/devnet/votes/2"), None);
        assert_eq!(parse_topic_name("mdn/devnet/votes/01"), None);
        assert_eq!(parse_topic_name("mdn//votes/1"), None);
        assert_eq!(parse_topic_name("mdn/devnet/blocks/1"), None);
        assert_eq!(parse_topic_name("eth/devnet/votes/1"), None);
        assert_eq!(parse_topic_name("mdn/votes/1"), None);
    }

    #[test]
    fn table_maps_only_its_own_network() {
        let table = TopicTable::new("a");
        for kind in TopicKind::ALL {
            assert_eq!(table.kind_of(&kind.topic_hash("a")), Some(kind));
            assert_eq!(table.kind_of(&kind.topic_hash("b")), None);
            assert_eq!(table.hash_of(kind), kind.topic_hash("a"));
        }
    }

    proptest! {
        #[test]
        fn name_round_trips(network_id in "[a-z0-9/_-]{1,24}", index in 0usize..4) {
            let kind = TopicKind::ALL[index];
            let name = kind.topic_name(&network_id);
            prop_assert_eq!(parse_topic_name(&name), Some((network_id.as_str(), kind)));
        }
    }
}
