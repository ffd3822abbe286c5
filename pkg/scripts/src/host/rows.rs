//! The bulk path for ticker lists: `json_rows(text, rows_path, columns)` extracts the quote columns
//! of every row in one pass (see [`crate::json::table`]) into an opaque `Rows` value, `rows.names()`
//! lists the venue's names, and `emit_all(rows, symbols)` emits every row whose name the script
//! mapped to a symbol, with the same rules as `emit`.

use std::sync::Arc;

use rhai::{Array, Dynamic, ImmutableString, Map};

use super::{HostContext, HostResult, now_ms, pair_with_quote};
use crate::json::table::{Cell, ROW_KEY, Table, extract_table};
use crate::validate::EmittedQuote;

/// The column fields, in table order.
const FIELDS: [&str; 6] = ["name", "price", "bid", "ask", "volume", "observed_at"];
const NAME: usize = 0;
const PRICE: usize = 1;
const BID: usize = 2;
const ASK: usize = 3;
const VOLUME: usize = 4;
const OBSERVED_AT: usize = 5;

/// Rows extracted by `json_rows`, shared cheaply when Rhai copies the value.
#[derive(Debug, Clone)]
pub(crate) struct Rows(Arc<RowsInner>);

#[derive(Debug)]
struct RowsInner {
    source: ImmutableString,
    table: Table,
    /// Table column of each of [`FIELDS`], when given.
    columns: [Option<usize>; 6],
    /// Milliseconds per unit of `observed_at`.
    time_scale: i64,
}

impl Rows {
    /// Extracts the rows; `spec` maps fields to paths, plus `time_unit`.
    pub(crate) fn extract(
        source: ImmutableString,
        rows_path: &str,
        spec: &Map,
        max_rows: usize,
    ) -> HostResult<Self> {
        let mut columns = [None; 6];
        let mut paths: Vec<ImmutableString> = Vec::with_capacity(FIELDS.len());
        let mut time_scale = 1;
        for (key, value) in spec {
            let text = value
                .clone()
                .into_immutable_string()
                .map_err(|t| format!("json_rows: `{key}` must be a string, got {t}"))?;
            if key.as_str() == "time_unit" {
                time_scale = match text.as_str() {
                    "ms" => 1,
                    "s" => 1_000,
                    other => {
                        return Err(format!(
                            "json_rows: time_unit must be \"ms\" or \"s\", got {other:?}"
                        )
                        .into());
                    }
                };
                continue;
            }
            let Some(field) = FIELDS.iter().position(|f| *f == key.as_str()) else {
                return Err(format!(
                    "json_rows: unknown column `{key}` (expected name, price, bid, ask, volume, observed_at, time_unit)"
                )
                .into());
            };
            columns[field] = Some(paths.len());
            paths.push(text);
        }
        if columns[NAME].is_none() || columns[PRICE].is_none() {
            return Err("json_rows: the columns need at least `name` and `price`".into());
        }
        let paths: Vec<&str> = paths.iter().map(ImmutableString::as_str).collect();
        let table = extract_table(&source, rows_path, &paths, max_rows)
            .map_err(|e| format!("json_rows: {e}"))?;
        let keyed = paths[columns[NAME].unwrap_or(0)] == ROW_KEY;
        if table.keyed() != keyed {
            let (want, got) = if keyed {
                (
                    "an object of rows keyed by name (name: \"@key\")",
                    "an array",
                )
            } else {
                (
                    "an array of rows",
                    "an object (use name: \"@key\" for rows keyed by name)",
                )
            };
            return Err(format!("json_rows: expected {want} at `{rows_path}`, found {got}").into());
        }
        Ok(Self(Arc::new(RowsInner {
            source,
            table,
            columns,
            time_scale,
        })))
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.0.table.rows()
    }

    fn cell(&self, row: usize, field: usize) -> Option<&Cell> {
        self.0.columns[field].map(|c| self.0.table.cell(row, c))
    }

    fn text<'s>(&'s self, cell: &'s Cell) -> Option<&'s str> {
        Table::text(&self.0.source, cell)
    }

    /// The row's name, when it is a string.
    fn name(&self, row: usize) -> Option<&str> {
        match self.cell(row, NAME)? {
            cell @ Cell::String(_) => self.text(cell),
            _ => None,
        }
    }

    /// The names of all rows that have a string name, in order.
    pub(crate) fn names(&self) -> Array {
        (0..self.len())
            .filter_map(|r| self.name(r))
            .map(|n| Dynamic::from(ImmutableString::from(n)))
            .collect()
    }

