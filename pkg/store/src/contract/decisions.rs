//! Contract cases for committing and reading decisions.

use std::collections::HashSet;

use mdn_protocol::{Outcome, QuoteId};

use super::fixtures::{self, commit, commit_salted, outcome_for};
use super::invariants::assert_effects_match;
use crate::decisions::{CommitReport, DecisionCommit, DecisionQuery};
use crate::error::StoreError;
use crate::store::Store;

fn report(inserted: u64, upgraded: u64, unchanged: u64) -> CommitReport {
    CommitReport {
        inserted,
        upgraded,
        unchanged,
    }
}

/// Committed decisions read back equal, with increasing seq, and counts per outcome.
pub async fn commit_stores_and_reads_back(store: &dyn Store) {
    let batch: Vec<_> = (0..3).map(|i| commit(i, outcome_for(i + 2))).collect();
    let got = store.commit(&batch).await.expect("commit");
    assert_eq!(got, report(3, 0, 0));
    let mut last_seq = 0;
    for c in &batch {
        let stored = store
            .decision(&c.decision.quote.id())
            .await
            .expect("decision")
            .expect("stored decision is found");
        assert_eq!(stored.decision, c.decision);
        assert!(stored.seq > last_seq, "seq increases in batch order");
        last_seq = stored.seq;
    }
    let missing = fixtures::quote(999).id();
    assert!(store.decision(&missing).await.expect("decision").is_none());
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(
        (counts.validated, counts.rejected, counts.expired),
        (1, 1, 1)
    );
    assert_effects_match(store).await;
}

/// Committing the same batch twice changes nothing the second time.
pub async fn commit_is_idempotent(store: &dyn Store) {
    let batch: Vec<_> = (0..10).map(|i| commit(i, outcome_for(i))).collect();
    assert_eq!(
        store.commit(&batch).await.expect("commit"),
        report(10, 0, 0)
    );
    let stats = store.source_stats().await.expect("stats");
    let peers = store.peer_stats().await.expect("peer stats");
    assert_eq!(
        store.commit(&batch).await.expect("recommit"),
        report(0, 0, 10)
    );
    assert_eq!(store.source_stats().await.expect("stats"), stats);
    assert_eq!(store.peer_stats().await.expect("peer stats"), peers);
    assert_eq!(store.validated_ids().await.expect("ids").len(), 6);
    assert_effects_match(store).await;
}

/// A validated decision replaces a stored expired one, gets a new seq, and its effects apply.
pub async fn validated_upgrades_expired(store: &dyn Store) {
    let expired = commit(1, Outcome::Expired);
    let other = commit(2, Outcome::Validated);
    store
        .commit(&[expired.clone(), other])
        .await
        .expect("commit");
    let before = store
        .decision(&expired.decision.quote.id())
        .await
        .expect("read")
        .expect("stored");
    let validated = commit(1, Outcome::Validated);
    assert_eq!(
        store
            .commit(std::slice::from_ref(&validated))
            .await
            .expect("upgrade"),
        report(0, 1, 0)
    );
    let after = store
        .decision(&validated.decision.quote.id())
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(after.decision, validated.decision);
    assert!(after.seq > before.seq, "an upgrade takes a new seq");
    let tail = store.decisions_after(before.seq, 10).await.expect("after");
    assert_eq!(tail.last().map(|d| d.seq), Some(after.seq));
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!((counts.validated, counts.expired), (2, 0));
    let stat_sum: u64 = store
        .source_stats()
        .await
        .expect("stats")
        .iter()
        .map(|s| s.expired)
        .sum();
    assert_eq!(stat_sum, 1, "the expired decision's effects stay");
    // Upgrading again changes nothing.
    assert_eq!(
        store.commit(&[validated]).await.expect("again"),
        report(0, 0, 1)
    );
}

