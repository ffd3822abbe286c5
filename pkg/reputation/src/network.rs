//! The network view: for every subject (a peer, a source, a source and symbol) the median of the
//! validators' latest reported scores. With `f` lying reporters out of `n > 2f`, the median stays
//! between the lowest and highest honest reports.

use std::collections::BTreeMap;

use crate::median::median;

/// Median per subject over `reports` (one map of subject → score per reporter). Subjects only some
/// reporters mention get the median of those who do.
pub fn network_view<'a, K: Ord + Clone + 'a>(
    reports: impl IntoIterator<Item = &'a BTreeMap<K, f64>>,
) -> BTreeMap<K, f64> {
    let mut by_subject: BTreeMap<K, Vec<f64>> = BTreeMap::new();
    for report in reports {
        for (subject, score) in report {
            by_subject.entry(subject.clone()).or_default().push(*score);
        }
    }
    by_subject
        .into_iter()
        .filter_map(|(k, v)| median(&v).map(|m| (k, m)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A minority of reporters saying anything cannot move the view outside the honest range.
        #[test]
        fn liars_in_the_minority_stay_bounded(
            honest in prop::collection::vec(0.0f64..=1.0, 3..8),
            lies in prop::collection::vec(0.0f64..=1.0, 0..3),
        ) {
            prop_assume!(lies.len() * 2 < honest.len() + lies.len());
            let reports: Vec<BTreeMap<&str, f64>> = honest
                .iter()
                .chain(lies.iter())
                .map(|s| BTreeMap::from([("x", *s)]))
                .collect();
            let view = network_view(reports.iter());
            let lo = honest.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = honest.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let v = view["x"];
            prop_assert!(lo <= v && v <= hi, "{v} outside [{lo}, {hi}]");
        }
    }
}