    /// A decimal column as exact text: strings and numbers; absent is `None`.
    fn decimal(&self, row: usize, field: usize, name: &str) -> HostResult<Option<String>> {
        match self.cell(row, field) {
            None | Some(Cell::Absent) => Ok(None),
            Some(cell @ (Cell::String(_) | Cell::Number(_))) => {
                Ok(self.text(cell).map(str::to_owned))
            }
            Some(cell) => Err(format!(
                "emit_all: {name}: {} must be a decimal string or number, got {}",
                FIELDS[field],
                self.text(cell).unwrap_or("")
            )
            .into()),
        }
    }

    /// `observed_at` in ms: an integer number or string, scaled by `time_unit`; absent is `now`.
    fn observed_at(&self, row: usize, name: &str, now: i64) -> HostResult<i64> {
        let cell = match self.cell(row, OBSERVED_AT) {
            None | Some(Cell::Absent) => return Ok(now),
            Some(cell) => cell,
        };
        let text = self.text(cell).unwrap_or("");
        let value = match cell {
            Cell::String(_) | Cell::Number(_) => text.parse::<i64>().ok(),
            _ => None,
        };
        value
            .and_then(|v| v.checked_mul(self.0.time_scale))
            .ok_or_else(|| {
                format!("emit_all: {name}: observed_at must be an integer time, got {text}").into()
            })
    }
}

/// How `emit_all` finds the symbol of a row from its venue name.
pub(crate) enum SymbolOf<'a> {
    /// The name already is `"BASE/QUOTE"`.
    Name,
    /// A map from venue name to `"BASE/QUOTE"` (or `()` to skip the row).
    Map(&'a Map),
    /// Quote currencies tried as suffixes of the name, in order, as `split_pair` does.
    Suffixes(Vec<ImmutableString>),
}

impl SymbolOf<'_> {
    /// Quote currencies for [`SymbolOf::Suffixes`]: every item must be a string.
    pub(crate) fn suffixes(quotes: &Array) -> HostResult<SymbolOf<'static>> {
        quotes
            .iter()
            .map(|q| {
                q.clone().into_immutable_string().map_err(|t| {
                    format!("emit_all: quote currencies must be strings, got {t}").into()
                })
            })
            .collect::<HostResult<Vec<_>>>()
            .map(SymbolOf::Suffixes)
    }

    /// The symbol of the row named `name`; `None` skips the row.
    fn of(&self, name: &str) -> HostResult<Option<String>> {
        match self {
            SymbolOf::Name => Ok(Some(name.to_owned())),
            SymbolOf::Map(map) => match map.get(name) {
                None => Ok(None),
                Some(v) if v.is_unit() => Ok(None),
                Some(v) => match v.clone().into_immutable_string() {
                    Ok(s) => Ok(Some(s.to_string())),
                    Err(t) => Err(format!(
                        "emit_all: the symbol of {name} must be a string \"BASE/QUOTE\" or (), got {t}"
                    )
                    .into()),
                },
            },
            SymbolOf::Suffixes(quotes) => Ok(quotes.iter().find_map(|q| pair_with_quote(name, q.as_str()))),
        }
    }
}

impl HostContext {
    /// Emits every row of `rows` that `symbols` gives a symbol. Returns how many were emitted.
    pub(crate) fn emit_all(&self, rows: &Rows, symbols: &SymbolOf<'_>) -> HostResult<i64> {
        let now = now_ms();
        let mut state = self.state();
        let evidence_hash = state.evidence;
        let mut emitted = 0;
        for row in 0..rows.len() {
            let Some(name) = rows.name(row) else { continue };
            let Some(symbol) = symbols.of(name)? else {
                continue;
            };
            let price = rows
                .decimal(row, PRICE, name)?
                .ok_or_else(|| format!("emit_all: {name}: the row has no price"))?;
            let item = EmittedQuote {
                symbol,
                price,
                bid: rows.decimal(row, BID, name)?,
                ask: rows.decimal(row, ASK, name)?,
                volume: rows.decimal(row, VOLUME, name)?,
                observed_at_ms: rows.observed_at(row, name, now)?,
                evidence_hash,
            };
            if state.emitted.len() >= self.limits.max_quotes {
                return Err(format!(
                    "emit_all: more than {} quotes in one run",
                    self.limits.max_quotes
                )
                .into());
            }
            state.emitted.push(item);
            emitted += 1;
        }
        Ok(emitted)
    }
}
