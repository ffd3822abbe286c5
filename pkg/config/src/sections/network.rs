//! Sections `node`, `network` and `validators`: who this node is and whom it talks to.

use std::path::PathBuf;

use multiaddr::Multiaddr;
use serde::{Deserialize, Serialize};

use crate::Quorum;

/// Section `node`: this node's identity and files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Node {
    /// Network id (default `mdn-devnet`): messages of other networks are ignored. 1-64 characters
    /// of `A-Za-z0-9._-`.
    pub network_id: String,
    /// Human-readable node name shown in the UI and logs (default: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Directory for the key, the embedded database and other state (default `data`).
    pub data_dir: PathBuf,
    /// The node's ed25519 key file (default `<data_dir>/node.key`; see `Config::key_file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// Threads of the async runtime (default: one per CPU core; 1-1024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_threads: Option<usize>,
}

impl Default for Node {
    fn default() -> Self {
        Self {
            network_id: "mdn-devnet".to_owned(),
            name: None,
            data_dir: PathBuf::from("data"),
            key_file: None,
            worker_threads: None,
        }
    }
}

/// Section `network`: libp2p listening, discovery and (devnet only) fault injection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// Multiaddrs to listen on (default TCP and QUIC on port 4001, all interfaces).
    pub listen: Vec<Multiaddr>,
    /// Peers to dial at start: multiaddrs ending in `/p2p/<peer id>` (default none).
    pub bootnodes: Vec<Multiaddr>,
    /// Discover peers on the local network with mDNS (default true).
    pub mdns: bool,
    /// Run Kademlia in server mode from the start, e.g. on bootnodes (default false: client mode
    /// until an external address is confirmed).
    pub kademlia_server: bool,
    /// Deliberate misbehaviour for devnets and tests only (default none). Never set this on a
    /// real network: the node will lie and be penalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byzantine: Option<Byzantine>,
}

impl Default for Network {
    fn default() -> Self {
        let addr = |s: &str| s.parse::<Multiaddr>().ok();
        Self {
            listen: ["/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"]
                .into_iter()
                .filter_map(addr)
                .collect(),
            bootnodes: Vec::new(),
            mdns: true,
            kademlia_server: false,
            byzantine: None,
        }
    }
}

/// `network.byzantine`: fault injection for devnets and tests. Each field defaults to "honest".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Byzantine {
    /// Propose prices moved by this many percent (e.g. `5.0` or `-3.5`; default 0).
    pub propose_offset_pct: f64,
    /// Vote against every quote: reject what should pass, accept what should fail (default false).
    pub vote_against: bool,
    /// Send two different votes for the same quote (default false).
    pub equivocate: bool,
    /// Re-send old, already decided batches (default false).
    pub replay: bool,
}

/// Section `validators`: the validator set and its quorum.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Validators {
    /// Fraction of the validator set whose accept votes validate a quote: more than this
    /// fraction must accept (default `2/3`; any value in (1/2, 1], as `"2/3"` or a decimal).
    pub quorum: Quorum,
    /// The validators' ed25519 public keys, 64 hex characters each (default none: this node
    /// alone is the validator set). See `Config::validator_keys`.
    pub keys: Vec<String>,
}
