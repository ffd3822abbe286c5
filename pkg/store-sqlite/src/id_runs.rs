//! When to maintain the quote-id index, decided without IO. The id index is a small log-structured
//! merge tree kept in SQLite tables (see `id_index`): decisions committed since the last merge are
//! the *tail*; a merge writes the tail's ids as one sorted *run*; runs of about the same size are
//! compacted into one, a slice of two-byte id prefixes at a time. Commits then only append (no random-key
//! index on the commit path) and every entry is rewritten once per size tier.

/// Compactions move entries by their first two id bytes: slice `n` holds the ids starting with
/// `n` as a big-endian `u16`, so a step moves about 1/65,536 of the sources at least.
pub(crate) const SLICES: u32 = 1 << 16;

/// How eagerly the id index is maintained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdIndexLimits {
    /// Merge the tail into a new run once it holds this many decisions.
    pub tail_rows: i64,
    /// Compact once this many runs share a size tier.
    pub fanout: usize,
    /// Move about this many entries per compaction step.
    pub slice_entries: i64,
}

impl Default for IdIndexLimits {
    fn default() -> Self {
        Self {
            tail_rows: 16_384,
            fanout: 8,
            // A step's time is a stall of the commits behind it: 65,536 entries took 200-400 ms
            // on a busy 4-node devnet, 8,192 take a few tens of ms.
            slice_entries: 8_192,
        }
    }
}

/// One run as stored in `decision_id_runs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunInfo {
    /// Its number (unique, increasing).
    pub(crate) run: i64,
    /// How many entries it holds (an upper bound for a compaction target).
    pub(crate) entries: i64,
    /// Set while this run is being compacted into that one.
    pub(crate) into_run: Option<i64>,
    /// Set while this run is being filled by a compaction: the first slice not moved yet.
    pub(crate) next_slice: Option<u32>,
}

/// The next piece of maintenance to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Nothing is due.
    Idle,
    /// Write the tail as a new run.
    Merge,
    /// Begin compacting `sources` into a new run.
    Start {
        /// The runs to compact, oldest first.
        sources: Vec<i64>,
    },
    /// Move the entries of `sources` whose slice (first two id bytes) is in `from..to` into
    /// `target`.
    Move {
        /// The run being filled.
        target: i64,
        /// The runs being emptied.
        sources: Vec<i64>,
        /// First slice moved.
        from: u32,
        /// One past the last slice moved ([`SLICES`] ends the compaction).
        to: u32,
    },
}

/// Size tier of a run: 0 below `tail_rows * fanout` entries, then one more per factor of fanout.
pub(crate) fn tier(limits: &IdIndexLimits, entries: i64) -> u32 {
    let fanout = i64::try_from(limits.fanout.max(2)).unwrap_or(i64::MAX);
    let mut bound = limits.tail_rows.max(1).saturating_mul(fanout);
    let mut tier = 0;
    while entries >= bound && bound < i64::MAX {
        tier += 1;
        bound = bound.saturating_mul(fanout);
    }
    tier
}