/// Rejected never becomes validated and validated never goes back.
pub async fn outcomes_never_flip(store: &dyn Store) {
    store
        .commit(&[commit(1, Outcome::Rejected), commit(2, Outcome::Validated)])
        .await
        .expect("commit");
    let attempts = [
        commit(1, Outcome::Validated),
        commit(1, Outcome::Expired),
        commit(2, Outcome::Rejected),
        commit(2, Outcome::Expired),
    ];
    for attempt in &attempts {
        let got = store
            .commit(std::slice::from_ref(attempt))
            .await
            .expect("commit");
        assert_eq!(got, report(0, 0, 1));
    }
    let one = store
        .decision(&fixtures::quote(1).id())
        .await
        .expect("read");
    assert_eq!(one.map(|d| d.decision.outcome), Some(Outcome::Rejected));
    let two = store
        .decision(&fixtures::quote(2).id())
        .await
        .expect("read");
    assert_eq!(two.map(|d| d.decision.outcome), Some(Outcome::Validated));
    assert_effects_match(store).await;
}

/// Duplicates within one batch collapse; a validated entry wins over an earlier expired one.
pub async fn batch_duplicates_collapse(store: &dyn Store) {
    let batch = [
        commit(1, Outcome::Expired),
        commit(1, Outcome::Validated),
        commit(2, Outcome::Rejected),
        commit(2, Outcome::Rejected),
        commit(2, Outcome::Validated),
    ];
    assert_eq!(store.commit(&batch).await.expect("commit"), report(2, 0, 3));
    let one = store
        .decision(&fixtures::quote(1).id())
        .await
        .expect("read");
    assert_eq!(one.map(|d| d.decision.outcome), Some(Outcome::Validated));
    let two = store
        .decision(&fixtures::quote(2).id())
        .await
        .expect("read");
    assert_eq!(two.map(|d| d.decision.outcome), Some(Outcome::Rejected));
    assert_effects_match(store).await;
}

/// An inconsistent decision fails the whole batch and stores nothing.
pub async fn invalid_decision_fails_batch(store: &dyn Store) {
    let good = commit(1, Outcome::Validated);
    let mut no_cert = commit(2, Outcome::Validated);
    no_cert.decision.certificate = None;
    let err = store.commit(&[good.clone(), no_cert]).await;
    assert!(
        matches!(err, Err(StoreError::InvalidDecision { .. })),
        "{err:?}"
    );
    let mut cert_on_rejected = commit(3, Outcome::Rejected);
    cert_on_rejected.decision.certificate = commit(3, Outcome::Validated).decision.certificate;
    let err = store.commit(&[good.clone(), cert_on_rejected]).await;
    assert!(
        matches!(err, Err(StoreError::InvalidDecision { .. })),
        "{err:?}"
    );
    let mut wrong_cert = commit(4, Outcome::Validated);
    wrong_cert.decision.certificate = good.decision.certificate.clone();
    let err = store.commit(&[wrong_cert]).await;
    assert!(
        matches!(err, Err(StoreError::InvalidDecision { .. })),
        "{err:?}"
    );
    assert_eq!(store.decision_counts().await.expect("counts").validated, 0);
    assert!(store.source_stats().await.expect("stats").is_empty());
}

/// Filters combine, pages are newest first and cover every match exactly once.
pub async fn list_decisions_filters_and_pages(store: &dyn Store) {
    let batch: Vec<_> = (0..30).map(|i| commit(i, outcome_for(i))).collect();
    store.commit(&batch).await.expect("commit");
    let all = collect_pages(store, DecisionQuery::default(), 7).await;
    assert_eq!(all.len(), 30);
    let times: Vec<i64> = all
        .iter()
        .map(|d| d.decision.quote.observed_at_ms)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let unique: HashSet<_> = all.iter().map(|d| d.decision.quote.id()).collect();
    assert_eq!(unique.len(), 30);

    let btc = fixtures::symbol("BTC/USD");
    let query = DecisionQuery {
        symbol: Some(btc.clone()),
        source: Some("kraken".into()),
        outcome: Some(Outcome::Validated),
        since_ms: Some(fixtures::BASE_MS + 5_000),
        until_ms: Some(fixtures::BASE_MS + 25_000),
        ..DecisionQuery::default()
    };
    let got = collect_pages(store, query, 2).await;
    let expected: Vec<u64> = (5..25)
        .filter(|i| i % 3 == 0 && i % 2 == 1 && outcome_for(*i) == Outcome::Validated)
        .rev()
        .collect();
    let got_ids: Vec<_> = got.iter().map(|d| d.decision.quote.id()).collect();
    let want_ids: Vec<_> = expected.iter().map(|i| fixtures::quote(*i).id()).collect();
    assert_eq!(got_ids, want_ids);
    for d in &got {
        assert_eq!(d.decision.quote.symbol, btc);
    }
}

