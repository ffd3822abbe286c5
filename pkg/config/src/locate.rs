//! Positions of values in the YAML text, by dotted key path (`sources[1].name`), so that rules
//! checked after parsing can point at the line and column of the offending value. Pure.
//!
//! Walks the parser's events once. Values reached only through aliases or merge keys have no
//! path here (their rules are then reported without a position).

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser};

use crate::Position;

/// Dotted path → position of the value (scalar, or first character of a collection).
pub(crate) type PositionMap = HashMap<String, Position>;

/// Where a mapping is between its keys and values. `None` names stand for keys that are not
/// plain scalars (they get no paths).
enum Slot {
    ExpectKey,
    InKey(Option<String>),
    ExpectValue(Option<String>),
    InValue,
}

/// One open collection while walking the events; `path` is `None` where no path can be named.
enum Frame {
    Mapping { path: Option<String>, slot: Slot },
    Sequence { path: Option<String>, next: usize },
}

/// Records where each value of `text` starts. Stops quietly at a syntax error (the
/// deserializer reports those).
pub(crate) fn positions(text: &str) -> PositionMap {
    let mut map = PositionMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        let pos = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        match event {
            Event::Scalar(value, ..) => {
                if let Some(path) = begin_node(&mut stack, Some(&value)) {
                    map.entry(path).or_insert(pos);
                }
                end_node(&mut stack);
            }
            Event::Alias(_) => {
                begin_node(&mut stack, None);
                end_node(&mut stack);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = begin_node(&mut stack, None);
                if let Some(p) = &path {
                    map.entry(p.clone()).or_insert(pos);
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Frame::Mapping {
                        path,
                        slot: Slot::ExpectKey,
                    }
                } else {
                    Frame::Sequence { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                end_node(&mut stack);
            }
            _ => {}
        }
    }
    map
}

/// A node begins: returns its path if it is a value whose path can be named. A node in key
/// position becomes the pending key (`scalar` is its text if it is a scalar).
fn begin_node(stack: &mut [Frame], scalar: Option<&str>) -> Option<String> {
    match stack.last_mut() {
        None => Some(String::new()),
        Some(Frame::Mapping { path, slot }) => match std::mem::replace(slot, Slot::InValue) {
            Slot::ExpectKey => {
                *slot = Slot::InKey(scalar.map(str::to_owned));
                None
            }
            Slot::ExpectValue(key) => match (path.as_deref(), key) {
                (Some(""), Some(k)) => Some(k),
                (Some(p), Some(k)) => Some(format!("{p}.{k}")),
                _ => None,
            },
            // Not reachable with a well-formed event stream; stay without a path.
            Slot::InKey(_) | Slot::InValue => None,
        },
        Some(Frame::Sequence { path, next }) => path.as_ref().map(|p| format!("{p}[{next}]")),
    }
}

/// A node ended: advance the enclosing collection.
fn end_node(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Mapping { slot, .. }) => {
            *slot = match std::mem::replace(slot, Slot::ExpectKey) {
                Slot::InKey(key) => Slot::ExpectValue(key),
                _ => Slot::ExpectKey,
            }
        }
        Some(Frame::Sequence { next, .. }) => *next += 1,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(map: &PositionMap, path: &str) -> (usize, usize) {
        let p = map
            .get(path)
            .unwrap_or_else(|| panic!("no {path} in {map:?}"));
        (p.line, p.column)
    }

    #[test]
    fn finds_nested_keys_and_sequence_items() {
        let text = "\
node:
  network_id: x
consensus:
  bands:
    per_symbol:
      \"BTC/USD\": { same_source_bps: 7 }
sources:
  - name: a
    schedule: '* * * * *'
  - name: b
validators:
  keys: [aa, bb]
";
        let map = positions(text);
        assert_eq!(at(&map, "node.network_id"), (2, 15));
        assert_eq!(
            at(&map, "consensus.bands.per_symbol.BTC/USD.same_source_bps"),
            (6, 37)
        );
        assert_eq!(at(&map, "sources[0].name"), (8, 11));
        assert_eq!(at(&map, "sources[1].name"), (10, 11));
        assert_eq!(at(&map, "sources[1]"), (10, 5));
        assert_eq!(at(&map, "validators.keys[1]"), (12, 14));
    }

    #[test]
    fn complex_keys_and_aliases_do_not_confuse_paths() {
        let text = "\
a: &x { b: 1 }
? [k1, k2]
: { ignored: 1 }
c: *x
d: 2
";
        let map = positions(text);
        assert_eq!(at(&map, "a.b"), (1, 12));
        assert_eq!(at(&map, "d"), (5, 4));
        assert!(!map.contains_key("ignored"));
        assert!(!map.contains_key("c.b"));
    }

    #[test]
    fn stops_at_syntax_errors_without_panicking() {
        let map = positions("a: 1\nb: [\n");
        assert_eq!(at(&map, "a"), (1, 4));
    }
}
