//! [`NodeIdentity`]: one ed25519 secret key seen as a signing key, a protocol public key and a
//! libp2p keypair/peer id. Pure conversions, no IO.

use std::fmt;

use ed25519_dalek::SigningKey;
use libp2p_identity::{Keypair, PeerId};
use mdn_protocol::PublicKey;
use zeroize::Zeroize;

use crate::IdentityError;

/// A node's identity: the ed25519 signing key and everything derived from it.
///
/// The libp2p [`Keypair`] is built from the same 32-byte secret as the [`SigningKey`], so the
/// node's [`PeerId`] always equals [`peer_id_of`] its [`PublicKey`]. `Debug` shows only public
/// parts.
#[derive(Clone)]
pub struct NodeIdentity {
    signing_key: SigningKey,
    public_key: PublicKey,
    keypair: Keypair,
    peer_id: PeerId,
}

impl NodeIdentity {
    /// Builds the identity of an existing signing key (e.g. one read from a key file, or a fixed
    /// test key made with `SigningKey::from_bytes`).
    pub fn from_signing_key(signing_key: SigningKey) -> Result<Self, IdentityError> {
        let mut secret = signing_key.to_bytes();
        // `ed25519_from_bytes` zeroes its input after reading it.
        let keypair = Keypair::ed25519_from_bytes(&mut secret).map_err(|e| {
            IdentityError::InvalidPublicKey {
                key: hex::encode(signing_key.verifying_key().as_bytes()),
                reason: e.to_string(),
            }
        })?;
        secret.zeroize();
        let public_key = PublicKey(signing_key.verifying_key().to_bytes());
        let peer_id = keypair.public().to_peer_id();
        Ok(Self {
            signing_key,
            public_key,
            keypair,
            peer_id,
        })
    }

    /// Makes a fresh random identity (not saved anywhere; see [`crate::generate`] for key files).
    pub fn generate() -> Result<Self, IdentityError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| IdentityError::Random(e.to_string()))?;
        let signing_key = SigningKey::from_bytes(&secret);
        secret.zeroize();
        Self::from_signing_key(signing_key)
    }

    /// The ed25519 signing key (signs batches, votes and reports).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The node's public key as the protocol names it.
    pub fn public_key(&self) -> PublicKey {
        self.public_key
    }

    /// The libp2p keypair (for `SwarmBuilder::with_existing_identity`); same secret as
    /// [`Self::signing_key`].
    pub fn keypair(&self) -> &Keypair {
        &self.keypair
    }

    /// The node's libp2p peer id.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }
}

impl fmt::Debug for NodeIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeIdentity")
            .field("public_key", &self.public_key)
            .field("peer_id", &self.peer_id)
            .finish_non_exhaustive()
    }
}

/// The libp2p peer id of another node's ed25519 public key (e.g. a validator from the config).
///
/// Fails if the 32 bytes are not a valid ed25519 point.
pub fn peer_id_of(key: &PublicKey) -> Result<PeerId, IdentityError> {
    let ed = libp2p_identity::ed25519::PublicKey::try_from_bytes(&key.0).map_err(|e| {
        IdentityError::InvalidPublicKey {
            key: key.to_hex(),
            reason: e.to_string(),
        }
    })?;
    Ok(libp2p_identity::PublicKey::from(ed).to_peer_id())
}

/// The ed25519 public key inside a peer id, if it is an ed25519 peer id (those embed the key
/// itself); `None` for other key types or hashed ids.
pub fn public_key_of_peer(peer_id: &PeerId) -> Option<PublicKey> {
    let multihash = peer_id.as_ref();
    // Code 0x00 is the identity multihash: the digest is the protobuf-encoded public key.
    if multihash.code() != 0 {
        return None;
    }
    let key = libp2p_identity::PublicKey::try_decode_protobuf(multihash.digest()).ok()?;
    let ed = key.try_into_ed25519().ok()?;
    Some(PublicKey(ed.to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(seed: u8) -> NodeIdentity {
        NodeIdentity::from_signing_key(SigningKey::from_bytes(&[seed; 32])).unwrap()
    }

    #[test]
    fn peer_id_of_the_key_equals_peer_id_of_the_public_key() {
        let id = fixed(7);
        assert_eq!(peer_id_of(&id.public_key()).unwrap(), id.peer_id());
        let random = NodeIdentity::generate().unwrap();
        assert_eq!(peer_id_of(&random.public_key()).unwrap(), random.peer_id());
    }

    #[test]
    fn libp2p_keypair_signs_with_the_same_key() {
        let id = fixed(9);
        let msg = b"same key";
        let libp2p_sig = id.keypair().sign(msg).unwrap();
        let dalek_sig = ed25519_dalek::Signer::sign(id.signing_key(), msg);
        assert_eq!(libp2p_sig, dalek_sig.to_bytes().to_vec());
    }

    #[test]
    fn public_key_round_trips_through_peer_id() {
        let id = fixed(3);
        assert_eq!(public_key_of_peer(&id.peer_id()), Some(id.public_key()));
        let other = fixed(4);
        assert_ne!(id.peer_id(), other.peer_id());
    }

    #[test]
    fn invalid_point_is_refused() {
        // y = 2 is not on the curve (no x satisfies the curve equation).
        let mut bytes = [0u8; 32];
        bytes[0] = 2;
        let err = peer_id_of(&PublicKey(bytes)).unwrap_err();
        assert!(
            matches!(err, IdentityError::InvalidPublicKey { .. }),
            "{err}"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let id = fixed(5);
        let text = format!("{id:?}");
        assert!(text.contains(&id.public_key().to_hex()));
        assert!(!text.contains(&hex::encode([5u8; 32])));
    }
}
