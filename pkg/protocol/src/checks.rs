//! Pure well-formedness rules: what makes a quote well-formed and a decision consistent. Time
//! windows and price bands are voting policy and live elsewhere.

use rust_decimal::Decimal;

use crate::encoding::MAX_SOURCE_LEN;
use crate::types::{Decision, Outcome, QuoteId};

/// Why a quote is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    /// The source name is not `[a-z0-9_-]{1,64}`.
    #[error("invalid source {0:?}: expected 1-64 characters from a-z, 0-9, '_' and '-'")]
    BadSource(String),
    /// The price is zero or negative.
    #[error("invalid price {0}: expected a positive number")]
    NonPositivePrice(Decimal),
    /// Bid, ask or volume is negative.
    #[error("invalid {field} {value}: expected zero or more")]
    Negative {
        /// `bid`, `ask` or `volume`.
        field: &'static str,
        /// The value.
        value: Decimal,
    },
    /// The bid is above the ask.
    #[error("bid {bid} above ask {ask}: expected bid <= ask")]
    CrossedBook {
        /// The bid.
        bid: Decimal,
        /// The ask.
        ask: Decimal,
    },
    /// The observation time is zero or negative.
    #[error("invalid observed_at_ms {0}: expected milliseconds after the Unix epoch (> 0)")]
    BadTimestamp(i64),
}

/// Whether `s` is a valid source name: `[a-z0-9_-]{1,64}`.
pub fn is_valid_source(s: &str) -> bool {
    (1..=MAX_SOURCE_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl crate::types::Quote {
    /// Checks the protocol's rules for a quote: source `[a-z0-9_-]{1,64}`, price > 0, bid, ask and
    /// volume >= 0, bid <= ask when both are present, `observed_at_ms > 0`. (The symbol is valid by
    /// construction.)
    pub fn check_well_formed(&self) -> Result<(), QuoteError> {
        if !is_valid_source(&self.source) {
            return Err(QuoteError::BadSource(self.source.clone()));
        }
        if self.price <= Decimal::ZERO {
            return Err(QuoteError::NonPositivePrice(self.price));
        }
        for (field, value) in [
            ("bid", self.bid),
            ("ask", self.ask),
            ("volume", self.volume),
        ] {
            if let Some(value) = value.filter(|v| v.is_sign_negative() && !v.is_zero()) {
                return Err(QuoteError::Negative { field, value });
            }
        }
        if let (Some(bid), Some(ask)) = (self.bid, self.ask)
            && bid > ask
        {
            return Err(QuoteError::CrossedBook { bid, ask });
        }
        if self.observed_at_ms <= 0 {
            return Err(QuoteError::BadTimestamp(self.observed_at_ms));
        }
        Ok(())
    }
}

/// Why a decision is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// A validated decision has no certificate.
    #[error("decision is Validated but has no certificate: expected one")]
    MissingCertificate,
    /// A rejected or expired decision carries a certificate.
    #[error("decision is {0:?} but carries a certificate: expected none")]
    UnexpectedCertificate(Outcome),
    /// The certificate is for another quote.
    #[error("certificate is for quote {certificate}, expected the decided quote {quote}")]
    WrongQuote {
        /// `certificate.quote_id`.
        certificate: QuoteId,
        /// The decided quote's id.
        quote: QuoteId,
    },
}

impl Decision {
    /// Checks that a certificate is present exactly when the outcome is `Validated`, and that it is
    /// for the decided quote. (It does not verify the certificate's signatures.)
    pub fn check_consistent(&self) -> Result<(), DecisionError> {
        match (&self.outcome, &self.certificate) {
            (Outcome::Validated, None) => Err(DecisionError::MissingCertificate),
            (Outcome::Validated, Some(c)) => {
                let quote = self.quote.id();
                if c.quote_id == quote {
                    Ok(())
                } else {
                    Err(DecisionError::WrongQuote {
                        certificate: c.quote_id,
                        quote,
                    })
                }
            }
            (other, Some(_)) => Err(DecisionError::UnexpectedCertificate(*other)),
            (_, None) => Ok(()),
        }
    }
}
