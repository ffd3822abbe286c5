//! The live stream's subscription filter (`?symbols=BTC/USD,ETH/USD`): pure, no IO.

use std::collections::HashSet;

use mdn_protocol::Symbol;

use crate::events::NodeEvent;

/// Which events a stream client wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SymbolFilter {
    /// `None`: every event.
    symbols: Option<HashSet<Symbol>>,
}

impl SymbolFilter {
    /// Parses the `symbols` parameter: comma-separated `BASE/QUOTE`; absent means every symbol.
    pub(crate) fn parse(param: Option<&str>) -> Result<Self, String> {
        let Some(list) = param else {
            return Ok(Self::default());
        };
        let symbols = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Symbol::parse(s).map_err(|e| format!("invalid symbol {s:?}: {e}")))
            .collect::<Result<HashSet<_>, _>>()?;
        if symbols.is_empty() {
            return Err("symbols is empty: expected BASE/QUOTE[,BASE/QUOTE...]".into());
        }
        Ok(Self {
            symbols: Some(symbols),
        })
    }

    /// Whether the client gets `event`: events about no symbol (peers) always pass.
    pub(crate) fn admits(&self, event: &NodeEvent) -> bool {
        match (&self.symbols, event.symbol()) {
            (Some(wanted), Some(symbol)) => wanted.contains(symbol),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use mdn_protocol::{Hash32, Outcome};
    use proptest::prelude::*;

    use super::*;
    use crate::events::QuoteEvent;

    fn quote(symbol: &str) -> NodeEvent {
        NodeEvent::quote(
            Outcome::Validated,
            QuoteEvent {
                id: Hash32([1; 32]),
                symbol: Symbol::parse(symbol).unwrap(),
                source: "s".into(),
                price: "1".into(),
                observed_at: String::new(),
                latency_ms: 0,
            },
        )
    }

    #[test]
    fn filters_quotes_by_symbol_and_passes_peer_events() {
        let f = SymbolFilter::parse(Some("BTC/USD, ETH/USD")).unwrap();
        assert!(f.admits(&quote("BTC/USD")));
        assert!(f.admits(&quote("ETH/USD")));
        assert!(!f.admits(&quote("SOL/USD")));
        assert!(f.admits(&NodeEvent::peer(true, "p".into())));
        let all = SymbolFilter::parse(None).unwrap();
        assert!(all.admits(&quote("SOL/USD")));
    }

    #[test]
    fn bad_lists_are_refused_with_the_culprit() {
        let err = SymbolFilter::parse(Some("BTC/USD,nonsense")).unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
        assert!(SymbolFilter::parse(Some("")).is_err());
        assert!(SymbolFilter::parse(Some(",,")).is_err());
    }

    proptest! {
        #[test]
        fn a_listed_symbol_always_passes_and_others_never(
            bases in proptest::collection::vec("[A-Z]{2,5}", 1..5),
            other in "[A-Z]{6}",
        ) {
            let list: Vec<String> = bases.iter().map(|b| format!("{b}/USD")).collect();
            let f = SymbolFilter::parse(Some(&list.join(","))).unwrap();
            for s in &list {
                prop_assert!(f.admits(&quote(s)));
            }
            let other_symbol = format!("{other}/USD");
            prop_assert!(!f.admits(&quote(&other_symbol)));
        }
    }
}
