//! How this node votes on a peer's quote (ARCHITECTURE.md §2 "Voter").
//!
//! Order of the rules in [`Policy::judge`]: malformed → `Reject(Malformed)`; older than
//! `max_quote_age_ms` → `Reject(Stale)`; ahead of `now` by more than `max_clock_skew_ms` →
//! `Reject(Future)`; then the price is compared with this node's own observations near the quote's
//! `observed_at`: the nearest observation of the same source with the tight band, else the median
//! of other sources with the wide band (outside → `Reject(OutOfBand)`); with no reference,
//! [`Judgement::Wait`] if one may still come, else `Abstain`. Duplicates are found separately by
//! [`DuplicateIndex`].

mod band;
mod book;
mod config;
mod duplicate;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

use mdn_protocol::{Quote, RejectReason, Verdict};

pub use book::{BookError, BookLimits, Observation, ObservationBook};
pub use config::{Bands, MAX_BAND_BPS, PolicyConfig, PolicyConfigError};
pub use duplicate::{DuplicateCheck, DuplicateIndex};

use band::within_band;

/// The policy's answer for one quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Judgement {
    /// Vote now.
    Vote(Verdict),
    /// No own reference yet, but one may come: judge again after recording new own observations
    /// (or on a tick; past `max_wait_ms` the answer becomes `Abstain`).
    Wait,
}

/// A validated [`PolicyConfig`], ready to judge quotes.
#[derive(Debug, Clone)]
pub struct Policy {
    config: PolicyConfig,
}

impl Policy {
    /// Validates `config`.
    pub fn new(config: PolicyConfig) -> Result<Self, PolicyConfigError> {
        config.validate()?;
        Ok(Self { config })
    }

    /// The settings.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// Judges `quote` at `now_ms` against this node's own observations in `book`.
    pub fn judge(&self, quote: &Quote, now_ms: i64, book: &ObservationBook) -> Judgement {
        let cfg = &self.config;
        if quote.check_well_formed().is_err() {
            return reject(RejectReason::Malformed);
        }
        let age = i128::from(now_ms) - i128::from(quote.observed_at_ms);
        if age > i128::from(cfg.max_quote_age_ms) {
            return reject(RejectReason::Stale);
        }
        if -age > i128::from(cfg.max_clock_skew_ms) {
            return reject(RejectReason::Future);
        }
        let bands = cfg.bands(&quote.symbol);
        let (at, window) = (quote.observed_at_ms, cfg.reference_window_ms);
        let reference = book
            .nearest(&quote.symbol, &quote.source, at, window)
            .map(|own| (own.price, bands.same_source_bps))
            .or_else(|| {
                book.median_of_others(&quote.symbol, &quote.source, at, window)
                    .map(|median| (median, bands.cross_source_bps))
            });
        if let Some((reference, bps)) = reference {
            return if within_band(quote.price, reference, bps) {
                Judgement::Vote(Verdict::Accept)
            } else {
                reject(RejectReason::OutOfBand)
            };
        }
        let may_come = match book.latest(&quote.symbol) {
            Some(latest) => quote.observed_at_ms > latest,
            None => book.is_expected(&quote.symbol),
        };
        if may_come && age <= i128::from(cfg.max_wait_ms) {
            Judgement::Wait
        } else {
            Judgement::Vote(Verdict::Abstain)
        }
    }
}

fn reject(reason: RejectReason) -> Judgement {
    Judgement::Vote(Verdict::Reject(reason))
}
