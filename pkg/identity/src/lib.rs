//! Node identity: one ed25519 key per node, kept in a PKCS#8 PEM file with mode 0600.
//!
//! The same key signs every protocol message (as an [`ed25519_dalek::SigningKey`]), names the node
//! in the protocol (as an [`mdn_protocol::PublicKey`]) and on the network (as a libp2p [`PeerId`]
//! derived from a [`libp2p_identity::Keypair`] built from the same secret).
//!
//! Modules:
//! - `identity`: [`NodeIdentity`] and the pure key conversions ([`peer_id_of`],
//!   [`public_key_of_peer`]).
//! - `keyfile`: reading and writing key files ([`generate`], [`load`], [`load_or_generate`]).
//! - `error`: [`IdentityError`].

mod error;
mod identity;
mod keyfile;

pub use error::IdentityError;
pub use identity::{NodeIdentity, peer_id_of, public_key_of_peer};
pub use keyfile::{generate, load, load_or_generate};

/// The libp2p identity crate this crate builds its `Keypair` and `PeerId` with (the version
/// libp2p 0.57 uses), re-exported so callers name exactly the same types.
pub use libp2p_identity;
/// The libp2p peer id type (re-exported from [`libp2p_identity`]).
pub use libp2p_identity::PeerId;

/// Result alias for this crate.
pub type Result<T, E = IdentityError> = std::result::Result<T, E>;