async fn collect_pages(
    store: &dyn Store,
    mut query: DecisionQuery,
    limit: u32,
) -> Vec<crate::StoredDecision> {
    query.limit = limit;
    let mut out = Vec::new();
    for _ in 0..1000 {
        let page = store.list_decisions(&query).await.expect("list");
        assert!(page.items.len() <= limit as usize);
        out.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return out,
        }
    }
    panic!("paging did not end");
}

/// Catch-up sync sees validated decisions only, ascending by seq, resumable by cursor; the ids of a
/// page are the same rows as the page.
pub async fn decisions_after_pages_validated(store: &dyn Store) {
    let batch: Vec<_> = (0..20).map(|i| commit(i, outcome_for(i))).collect();
    store.commit(&batch).await.expect("commit");
    let mut seen = Vec::new();
    let mut cursor = 0;
    loop {
        let page = store.decisions_after(cursor, 4).await.expect("after");
        let ids = store
            .validated_ids_after(cursor, 4)
            .await
            .expect("ids after");
        let rows: Vec<_> = page
            .iter()
            .map(|d| (d.seq, d.decision.quote.id()))
            .collect();
        assert_eq!(ids, rows, "ids of the page after {cursor}");
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 4);
        for d in &page {
            assert!(d.seq > cursor, "ascending seq");
            assert_eq!(d.decision.outcome, Outcome::Validated);
            cursor = d.seq;
        }
        seen.extend(page.into_iter().map(|d| d.decision.quote.id()));
    }
    let want: Vec<_> = (0..20)
        .filter(|i| outcome_for(*i) == Outcome::Validated)
        .map(|i| fixtures::quote(i).id())
        .collect();
    assert_eq!(seen, want);
    let mut ids = store.validated_ids().await.expect("ids");
    ids.sort();
    let mut want_sorted = want;
    want_sorted.sort();
    assert_eq!(ids, want_sorted);
}

/// `validated_among` answers exactly the given ids that are stored as validated: not rejected or
/// expired ones, not unknown ones; an empty question has an empty answer.
pub async fn validated_among_finds_stored_validated(store: &dyn Store) {
    let batch: Vec<_> = (0..20).map(|i| commit(i, outcome_for(i))).collect();
    store.commit(&batch).await.expect("commit");
    let asked: Vec<_> = (0..25).map(|i| fixtures::quote(i).id()).collect();
    let found = store.validated_among(&asked).await.expect("among");
    let want: std::collections::HashSet<_> = (0..20)
        .filter(|i| outcome_for(*i) == Outcome::Validated)
        .map(|i| fixtures::quote(i).id())
        .collect();
    assert!(
        !want.is_empty() && want.len() < 20,
        "the fixture mixes outcomes"
    );
    assert_eq!(found, want);
    assert!(store.validated_among(&[]).await.expect("empty").is_empty());
}

/// The symbol summary shows the latest validated price and the number of sources.
pub async fn symbols_summarise_validated(store: &dyn Store) {
    let batch: Vec<_> = (0..12).map(|i| commit(i, outcome_for(i))).collect();
    store.commit(&batch).await.expect("commit");
    let symbols = store.symbols().await.expect("symbols");
    assert_eq!(symbols.len(), 3);
    for summary in &symbols {
        let validated: Vec<u64> = (0..12)
            .filter(|i| {
                fixtures::quote(*i).symbol == summary.symbol
                    && outcome_for(*i) == Outcome::Validated
            })
            .collect();
        let latest = fixtures::quote(*validated.last().expect("fixture has validated"));
        assert_eq!(summary.last_price, latest.price);
        assert_eq!(summary.last_observed_at_ms, latest.observed_at_ms);
        assert_eq!(summary.validated, validated.len() as u64);
        let sources: HashSet<_> = validated
            .iter()
            .map(|i| fixtures::quote(*i).source)
            .collect();
        assert_eq!(summary.sources as usize, sources.len());
    }
    let names: Vec<_> = symbols
        .iter()
        .map(|s| s.symbol.as_str().to_owned())
        .collect();
    assert_eq!(names, ["BTC/USD", "ETH/USD", "SOL/USD"]);
}

