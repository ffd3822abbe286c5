//! The tally actor with four validators (threshold 3): three accept votes validate a proposed quote
//! and its commit carries a certificate of exactly those three; the fourth vote, arriving after the
//! decision, reaches the reputation actor as a late vote and changes nothing else.

mod support;

use std::sync::{Arc, Mutex};

use actix::prelude::*;
use mdn_consensus::Tally;
use mdn_node::events::Telemetry;
use mdn_node::messages::{CommitDecisions, Proposed, VerifiedVotes};
use mdn_node::reputation::ReputationInput;
use mdn_node::tally::TallyActor;
use mdn_protocol::{
    Hash32, Outcome, PublicKey, Quorum, Quote, SigningKey, Symbol, ValidatorSet, Verdict, Vote,
    signing_key_from_seed,
};
use mdn_store_sqlite::SqliteStore;
use rust_decimal::Decimal;

/// Collects what an actor is sent.
struct Collect<M: Message<Result = ()> + Send + 'static>(Arc<Mutex<Vec<M>>>);

impl<M: Message<Result = ()> + Send + Unpin + 'static> Actor for Collect<M> {
    type Context = Context<Self>;
}

impl<M: Message<Result = ()> + Send + Unpin + 'static> Handler<M> for Collect<M> {
    type Result = ();

    fn handle(&mut self, msg: M, _ctx: &mut Self::Context) {
        self.0.lock().expect("lock").push(msg);
    }
}

fn key(i: u8) -> SigningKey {
    signing_key_from_seed([i + 1; 32])
}

fn quote(proposer: &SigningKey, now_ms: i64) -> Quote {
    Quote {
        symbol: Symbol::parse("BTC/USD").expect("symbol"),
        source: "kraken".to_owned(),
        price: Decimal::new(6_512_345, 2),
        bid: None,
        ask: None,
        volume: None,
        observed_at_ms: now_ms,
        script_hash: Hash32([7; 32]),
        evidence_hash: Hash32([8; 32]),
        proposer: PublicKey::from(proposer),
    }
}

fn accept(voter: &SigningKey, quote_id: Hash32) -> VerifiedVotes {
    let vote = Vote {
        quote_id,
        verdict: Verdict::Accept,
    };
    VerifiedVotes::build("devnet".to_owned(), 1, 0, vec![vote], voter).expect("signed batch")
}

#[test]
fn a_vote_after_the_decision_is_a_late_vote_and_not_part_of_the_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("node.db");
    actix::System::new().block_on(async move {
        let store = SqliteStore::open(&path).await.expect("open");
        let keys: Vec<SigningKey> = (0..4).map(key).collect();
        let validators: Vec<PublicKey> = keys.iter().map(PublicKey::from).collect();
        let tally = Tally::new(3, validators.clone(), 60_000, 1_000).expect("tally");

        let commits = Arc::new(Mutex::new(Vec::<CommitDecisions>::new()));
        let writer = Collect(commits.clone()).start();
        let inputs = Arc::new(Mutex::new(Vec::<ReputationInput>::new()));
        let reputation = Collect(inputs.clone()).start();
        let actor = TallyActor::new(
            tally,
            writer.recipient(),
            Arc::new(store),
            Telemetry::new(),
        )
        .with_reputation(reputation.recipient())
        .start();

        let now = mdn_node::clock::now_ms();
        let q = quote(&keys[0], now);
        let id = q.id();
        actor
            .send(Proposed {
                quotes: vec![(id, q)],
                proposed_at_ms: now,
            })
            .await
            .expect("proposed");
        for voter in &keys[..3] {
            actor.send(accept(voter, id)).await.expect("vote");
        }
        support::until("the validated commit", || !commits.lock().expect("lock").is_empty()).await;
        actor.send(accept(&keys[3], id)).await.expect("late vote");
        let late = || {
            inputs.lock().expect("lock").iter().any(|i| {
                matches!(i, ReputationInput::LateVotes(v) if v.contains(&(id, validators[3], Verdict::Accept)))
            })
        };
        support::until("the late vote to reach reputation", late).await;

        let commits = commits.lock().expect("lock");
        let items: Vec<_> = commits.iter().flat_map(|c| c.items.iter()).collect();
        assert_eq!(items.len(), 1, "one decision committed");
        let commit = &items[0].commit;
        assert_eq!(commit.decision.outcome, Outcome::Validated);
        // Committed by reference: the three accept votes, in voter order, as a certificate that
        // verifies.
        assert_eq!(commit.accepts.len(), 3);
        let certificate = commit.certificate().expect("certificate");
        let set = ValidatorSet::new(validators.clone(), Quorum::default()).expect("set");
        certificate
            .verify(&commit.decision.quote, &set, "devnet")
            .expect("the certificate verifies");
        let mut signers: Vec<PublicKey> =
            certificate.entries.iter().map(|e| e.header.voter).collect();
        signers.sort();
        let mut first_three = validators[..3].to_vec();
        first_three.sort();
        assert_eq!(signers, first_three, "the certificate holds the three deciding votes");
        let decided: Vec<_> = inputs
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|i| match i {
                ReputationInput::Decided(d) => Some(d.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(decided.len(), 1);
        assert_eq!(decided[0].votes.len(), 3, "the late vote is not among the counted ones");
    });
}