/// What to do next, given how many decisions the tail holds and the runs.
pub(crate) fn next_step(limits: &IdIndexLimits, tail_rows: i64, runs: &[RunInfo]) -> Step {
    if tail_rows >= limits.tail_rows.max(1) {
        return Step::Merge;
    }
    if let Some(target) = runs.iter().find(|r| r.next_slice.is_some()) {
        let sources: Vec<&RunInfo> = runs
            .iter()
            .filter(|r| r.into_run == Some(target.run))
            .collect();
        let from = target.next_slice.unwrap_or(0);
        let total: i64 = sources.iter().map(|r| r.entries).sum::<i64>().max(1);
        let all = i64::from(SLICES);
        let slices = (limits.slice_entries.max(1).saturating_mul(all) / total).clamp(1, all);
        let to = (i64::from(from) + slices).min(all);
        return Step::Move {
            target: target.run,
            sources: sources.iter().map(|r| r.run).collect(),
            from,
            to: u32::try_from(to).unwrap_or(SLICES),
        };
    }
    let fanout = limits.fanout.max(2);
    let mut by_tier: std::collections::BTreeMap<u32, Vec<i64>> = Default::default();
    for r in runs {
        by_tier
            .entry(tier(limits, r.entries))
            .or_default()
            .push(r.run);
    }
    for (_, mut members) in by_tier {
        if members.len() >= fanout {
            members.sort_unstable();
            members.truncate(fanout);
            return Step::Start { sources: members };
        }
    }
    Step::Idle
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    const SMALL: IdIndexLimits = IdIndexLimits {
        tail_rows: 10,
        fanout: 3,
        slice_entries: 8,
    };

    fn run(run: i64, entries: i64) -> RunInfo {
        RunInfo {
            run,
            entries,
            into_run: None,
            next_slice: None,
        }
    }

    #[test]
    fn a_full_tail_is_merged_first() {
        assert_eq!(next_step(&SMALL, 10, &[]), Step::Merge);
        assert_eq!(next_step(&SMALL, 9, &[]), Step::Idle);
    }

    #[test]
    fn tiers_grow_by_the_fanout() {
        assert_eq!(tier(&SMALL, 0), 0);
        assert_eq!(tier(&SMALL, 29), 0);
        assert_eq!(tier(&SMALL, 30), 1);
        assert_eq!(tier(&SMALL, 89), 1);
        assert_eq!(tier(&SMALL, 90), 2);
        assert_eq!(tier(&SMALL, i64::MAX), tier(&SMALL, i64::MAX - 1));
    }

    #[test]
    fn runs_of_one_tier_are_compacted_oldest_first() {
        let runs = [run(1, 12), run(2, 100), run(3, 11), run(4, 10), run(5, 9)];
        assert_eq!(
            next_step(&SMALL, 0, &runs),
            Step::Start {
                sources: vec![1, 3, 4]
            }
        );
        assert_eq!(next_step(&SMALL, 0, &runs[..3]), Step::Idle);
    }

    #[test]
    fn a_compaction_moves_slices_until_the_last() {
        let mut target = run(9, 40);
        target.next_slice = Some(SLICES - 6);
        let mut a = run(1, 20);
        a.into_run = Some(9);
        let mut b = run(2, 20);
        b.into_run = Some(9);
        let step = next_step(&SMALL, 0, &[a, b, target, run(10, 5)]);
        // 8 entries per step out of 40 spread over 65,536 slices: 13,107 slices, cut at the end.
        assert_eq!(
            step,
            Step::Move {
                target: 9,
                sources: vec![1, 2],
                from: SLICES - 6,
                to: SLICES
            }
        );
    }

    /// A model of the stored index: the tail, the runs' entries by first id byte, and the
    /// compaction state; steps are applied as `id_index` applies them in SQL.
    #[derive(Debug, Default)]
    struct Model {
        next_run: i64,
        tail: Vec<u16>,
        runs: BTreeMap<i64, (RunInfo, Vec<u16>)>,
    }

    impl Model {
        fn infos(&self) -> Vec<RunInfo> {
            self.runs.values().map(|(i, _)| i.clone()).collect()
        }

        fn apply(&mut self, step: &Step) {
            match step {
                Step::Idle => {}
                Step::Merge => {
                    self.next_run += 1;
                    let entries = std::mem::take(&mut self.tail);
                    let info = run(self.next_run, entries.len() as i64);
                    self.runs.insert(self.next_run, (info, entries));
                }
                Step::Start { sources } => {
                    self.next_run += 1;
                    let mut total = 0;
                    for s in sources {
                        let (info, _) = self.runs.get_mut(s).expect("source exists");
                        info.into_run = Some(self.next_run);
                        total += info.entries;
                    }
                    let mut info = run(self.next_run, total);
                    info.next_slice = Some(0);
                    self.runs.insert(self.next_run, (info, Vec::new()));
                }
                Step::Move {
                    target,
                    sources,
                    from,
                    to,
                } => {
                    let mut moved = Vec::new();
                    for s in sources {
                        let (_, entries) = self.runs.get_mut(s).expect("source exists");
                        let (slice, keep): (Vec<u16>, Vec<u16>) = entries
                            .iter()
                            .partition(|b| (*from..*to).contains(&u32::from(**b)));
                        *entries = keep;
                        moved.extend(slice);
                    }
                    let (info, entries) = self.runs.get_mut(target).expect("target exists");
                    entries.extend(moved);
                    info.next_slice = (*to < SLICES).then_some(*to);
                    if *to == SLICES {
                        for s in sources {
                            let (_, left) = self.runs.remove(s).expect("source exists");
                            assert!(left.is_empty(), "a finished compaction emptied its sources");
                        }
                    }
                }
            }
        }

        fn all(&self) -> Vec<u16> {
            let mut all: Vec<u16> = self.tail.clone();
            for (_, entries) in self.runs.values() {
                all.extend(entries);
            }
            all.sort_unstable();
            all
        }
    }

    proptest! {
        /// Whatever the commit sizes, maintenance never loses or duplicates an entry.
        #[test]
        fn maintenance_keeps_every_entry_and_few_runs(
            commits in prop::collection::vec(prop::collection::vec(any::<u16>(), 0..40), 1..60),
            tail_rows in 1i64..30,
            fanout in 2usize..5,
            slice_entries in 1i64..50,
        ) {
            let limits = IdIndexLimits { tail_rows, fanout, slice_entries };
            let mut model = Model::default();
            let mut committed: Vec<u16> = Vec::new();
            for batch in commits {
                model.tail.extend(&batch);
                committed.extend(&batch);
                // As `id_index::maintain` does: merges and starts do not end the round, one
                // slice move does.
                for _ in 0..4 {
                    let step = next_step(&limits, model.tail.len() as i64, &model.infos());
                    model.apply(&step);
                    if matches!(step, Step::Idle | Step::Move { .. }) {
                        break;
                    }
                }
                committed.sort_unstable();
                prop_assert_eq!(model.all(), committed.clone());
            }
        }

        /// With commits stopped, repeated maintenance finishes every compaction and leaves
        /// fewer than `fanout` runs per tier: logarithmically many in all.
        #[test]
        fn compactions_finish(
            entries in prop::collection::vec(prop::collection::vec(any::<u16>(), 1..20), 2..20),
            slice_entries in 1i64..10,
        ) {
            let limits = IdIndexLimits { tail_rows: 1, fanout: 2, slice_entries };
            let mut model = Model::default();
            for batch in &entries {
                model.tail.extend(batch);
                model.apply(&Step::Merge);
            }
            let mut steps = 0;
            loop {
                let step = next_step(&limits, 0, &model.infos());
                if step == Step::Idle {
                    break;
                }
                model.apply(&step);
                steps += 1;
                prop_assert!(steps < 10_000, "maintenance did not settle");
            }
            let infos = model.infos();
            prop_assert!(infos.iter().all(|r| r.into_run.is_none() && r.next_slice.is_none()));
            let total = model.all().len() as i64;
            let tiers = tier(&limits, total) as usize + 1;
            prop_assert!(infos.len() <= tiers * (limits.fanout - 1), "{} runs", infos.len());
        }
    }
}
