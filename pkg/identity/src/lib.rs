//! Node identity: ed25519 key files (mode 0600), public key and libp2p PeerId
