//! The validator set and its quorum: who may vote, and how many accept votes certify a quote.

use serde::{Deserialize, Serialize};

use crate::sign::SignatureError;
use crate::types::PublicKey;

/// The quorum fraction: a quote is certified by more than `numerator / denominator` of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quorum {
    /// Numerator of the fraction.
    pub numerator: u32,
    /// Denominator of the fraction.
    pub denominator: u32,
}

impl Default for Quorum {
    /// Two thirds: certification needs more than 2/3 of the set.
    fn default() -> Self {
        Self {
            numerator: 2,
            denominator: 3,
        }
    }
}

impl Quorum {
    /// Checks that the fraction lies in (1/2, 1], so that two quorums always intersect.
    pub fn validate(&self) -> Result<(), ValidatorSetError> {
        let (n, d) = (u64::from(self.numerator), u64::from(self.denominator));
        if d == 0 || 2 * n <= d || n > d {
            return Err(ValidatorSetError::BadQuorum {
                numerator: self.numerator,
                denominator: self.denominator,
            });
        }
        Ok(())
    }

    /// Accept votes needed among `n` validators: `floor(n * numerator / denominator) + 1`, at most
    /// `n`.
    pub fn threshold(&self, n: usize) -> usize {
        let n64 = n as u128;
        let needed = n64 * u128::from(self.numerator) / u128::from(self.denominator.max(1)) + 1;
        usize::try_from(needed).unwrap_or(usize::MAX).min(n)
    }
}

/// Why a validator set cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorSetError {
    /// The quorum fraction is outside (1/2, 1].
    #[error("bad quorum {numerator}/{denominator}: expected a fraction in (1/2, 1]")]
    BadQuorum {
        /// Numerator given.
        numerator: u32,
        /// Denominator given.
        denominator: u32,
    },
    /// No keys were given.
    #[error("empty validator set: expected at least one key")]
    Empty,
    /// A key is not a valid, non-weak ed25519 public key.
    #[error("validator key rejected: {0}")]
    BadKey(#[from] SignatureError),
}

/// The validators of a network: keys sorted and deduplicated, all valid and not weak, and the
/// quorum fraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ValidatorSetRepr")]
pub struct ValidatorSet {
    keys: Vec<PublicKey>,
    quorum: Quorum,
}

/// Unchecked serde form of [`ValidatorSet`].
#[derive(Deserialize)]
struct ValidatorSetRepr {
    keys: Vec<PublicKey>,
    quorum: Quorum,
}

impl TryFrom<ValidatorSetRepr> for ValidatorSet {
    type Error = ValidatorSetError;
    fn try_from(r: ValidatorSetRepr) -> Result<Self, Self::Error> {
        Self::new(r.keys, r.quorum)
    }
}

impl ValidatorSet {
    /// Builds a set: checks the quorum and every key (a valid curve point, not weak), sorts and
    /// deduplicates the keys.
    pub fn new(
        keys: impl IntoIterator<Item = PublicKey>,
        quorum: Quorum,
    ) -> Result<Self, ValidatorSetError> {
        quorum.validate()?;
        let mut keys: Vec<PublicKey> = keys.into_iter().collect();
        for k in &keys {
            k.verifying_key()?;
        }
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() {
            return Err(ValidatorSetError::Empty);
        }
        Ok(Self { keys, quorum })
    }

    /// The keys, sorted ascending, distinct.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The quorum fraction.
    pub fn quorum(&self) -> Quorum {
        self.quorum
    }

    /// Number of validators.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a set has at least one key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `key` is a validator.
    pub fn contains(&self, key: &PublicKey) -> bool {
        self.keys.binary_search(key).is_ok()
    }

    /// Accept votes needed to certify: `floor(n * num / den) + 1`, at most `n`.
    pub fn threshold(&self) -> usize {
        self.quorum.threshold(self.keys.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::signing_key_from_seed;

    fn key(i: u8) -> PublicKey {
        PublicKey::from(&signing_key_from_seed([i; 32]))
    }

    #[test]
    fn default_threshold_is_more_than_two_thirds() {
        let q = Quorum::default();
        assert_eq!(q.threshold(1), 1);
        assert_eq!(q.threshold(3), 3);
        assert_eq!(q.threshold(4), 3);
        assert_eq!(q.threshold(6), 5);
        assert_eq!(q.threshold(7), 5);
        assert_eq!(q.threshold(100), 67);
    }

    #[test]
    fn unanimity_is_capped_at_n() {
        let q = Quorum {
            numerator: 1,
            denominator: 1,
        };
        assert_eq!(q.threshold(5), 5);
    }

    #[test]
    fn quorum_outside_half_to_one_is_rejected() {
        for (n, d) in [(1, 2), (0, 1), (3, 2), (1, 0), (2, 5)] {
            let q = Quorum {
                numerator: n,
                denominator: d,
            };
            assert!(q.validate().is_err(), "{n}/{d}");
        }
        assert!(
            Quorum {
                numerator: 51,
                denominator: 100
            }
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn keys_are_sorted_and_deduplicated() {
        let set = ValidatorSet::new([key(3), key(1), key(2), key(1)], Quorum::default()).unwrap();
        assert_eq!(set.len(), 3);
        assert!(set.keys().windows(2).all(|w| w[0] < w[1]));
        assert!(set.contains(&key(2)));
        assert!(!set.contains(&key(4)));
    }

    #[test]
    fn weak_and_invalid_keys_are_rejected() {
        // The identity point (small order) encodes as 1 followed by zeros.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        assert!(matches!(
            ValidatorSet::new([PublicKey(weak)], Quorum::default()),
            Err(ValidatorSetError::BadKey(_))
        ));
        assert!(matches!(
            ValidatorSet::new([], Quorum::default()),
            Err(ValidatorSetError::Empty)
        ));
    }
}
