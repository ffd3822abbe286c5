//! Counter-based randomness: every random number the market uses is a pure function of a few
//! integers (seed, stream, counters), so any tick can be computed directly, in any order, and two
//! processes with the same seed agree.
//!
//! The mixer is SplitMix64's finaliser, applied once per input word; it is not cryptographic, only
//! well distributed and stable across platforms and Rust versions.

/// Stream tags: distinct uses of randomness draw from distinct streams.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Gaussian increments of a symbol's random walk.
    Walk = 1,
    /// Per-tick venue price noise.
    VenueNoise = 2,
    /// Quantities (last trade size, book sizes).
    Quantity = 3,
    /// Hourly volume variation.
    Volume = 4,
    /// Intraday range widening of high/low.
    Range = 5,
    /// Starting prices and volumes of synthetic symbols.
    Synthetic = 6,
}

/// SplitMix64 finaliser.
const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 64-bit random word for `(seed, stream, a, b)`.
pub(crate) fn word(seed: u64, stream: Stream, a: u64, b: u64) -> u64 {
    let h = mix(seed ^ mix(stream as u64));
    let h = mix(h ^ a);
    mix(h ^ b.rotate_left(17))
}

/// A uniform number in `[0, 1)` with 53 bits of precision.
pub(crate) fn unit(seed: u64, stream: Stream, a: u64, b: u64) -> f64 {
    (word(seed, stream, a, b) >> 11) as f64 / (1u64 << 53) as f64
}

/// A uniform number in `[-1, 1)`.
pub(crate) fn signed_unit(seed: u64, stream: Stream, a: u64, b: u64) -> f64 {
    unit(seed, stream, a, b) * 2.0 - 1.0
}

/// A standard normal number (Box-Muller); bounded by about ±8.6 because the uniform input is never 0.
pub(crate) fn gaussian(seed: u64, stream: Stream, a: u64, b: u64) -> f64 {
    let w = word(seed, stream, a, b);
    let u1 = ((w >> 11) as f64 + 1.0) / ((1u64 << 53) as f64 + 1.0);
    let u2 = unit(seed, stream, a, b ^ 0x5555_5555_5555_5555);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A stable 64-bit id for a string (FNV-1a), used to key randomness by symbol name so that adding
/// symbols never changes the others' paths.
pub(crate) fn name_id(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn unit_is_in_range_and_pure(seed: u64, a: u64, b: u64) {
            let u = unit(seed, Stream::Walk, a, b);
            prop_assert!((0.0..1.0).contains(&u));
            prop_assert_eq!(u, unit(seed, Stream::Walk, a, b));
            let s = signed_unit(seed, Stream::Range, a, b);
            prop_assert!((-1.0..1.0).contains(&s));
        }

        #[test]
        fn gaussian_is_finite_and_bounded(seed: u64, a: u64, b: u64) {
            let g = gaussian(seed, Stream::Walk, a, b);
            prop_assert!(g.is_finite());
            prop_assert!(g.abs() < 8.7);
        }
    }

    #[test]
    fn gaussian_has_unit_variance() {
        let n = 20_000u64;
        let xs: Vec<f64> = (0..n).map(|i| gaussian(7, Stream::Walk, i, 3)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }

    #[test]
    fn streams_and_names_differ() {
        assert_ne!(
            word(1, Stream::Walk, 2, 3),
            word(1, Stream::VenueNoise, 2, 3)
        );
        assert_ne!(word(1, Stream::Walk, 2, 3), word(2, Stream::Walk, 2, 3));
        assert_ne!(name_id("BTC/USD"), name_id("ETH/USD"));
        assert_eq!(name_id(""), 0xCBF2_9CE4_8422_2325);
    }
}
