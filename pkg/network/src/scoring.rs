//! Gossipsub peer-scoring parameters and thresholds (pure values, no IO).
//!
//! Design, explained at length in `docs/network.md`:
//! - P4 (invalid messages) is the main weapon: every message the application reports `Reject`
//!   counts, the counter is squared, and it decays slowly (half-life about 6 minutes): one invalid
//!   message costs [`INVALID_MESSAGE_PENALTY`] (below the gossip threshold for a new peer), two
//!   cost four times that (graylisted unless the peer earned a cushion), three graylist anyone.
//! - P3/P3b (mesh delivery deficit) are off: our topics are quiet between bursts (reputation once an
//!   epoch, scripts rarely) and P3 would punish honest peers for silence.
//! - P1 (time in mesh) and P2 (first deliveries) give honest, useful peers a small positive cushion,
//!   capped by [`TOPIC_SCORE_CAP`], so one honest mistake does not cut a long-lived peer off.
//! - P5 (application score) carries the node's own reputation of the peer with weight 1, so the
//!   value given to `set_application_score` is added to the score as is.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use libp2p::gossipsub::{PeerScoreParams, PeerScoreThresholds, TopicScoreParams};

use crate::topic::TopicKind;

/// Score change caused by the first invalid message on any topic (P4 with a counter of 1).
pub const INVALID_MESSAGE_PENALTY: f64 = -20.0;

/// Per-second decay factor of the invalid-message counter (half-life ≈ 346 s).
pub const INVALID_MESSAGE_DECAY: f64 = 0.998;

/// Cap on the positive part of the topic scores summed over all topics.
pub const TOPIC_SCORE_CAP: f64 = 50.0;

/// Below this score no gossip (IHAVE/IWANT) is exchanged with the peer: one invalid message.
pub const GOSSIP_THRESHOLD: f64 = -10.0;

/// Below this score our own messages are not flood-published to the peer.
pub const PUBLISH_THRESHOLD: f64 = -40.0;

/// Below this score every RPC from the peer is ignored: two invalid messages in a short time.
pub const GRAYLIST_THRESHOLD: f64 = -80.0;

/// Relative weight of a topic in the peer score.
fn topic_weight(kind: TopicKind) -> f64 {
    match kind {
        TopicKind::Observations | TopicKind::Votes => 1.0,
        TopicKind::Reputation | TopicKind::Scripts => 0.5,
    }
}

/// Scoring parameters for one topic.
pub fn topic_score_params(kind: TopicKind) -> TopicScoreParams {
    let weight = topic_weight(kind);
    // Busy topics may build a larger delivery cushion than rare ones.
    let first_delivery_cap = match kind {
        TopicKind::Observations | TopicKind::Votes => 40.0,
        TopicKind::Reputation | TopicKind::Scripts => 10.0,
    };
    TopicScoreParams {
        topic_weight: weight,
        // P1: +0.01 a second in the mesh, at most +6 after ten minutes.
        time_in_mesh_weight: 0.01,
        time_in_mesh_quantum: Duration::from_secs(1),
        time_in_mesh_cap: 600.0,
        // P2: +0.5 per first delivery of a valid message, decaying 3% a second.
        first_message_deliveries_weight: 0.5,
        first_message_deliveries_decay: 0.97,
        first_message_deliveries_cap: first_delivery_cap,
        // P3 and P3b off: quiet topics must not punish honest peers. The other values only need
        // to pass validation.
        mesh_message_deliveries_weight: 0.0,
        mesh_message_deliveries_decay: 0.5,
        mesh_message_deliveries_cap: 1.0,
        mesh_message_deliveries_threshold: 1.0,
        mesh_message_deliveries_window: Duration::from_millis(10),
        mesh_message_deliveries_activation: Duration::from_secs(5),
        mesh_failure_penalty_weight: 0.0,
        mesh_failure_penalty_decay: 0.5,
        // P4: the same total penalty per invalid message on every topic, whatever its weight.
        invalid_message_deliveries_weight: INVALID_MESSAGE_PENALTY / weight,
        invalid_message_deliveries_decay: INVALID_MESSAGE_DECAY,
    }
}

