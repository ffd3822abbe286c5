//! [`Quorum`]: the fraction of the validator set whose accept votes validate a quote.
//! Written `"2/3"` or as a decimal (`0.67`); must lie in (1/2, 1]. Pure.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A fraction `num/den` in (1/2, 1]. A quote is validated by *more than* this fraction of the
/// validator set's accept votes; `1` means every validator (see [`Quorum::threshold`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quorum {
    num: u64,
    den: u64,
}

/// Why a text is not a [`Quorum`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid quorum {text:?}: {reason}; expected a fraction greater than 1/2 and at most 1, \
     written as \"2/3\" or a decimal such as 0.67"
)]
pub struct InvalidQuorum {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Most decimal places accepted (denominator up to 10^9).
const MAX_DECIMALS: usize = 9;

impl Quorum {
    /// Two thirds, the default.
    pub const TWO_THIRDS: Quorum = Quorum { num: 2, den: 3 };

    /// Builds `num/den`, checking it lies in (1/2, 1].
    pub fn new(num: u64, den: u64) -> Result<Self, InvalidQuorum> {
        let err = |reason| InvalidQuorum {
            text: format!("{num}/{den}"),
            reason,
        };
        if den == 0 {
            return Err(err("the denominator is zero"));
        }
        if u128::from(num) * 2 <= u128::from(den) {
            return Err(err("it is not more than 1/2"));
        }
        if num > den {
            return Err(err("it is more than 1"));
        }
        Ok(Self { num, den })
    }

    /// The numerator.
    pub fn num(&self) -> u64 {
        self.num
    }

    /// The denominator (never zero).
    pub fn den(&self) -> u64 {
        self.den
    }

    /// The least number of accept votes out of `validators` that validates a quote: the smallest
    /// `k` with `k/validators > num/den`, capped at `validators` (so a quorum of 1 means all).
    /// Zero validators need zero votes.
    pub fn threshold(&self, validators: usize) -> usize {
        let n = validators as u128;
        let k = u128::from(self.num) * n / u128::from(self.den) + 1;
        // k <= n + 1 since num <= den, so the cast back is lossless.
        k.min(n) as usize
    }
}

impl Default for Quorum {
    fn default() -> Self {
        Self::TWO_THIRDS
    }
}

impl FromStr for Quorum {
    type Err = InvalidQuorum;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let err = |reason| InvalidQuorum {
            text: s.to_owned(),
            reason,
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let (num, den) = if let Some((n, d)) = text.split_once('/') {
            let (n, d) = (n.trim(), d.trim());
            if !digits(n) || !digits(d) {
                return Err(err("not a fraction of two whole numbers"));
            }
            let parse = |p: &str| p.parse::<u64>().map_err(|_| err("number too large"));
            (parse(n)?, parse(d)?)
        } else {
            let (int, frac) = text.split_once('.').unwrap_or((text, ""));
            if !digits(int) || !(frac.is_empty() || digits(frac)) {
                return Err(err("not a number"));
            }
            if frac.len() > MAX_DECIMALS {
                return Err(err("more than 9 decimal places"));
            }
            let den = 10u64.pow(frac.len() as u32);
            let all = format!("{int}{frac}");
            let num = all.parse::<u64>().map_err(|_| err("number too large"))?;
            (num, den)
        };
        Self::new(num, den).map_err(|e| err(e.reason))
    }
}

impl fmt::Display for Quorum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

impl Serialize for Quorum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quorum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(QuorumVisitor)
    }
}

/// Accepts a string (`"2/3"`, `"0.67"`) or a YAML number (`0.67`, `1`).
struct QuorumVisitor;

impl serde::de::Visitor<'_> for QuorumVisitor {
    type Value = Quorum;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fraction in (1/2, 1] such as \"2/3\" or 0.67")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quorum, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quorum, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quorum, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quorum, E> {
        // `Display` of f64 is the shortest text that reads back as the same number.
        self.visit_str(&v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_fractions_and_decimals() {
        assert_eq!("2/3".parse::<Quorum>().unwrap(), Quorum::new(2, 3).unwrap());
        assert_eq!(
            " 3 / 4 ".parse::<Quorum>().unwrap(),
            Quorum::new(3, 4).unwrap()
        );
        assert_eq!(
            "0.67".parse::<Quorum>().unwrap(),
            Quorum::new(67, 100).unwrap()
        );
        assert_eq!("1".parse::<Quorum>().unwrap(), Quorum::new(1, 1).unwrap());
        assert_eq!(
            "1.0".parse::<Quorum>().unwrap(),
            Quorum::new(10, 10).unwrap()
        );
    }

    #[test]
    fn refuses_out_of_range_and_garbage() {
        for bad in [
            "1/2",
            "0.5",
            "0.1",
            "3/2",
            "1.01",
            "2/0",
            "",
            "abc",
            "-2/3",
            "2/3/4",
            "0.1234567891",
        ] {
            let err = bad.parse::<Quorum>().unwrap_err();
            assert!(
                err.to_string().contains("expected a fraction"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn threshold_for_common_sizes() {
        let q = Quorum::TWO_THIRDS;
        assert_eq!(q.threshold(0), 0);
        assert_eq!(q.threshold(1), 1);
        assert_eq!(q.threshold(3), 3);
        assert_eq!(q.threshold(4), 3);
        assert_eq!(q.threshold(7), 5);
        assert_eq!(Quorum::new(1, 1).unwrap().threshold(4), 4);
    }

    proptest! {
        #[test]
        fn threshold_is_the_least_count_above_the_fraction(
            den in 1u64..1000, extra in 0u64..1000, n in 1usize..500,
        ) {
            // num in (den/2, den]
            let num = den / 2 + 1 + extra % (den - den / 2);
            let q = Quorum::new(num, den).unwrap();
            let k = q.threshold(n);
            let above = |k: usize| (k as u128) * u128::from(den) > u128::from(num) * n as u128;
            prop_assert!(k >= 1 && k <= n);
            prop_assert!(above(k) || k == n);
            prop_assert!(!above(k - 1));
            // More than half: two disjoint quorums cannot exist.
            prop_assert!(2 * k > n);
        }

        #[test]
        fn display_round_trips(den in 1u64..10_000, extra in 0u64..10_000) {
            let num = den / 2 + 1 + extra % (den - den / 2);
            let q = Quorum::new(num, den).unwrap();
            prop_assert_eq!(q.to_string().parse::<Quorum>().unwrap(), q);
        }
    }
}
