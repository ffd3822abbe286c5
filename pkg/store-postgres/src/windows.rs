//! The time windows through which a newest-first list of all symbols is read. PostgreSQL keeps no
//! B-tree on observation time, only a BRIN index (`db/postgres/V6__time_brin.sql`): it finds the
//! blocks of a time window, not the newest rows. So the list asks for the rows observed at or after
//! `anchor - width`, for widths growing fourfold from one second, until a window holds a full page;
//! the last window has no lower bound. The rows a window returns are the true newest ones: every
//! row it leaves out is observed before its lower bound, so after every row it holds. Each window
//! costs about a quarter of the next, so the whole search reads about 4/3 of the last window.

/// Width of the first window (ms).
pub(crate) const FIRST_WIDTH_MS: i64 = 1_000;

/// Each window is this many times wider than the one before.
pub(crate) const GROWTH: i64 = 4;

/// Bounded windows before the unbounded one. The widest reaches 4^13 s (about 2 years) back.
pub(crate) const BOUNDED_WINDOWS: u32 = 14;

/// The lower bounds of the windows to try, in order: `Some(ms)` means "observed at or after ms",
/// `None` no bound. `anchor_ms` is the newest time the list can return (a cursor's time, `until`
/// minus one, or the newest stored row's). A window that would reach back to `since_ms` (the
/// list's own lower bound) is replaced by the unbounded one, which `since_ms` then bounds.
pub(crate) fn lower_bounds(anchor_ms: i64, since_ms: Option<i64>) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    let mut width = FIRST_WIDTH_MS;
    for _ in 0..BOUNDED_WINDOWS {
        let lower = anchor_ms.saturating_sub(width);
        if since_ms.is_some_and(|since| lower <= since) {
            break;
        }
        out.push(Some(lower));
        width = width.saturating_mul(GROWTH);
    }
    out.push(None);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn windows_grow_fourfold_from_one_second_and_end_unbounded() {
        let bounds = lower_bounds(100_000_000_000, None);
        assert_eq!(bounds.len(), BOUNDED_WINDOWS as usize + 1);
        assert_eq!(bounds[0], Some(100_000_000_000 - 1_000));
        assert_eq!(bounds[1], Some(100_000_000_000 - 4_000));
        assert_eq!(bounds[2], Some(100_000_000_000 - 16_000));
        assert_eq!(bounds.last(), Some(&None));
    }

    #[test]
    fn a_window_reaching_since_is_the_unbounded_one() {
        assert_eq!(
            lower_bounds(10_000, Some(5_000)),
            vec![Some(9_000), Some(6_000), None]
        );
        assert_eq!(lower_bounds(10_000, Some(9_000)), vec![None]);
        assert_eq!(lower_bounds(10_000, Some(20_000)), vec![None]);
    }

    proptest! {
        #[test]
        fn bounds_fall_stay_within_anchor_and_since_and_end_unbounded(
            anchor in any::<i64>(),
            since in proptest::option::of(any::<i64>()),
        ) {
            let bounds = lower_bounds(anchor, since);
            prop_assert_eq!(bounds.last(), Some(&None));
            let bounded: Vec<i64> = bounds.iter().flatten().copied().collect();
            prop_assert_eq!(bounded.len() + 1, bounds.len());
            prop_assert!(bounded.windows(2).all(|w| w[1] <= w[0]));
            prop_assert!(bounded.iter().all(|b| *b <= anchor));
            if let Some(since) = since {
                prop_assert!(bounded.iter().all(|b| *b > since));
            }
        }
    }
}