/// Peer-score parameters for the topics of `network_id`.
pub fn peer_score_params(network_id: &str) -> PeerScoreParams {
    let topics = TopicKind::ALL
        .into_iter()
        .map(|kind| (kind.topic_hash(network_id), topic_score_params(kind)))
        .collect();
    // Many nodes of a devnet share the loopback address: never count that as colocation.
    let loopback: HashSet<IpAddr> = [
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ]
    .into_iter()
    .collect();
    PeerScoreParams {
        topics,
        topic_score_cap: TOPIC_SCORE_CAP,
        // P5: the application's value is used as is.
        app_specific_weight: 1.0,
        // P6: more than 10 peers from one IP cost 5 × (excess)².
        ip_colocation_factor_weight: -5.0,
        ip_colocation_factor_threshold: 10.0,
        ip_colocation_factor_whitelist: loopback,
        // P7: protocol misbehaviour (broken IHAVE promises, GRAFT during backoff) beyond a small
        // allowance, since big messages may legitimately miss an IWANT follow-up.
        behaviour_penalty_weight: -5.0,
        behaviour_penalty_threshold: 6.0,
        behaviour_penalty_decay: 0.9,
        decay_interval: Duration::from_secs(1),
        decay_to_zero: 0.01,
        // A peer that disconnects keeps its (bad) score for an hour.
        retain_score: Duration::from_secs(3600),
        ..PeerScoreParams::default()
    }
}

/// Score thresholds; see the constants for what each one does.
pub fn peer_score_thresholds() -> PeerScoreThresholds {
    PeerScoreThresholds {
        gossip_threshold: GOSSIP_THRESHOLD,
        publish_threshold: PUBLISH_THRESHOLD,
        graylist_threshold: GRAYLIST_THRESHOLD,
        // Peer exchange is not implemented by rust-libp2p; keep the threshold high.
        accept_px_threshold: 100.0,
        opportunistic_graft_threshold: 5.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_pass_gossipsub_validation() {
        assert_eq!(peer_score_params("devnet").validate(), Ok(()));
        assert_eq!(peer_score_thresholds().validate(), Ok(()));
        for kind in TopicKind::ALL {
            assert_eq!(topic_score_params(kind).validate(), Ok(()));
        }
    }

    #[test]
    fn every_topic_of_the_network_is_scored() {
        let params = peer_score_params("n1");
        for kind in TopicKind::ALL {
            assert!(params.topics.contains_key(&kind.topic_hash("n1")), "{kind}");
            assert!(
                !params.topics.contains_key(&kind.topic_hash("n2")),
                "{kind}"
            );
        }
    }

    #[test]
    fn one_invalid_message_crosses_gossip_two_cross_graylist() {
        for kind in TopicKind::ALL {
            let p = topic_score_params(kind);
            // P4 is counter² × weight × topic weight.
            let p4 =
                |count: f64| count * count * p.invalid_message_deliveries_weight * p.topic_weight;
            assert!((p4(1.0) - INVALID_MESSAGE_PENALTY).abs() < 1e-9, "{kind}");
            assert!(p4(1.0) < GOSSIP_THRESHOLD, "{kind}");
            assert!(p4(1.0) > PUBLISH_THRESHOLD, "{kind}");
            assert!(p4(2.0) <= GRAYLIST_THRESHOLD, "{kind}");
            assert_eq!(p.mesh_message_deliveries_weight, 0.0, "{kind}");
            assert_eq!(p.mesh_failure_penalty_weight, 0.0, "{kind}");
        }
    }

    #[test]
    fn positive_cushion_cannot_hide_repeated_invalid_messages() {
        // The positive topic score is capped: even a peer at the cap loses gossip after two
        // invalid messages and is graylisted after three.
        const {
            assert!(TOPIC_SCORE_CAP + 4.0 * INVALID_MESSAGE_PENALTY < GOSSIP_THRESHOLD);
            assert!(TOPIC_SCORE_CAP + 9.0 * INVALID_MESSAGE_PENALTY < GRAYLIST_THRESHOLD);
        }
    }

    #[test]
    fn invalid_message_penalty_decays_slowly() {
        // After one minute the counter keeps most of its value; after an hour it is gone.
        let after = |secs: i32| INVALID_MESSAGE_DECAY.powi(secs);
        assert!(after(60) > 0.88);
        assert!(after(3600) < 0.01);
    }
}
