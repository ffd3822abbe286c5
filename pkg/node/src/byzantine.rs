//! Deliberate misbehaviour for devnet demos and tests (`network.byzantine` in the config, set by
//! `mdnode devnet --byzantine K`). Off by default; an honest node never constructs an active one.
//! Each behaviour is one the honest nodes must survive: manipulated proposals, votes against the
//! truth, equivocation (two different votes on one quote) and replayed old vote batches.

use rust_decimal::Decimal;

use mdn_protocol::{Quote, RejectReason, Verdict};

/// Which lies this node tells.
#[derive(Debug, Clone, Default)]
pub struct Byzantine {
    /// Multiply proposed prices (and bid/ask) by `1 + pct/100`.
    pub propose_offset_pct: Option<Decimal>,
    /// Vote Reject on what it would accept and Accept on what it would reject.
    pub vote_against: bool,
    /// Also sign and gossip a second, opposite vote on every quote.
    pub equivocate: bool,
    /// Re-gossip old vote batches.
    pub replay: bool,
}

impl Byzantine {
    /// Whether any behaviour is on.
    pub fn is_active(&self) -> bool {
        self.propose_offset_pct.is_some() || self.vote_against || self.equivocate || self.replay
    }

    /// Manipulates a proposal in place.
    pub fn tamper_proposal(&self, quote: &mut Quote) {
        let Some(pct) = self.propose_offset_pct else {
            return;
        };
        let factor = Decimal::ONE + pct / Decimal::ONE_HUNDRED;
        quote.price = scaled(quote.price, factor);
        quote.bid = quote.bid.map(|v| scaled(v, factor));
        quote.ask = quote.ask.map(|v| scaled(v, factor));
    }

    /// The verdict this node casts instead of its honest one.
    pub fn tamper_verdict(&self, honest: Verdict) -> Verdict {
        if self.vote_against {
            opposite(honest)
        } else {
            honest
        }
    }
}

fn scaled(v: Decimal, factor: Decimal) -> Decimal {
    (v * factor).round_dp(8).normalize()
}

/// Accept ↔ Reject(OutOfBand); Abstain stays.
pub fn opposite(v: Verdict) -> Verdict {
    match v {
        Verdict::Accept => Verdict::Reject(RejectReason::OutOfBand),
        Verdict::Reject(_) => Verdict::Accept,
        Verdict::Abstain => Verdict::Abstain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honest_node_changes_nothing() {
        let b = Byzantine::default();
        assert!(!b.is_active());
        assert_eq!(b.tamper_verdict(Verdict::Accept), Verdict::Accept);
    }

    #[test]
    fn vote_against_flips_accept_and_reject() {
        let b = Byzantine {
            vote_against: true,
            ..Default::default()
        };
        assert_eq!(
            b.tamper_verdict(Verdict::Accept),
            Verdict::Reject(RejectReason::OutOfBand)
        );
        assert_eq!(
            b.tamper_verdict(Verdict::Reject(RejectReason::Stale)),
            Verdict::Accept
        );
        assert_eq!(b.tamper_verdict(Verdict::Abstain), Verdict::Abstain);
    }
}