/// Large batches (the bulk path) keep the same semantics, overlapping or not.
pub async fn large_batches_commit_once(store: &dyn Store) {
    let first: Vec<_> = (0..3000).map(|i| commit(i, outcome_for(i))).collect();
    assert_eq!(
        store.commit(&first).await.expect("commit"),
        report(3000, 0, 0)
    );
    // Local commit order (seq) is batch order, also where a backend writes parts of a batch at once.
    let synced: Vec<QuoteId> = store
        .validated_ids_after(0, 5000)
        .await
        .expect("ids")
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let validated: Vec<QuoteId> = first
        .iter()
        .filter(|c| c.decision.outcome == Outcome::Validated)
        .map(|c| c.decision.quote.id())
        .collect();
    assert_eq!(synced, validated);
    let second: Vec<_> = (1500..4500)
        .map(|i| commit(i, outcome_for(i)))
        .chain((0..10).map(|i| commit_salted(i, 9, Outcome::Validated)))
        .collect();
    assert_eq!(
        store.commit(&second).await.expect("commit"),
        report(1510, 0, 1500)
    );
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!(counts.validated + counts.rejected + counts.expired, 4510);
    assert_effects_match(store).await;
    // A large batch of upgrades: every expired decision of the first batch becomes validated.
    let upgrades: Vec<_> = (0..3000)
        .filter(|i| outcome_for(*i) == Outcome::Expired)
        .map(|i| commit(i, Outcome::Validated))
        .collect();
    assert_eq!(upgrades.len(), 600);
    assert_eq!(
        store.commit(&upgrades).await.expect("upgrade"),
        report(0, 600, 0)
    );
    let after = store.decision_counts().await.expect("counts");
    assert_eq!(after.validated, counts.validated + 600);
    assert_eq!(after.expired, counts.expired - 600);
}

/// Certificates committed with their vote batches (kept by reference, each batch once) read back
/// exactly as committed: by id, in lists and in sync pages; over both write paths (small and bulk
/// batches), with a vote batch shared by two commits, beside a certificate kept in full, through
/// an expired → validated upgrade, and idempotently.
pub async fn certificates_by_batch_round_trip(store: &dyn Store) {
    let commits = fixtures::batched_commits(0..700, 5, 64);
    // Quotes 64..128 share their batches across the two commits.
    let (small, bulk) = commits.split_at(100);
    let mut first = small.to_vec();
    first.push(commit_salted(1, 77, Outcome::Validated));
    assert_eq!(
        store.commit(&first).await.expect("commit"),
        report(101, 0, 0)
    );
    // The last quote first expires, then its validated decision (with batches) upgrades it.
    let (last, bulk) = bulk.split_last().expect("non-empty");
    let mut expired = last.clone();
    expired.decision.outcome = Outcome::Expired;
    expired.decision.certificate = None;
    expired.accepts.clear();
    expired.effects = fixtures::effects_for(&expired.decision);
    assert_eq!(
        store.commit(&[expired]).await.expect("commit"),
        report(1, 0, 0)
    );
    let mut second = bulk.to_vec();
    second.push(last.clone());
    assert_eq!(
        store.commit(&second).await.expect("commit"),
        report(599, 1, 0)
    );

    let want = |id| {
        commits
            .iter()
            .find(|c| c.quote_id == id)
            .map(DecisionCommit::stored_decision)
    };
    for c in [&commits[0], &commits[70], &commits[699], &first[100]] {
        let got = store
            .decision(&c.quote_id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(got.decision, c.stored_decision());
    }
    let all = store.decisions_after(0, 1000).await.expect("after");
    assert_eq!(all.len(), 701);
    for stored in &all {
        let id = stored.decision.quote.id();
        let expected = want(id).unwrap_or_else(|| first[100].stored_decision());
        assert_eq!(
            stored.decision.certificate, expected.certificate,
            "quote {id}"
        );
    }
    let page = store
        .list_decisions(&DecisionQuery {
            limit: 50,
            ..DecisionQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(page.items.len(), 50);
    for stored in &page.items {
        let id = stored.decision.quote.id();
        if let Some(expected) = want(id) {
            assert_eq!(stored.decision, expected);
        }
    }
    // Asked without certificates: the same page, every decision without one.
    let bare = store
        .list_decisions(&DecisionQuery {
            limit: 50,
            certificates: false,
            ..DecisionQuery::default()
        })
        .await
        .expect("list without certificates");
    assert_eq!(bare.next, page.next);
    assert_eq!(bare.items.len(), page.items.len());
    for (bare, full) in bare.items.iter().zip(&page.items) {
        let mut expected = full.decision.clone();
        expected.certificate = None;
        assert_eq!((bare.seq, &bare.decision), (full.seq, &expected));
    }
    assert!(page.items.iter().any(|s| s.decision.certificate.is_some()));
    assert_eq!(
        store.commit(&commits).await.expect("recommit"),
        report(0, 0, 700)
    );
    let counts = store.decision_counts().await.expect("counts");
    assert_eq!((counts.validated, counts.expired), (701, 0));
}

/// Lists are exact when observation times are spread from milliseconds to years apart, tie, and
/// arrive out of time order (a backend may search time windows, as PostgreSQL does).
pub async fn lists_are_exact_over_spread_times(store: &dyn Store) {
    const DAY_MS: i64 = 86_400_000;
    let offsets = [
        0,
        1,
        1,
        999,
        1_000,
        3_999,
        4_001,
        60_000,
        3_600_000,
        DAY_MS,
        30 * DAY_MS,
        400 * DAY_MS,
        900 * DAY_MS,
        2_000 * DAY_MS,
    ];
    let n = 56u64;
    let commits: Vec<DecisionCommit> = (0..n)
        .map(|i| {
            let mut quote = fixtures::quote_salted(i, 7);
            let k = usize::try_from(i).unwrap_or(0);
            quote.observed_at_ms = fixtures::BASE_MS - offsets[k % offsets.len()];
            let decision = fixtures::decision(quote, outcome_for(i));
            let effects = fixtures::effects_for(&decision);
            DecisionCommit::new(decision, effects)
        })
        .collect();
    // Committed out of time order, so the newest by seq is not the newest by time.
    let order: Vec<usize> = (0..commits.len())
        .map(|i| (i * 37) % commits.len())
        .collect();
    for chunk in order.chunks(9) {
        let batch: Vec<_> = chunk.iter().map(|&i| commits[i].clone()).collect();
        store.commit(&batch).await.expect("commit");
    }
    let mut stored = Vec::new();
    for c in &commits {
        let d = store.decision(&c.decision.quote.id()).await.expect("read");
        stored.push(d.expect("stored"));
    }
    let t = |days: i64| fixtures::BASE_MS - days * DAY_MS;
    let queries = [
        DecisionQuery::default(),
        DecisionQuery {
            source: Some("kraken".into()),
            ..DecisionQuery::default()
        },
        DecisionQuery {
            outcome: Some(Outcome::Rejected),
            ..DecisionQuery::default()
        },
        DecisionQuery {
            since_ms: Some(t(500)),
            until_ms: Some(t(1) + 1),
            ..DecisionQuery::default()
        },
        DecisionQuery {
            until_ms: Some(fixtures::BASE_MS - 1_000),
            ..DecisionQuery::default()
        },
    ];
    for query in queries {
        let mut want: Vec<&crate::StoredDecision> = stored
            .iter()
            .filter(|d| {
                let q = &d.decision.quote;
                query.source.as_ref().is_none_or(|s| &q.source == s)
                    && query.outcome.is_none_or(|o| d.decision.outcome == o)
                    && query.since_ms.is_none_or(|s| q.observed_at_ms >= s)
                    && query.until_ms.is_none_or(|u| q.observed_at_ms < u)
            })
            .collect();
        want.sort_by_key(|d| std::cmp::Reverse((d.decision.quote.observed_at_ms, d.seq)));
        let want_ids: Vec<QuoteId> = want.iter().map(|d| d.decision.quote.id()).collect();
        assert!(!want_ids.is_empty(), "every query matches something");
        for limit in [1, 4, 50] {
            let got = collect_pages(store, query.clone(), limit).await;
            let got_ids: Vec<QuoteId> = got.iter().map(|d| d.decision.quote.id()).collect();
            assert_eq!(got_ids, want_ids, "{query:?}, pages of {limit}");
        }
    }
}
