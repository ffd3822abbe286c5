//! `extract_table`: a few columns of every row of a JSON array or object, in one pass over the text
//! and without building values for the rest of the document. Pure, no IO.
//!
//! The rows are found by a dotted path from the root (`""` is the root itself, `"data"`,
//! `"result"`). An array's elements are its rows; an object's entries are its rows, and the column
//! path `@key` names an entry's key. Every other column path is dotted too (`"lastPrice"`, `"c.0"`):
//! each segment is an object key, or an array index in decimal. Values keep their exact text, as in
//! [`parse_json`](super::parse_json): strings unescaped, numbers as written; `null` and missing
//! paths are absent; `true`, `false`, objects and arrays are kept as their raw JSON text. The whole
//! document is checked to be valid JSON (same rules and depth limit as `parse_json`); when a key
//! appears twice in one object the last one wins, as in `parse_json`.

use std::borrow::Cow;
use std::ops::Range;

use super::{JsonError, MAX_DEPTH, Parser};

/// Most columns one table may have.
pub const MAX_COLUMNS: usize = 16;

/// The column path naming an object entry's key.
pub const ROW_KEY: &str = "@key";

/// Text of a cell: a range of the source text, or decoded text when the source had escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// `source[range]`.
    Span(Range<usize>),
    /// Unescaped text.
    Owned(Box<str>),
}

/// One extracted value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Cell {
    /// Missing path or `null`.
    #[default]
    Absent,
    /// A JSON string, unescaped.
    String(Text),
    /// A JSON number, exactly as written.
    Number(Text),
    /// `true`, `false`, an object or an array, as raw JSON text.
    Other(Text),
}

/// The extracted columns, row by row. Text spans refer to the source given to [`extract_table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    columns: usize,
    cells: Vec<Cell>,
    keyed: bool,
}

impl Table {
    /// Whether the rows were an object's entries (rather than an array's elements).
    pub fn keyed(&self) -> bool {
        self.keyed
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.cells.len().checked_div(self.columns).unwrap_or(0)
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// The cell of `row`, `column` (absent when out of range).
    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        static ABSENT: Cell = Cell::Absent;
        if column >= self.columns {
            return &ABSENT;
        }
        self.cells
            .get(row * self.columns + column)
            .unwrap_or(&ABSENT)
    }

    /// The text of a cell, resolved against `source` (the text the table was extracted from).
    pub fn text<'t>(source: &'t str, cell: &'t Cell) -> Option<&'t str> {
        let text = match cell {
            Cell::Absent => return None,
            Cell::String(t) | Cell::Number(t) | Cell::Other(t) => t,
        };
        Some(match text {
            Text::Span(r) => source.get(r.clone()).unwrap_or(""),
            Text::Owned(s) => s,
        })
    }
}

/// One column path: its segments, or the row key.
#[derive(Debug)]
enum Column<'p> {
    Key,
    Path(Vec<&'p str>),
}

/// A column still being looked for: which one, and how many of its segments are matched.
#[derive(Debug, Clone, Copy, Default)]
struct Want {
    column: usize,
    depth: usize,
}

/// Extracts `columns` (paths, see the module docs) of every row under `rows_path` in `text`.
/// At most `max_rows` rows; more is an error.
pub fn extract_table(
    text: &str,
    rows_path: &str,
    columns: &[&str],
    max_rows: usize,
) -> Result<Table, JsonError> {
    let at_start = |message: String| JsonError { offset: 0, message };
    if columns.len() > MAX_COLUMNS {
        return Err(at_start(format!("more than {MAX_COLUMNS} columns")));
    }
    let columns: Vec<Column<'_>> = columns
        .iter()
        .map(|c| {
            if *c == ROW_KEY {
                Column::Key
            } else {
                Column::Path(c.split('.').collect())
            }
        })
        .collect();
    let rows: Vec<&str> = if rows_path.is_empty() {
        Vec::new()
    } else {
        rows_path.split('.').collect()
    };
    let mut x = Extractor::new(text, &rows, columns, max_rows, false);
    x.run()?;
    if !x.found {
        return Err(at_start(format!(
            "no array or object of rows at `{rows_path}`"
        )));
    }
    Ok(Table {
        columns: x.columns.len(),
        cells: x.cells,
        keyed: x.keyed,
    })
}

/// Where the value at the dotted `path` (segments as for columns; `""` is the root) is in `text`,
/// after checking that the whole text is JSON; `None` when the path leads nowhere. With duplicate
/// keys the last one wins, as in `parse_json`.
pub fn find_value(text: &str, path: &str) -> Result<Option<Range<usize>>, JsonError> {
    let segments: Vec<&str> = if path.is_empty() {
        Vec::new()
    } else {
        path.split('.').collect()
    };
    let mut x = Extractor::new(text, &segments, Vec::new(), 0, true);
    x.run()?;
    Ok(x.target)
}

struct Extractor<'a, 'p> {
    p: Parser<'a>,
    columns: Vec<Column<'p>>,
    rows_path: &'p [&'p str],
    max_rows: usize,
    cells: Vec<Cell>,
    found: bool,
    keyed: bool,
    /// Find mode ([`find_value`]): record where the path leads instead of extracting rows.
    find: bool,
    target: Option<Range<usize>>,
}

impl<'a, 'p> Extractor<'a, 'p> {
    fn new(
        text: &'a str,
        rows_path: &'p [&'p str],
        columns: Vec<Column<'p>>,
        max_rows: usize,
        find: bool,
    ) -> Self {
        Self {
            p: Parser {
                bytes: text.as_bytes(),
                text,
                pos: 0,
            },
            columns,
            rows_path,
            max_rows,
            cells: Vec::new(),
            found: false,
            keyed: false,
            find,
            target: None,
        }
    }

    /// Walks the whole document.
    fn run(&mut self) -> Result<(), JsonError> {
        self.p.skip_ws();
        self.navigate(0, 0)?;
        self.p.skip_ws();
        if self.p.pos != self.p.bytes.len() {
            return Err(self
                .p
                .error("expected the end of the document, found more text"));
        }
        Ok(())
    }

    /// At a value `matched` segments down the rows path (`depth` = nesting so far).
    fn navigate(&mut self, matched: usize, depth: usize) -> Result<(), JsonError> {
        let Some(segment) = self.rows_path.get(matched).copied() else {
            if self.find {
                let start = self.p.pos;
                self.skip_value(depth)?;
                self.target = Some(start..self.p.pos);
                return Ok(());
            }
            return self.rows(depth);
        };
        match self.p.peek() {
            Some(b'{') => {
                self.enter(depth)?;
                self.entries(b'}', |x, key, _| {
                    if x.key_is(key.as_ref(), segment) {
                        x.navigate(matched + 1, depth + 1)
                    } else {
                        x.skip_value(depth + 1)
                    }
                })
            }
            Some(b'[') => {
                self.enter(depth)?;
                self.entries(b']', |x, _, index| {
                    if index_matches(segment, index) {
                        x.navigate(matched + 1, depth + 1)
                    } else {
                        x.skip_value(depth + 1)
                    }
                })
            }
            _ => self.skip_value(depth),
        }
    }

    /// At the value holding the rows.
    fn rows(&mut self, depth: usize) -> Result<(), JsonError> {
        let is_object = match self.p.peek() {
            Some(b'{') => true,
            Some(b'[') => false,
            _ => {
                let at = self.p.pos;
                self.skip_value(depth)?;
                return Err(JsonError {
                    offset: at,
                    message: "expected an array or object of rows".to_owned(),
                });
            }
        };
        // A later duplicate of the rows key wins, as in parse_json.
        self.cells.clear();
        self.found = true;
        self.keyed = is_object;
        let mut all = [Want::default(); MAX_COLUMNS];
        let mut n = 0;
        let mut key_columns = [0usize; MAX_COLUMNS];
        let mut k = 0;
        for (i, c) in self.columns.iter().enumerate() {
            match c {
                Column::Key => {
                    key_columns[k] = i;
                    k += 1;
                }
                Column::Path(_) => {
                    all[n] = Want {
                        column: i,
                        depth: 0,
                    };
                    n += 1;
                }
            }
        }
        let width = self.columns.len();
        // Ticker rows are flat objects with every column one key deep: match keys directly.
        let flat_keys: Vec<(&'p [u8], usize)> = all[..n]
            .iter()
            .filter_map(|w| match &self.columns[w.column] {
                Column::Path(p) if p.len() == 1 => Some((p[0].as_bytes(), w.column)),
                _ => None,
            })
            .collect();
        let flat = flat_keys.len() == n;
        self.enter(depth)?;
        let close = if is_object { b'}' } else { b']' };
        self.entries(close, |x, key, _| {
            if x.cells.len() / width.max(1) >= x.max_rows {
                return Err(x.p.error(&format!("more than {} rows", x.max_rows)));
            }
            let row = x.cells.len();
            x.cells.resize(row + width, Cell::Absent);
            if let Some(key) = key {
                for &c in &key_columns[..k] {
                    x.cells[row + c] = Cell::String(key.clone());
                }
            }
            if flat && x.p.peek() == Some(b'{') {
                x.select_flat(depth + 1, &flat_keys, row)
            } else {
                x.select(depth + 1, &all[..n], row)
            }
        })
    }

    /// `select` for an object row whose wanted columns are all one key deep (`wants`: each
    /// column's key and index): each key is compared with the columns' keys (length and first byte
    /// before the bytes), and a value is read only for a key some column wants. Same cells as
    /// `select`.
    fn select_flat(
        &mut self,
        depth: usize,
        wants: &[(&[u8], usize)],
        row: usize,
    ) -> Result<(), JsonError> {
        self.enter(depth)?;
        self.entries(b'}', |x, key, _| {
            let name: &[u8] = match &key {
                Some(Text::Span(r)) => &x.p.bytes[r.clone()],
                Some(Text::Owned(s)) => s.as_bytes(),
                None => b"",
            };
            // Columns may share a path: collect every column this key names.
            let mut hits = 0u32;
            for &(want, column) in wants {
                if want.len() == name.len() && want.first() == name.first() && want == name {
                    hits |= 1 << column;
                }
            }
            if hits == 0 {
                return x.skip_value(depth + 1);
            }
            let start = x.p.pos;
            let cell = match x.p.peek() {
                Some(b'"') => Cell::String(x.string_text()?),
                Some(b'-' | b'0'..=b'9') => {
                    let (begin, _) = x.p.number_span()?;
                    Cell::Number(Text::Span(begin..x.p.pos))
                }
                Some(b'n') => {
                    x.skip_value(depth + 1)?;
                    Cell::Absent
                }
                _ => {
                    x.skip_value(depth + 1)?;
                    Cell::Other(Text::Span(start..x.p.pos))
                }
            };
            while hits != 0 {
                let column = hits.trailing_zeros() as usize;
                hits &= hits - 1;
                x.cells[row + column] = cell.clone();
            }
            Ok(())
        })
    }

    /// At a value inside row `row` (index of its first cell); `wants` are the columns to look for.
    fn select(&mut self, depth: usize, wants: &[Want], row: usize) -> Result<(), JsonError> {
        let start = self.p.pos;
        let mut terminal = [0usize; MAX_COLUMNS];
        let mut t = 0;
        let mut deeper = [Want::default(); MAX_COLUMNS];
        let mut d = 0;
        for w in wants {
            if self.path(w.column).len() == w.depth {
                terminal[t] = w.column;
                t += 1;
            } else {
                deeper[d] = *w;
                d += 1;
            }
        }
        let deeper = &deeper[..d];
        let cell = match self.p.peek() {
            Some(b'"') if t > 0 => {
                let text = self.string_text()?;
                Cell::String(text)
            }
            Some(b'-' | b'0'..=b'9') if t > 0 => {
                let (begin, _) = self.p.number_span()?;
                Cell::Number(Text::Span(begin..self.p.pos))
            }
            Some(b'n') if t > 0 => {
                self.skip_value(depth)?;
                Cell::Absent
            }
            Some(b'{') if d > 0 => {
                self.enter(depth)?;
                self.entries(b'}', |x, key, _| {
                    let name = match &key {
                        Some(Text::Span(r)) => &x.p.text[r.clone()],
                        _ => return x.select_key(depth + 1, deeper, row, key.as_ref()),
                    };
                    let mut next = [Want::default(); MAX_COLUMNS];
                    let mut m = 0;
                    for w in deeper {
                        if x.path(w.column)[w.depth] == name {
                            next[m] = Want {
                                column: w.column,
                                depth: w.depth + 1,
                            };
                            m += 1;
                        }
                    }
                    if m == 0 {
                        x.skip_value(depth + 1)
                    } else {
                        x.select(depth + 1, &next[..m], row)
                    }
                })?;
                Cell::Other(Text::Span(start..self.p.pos))
            }
            Some(b'[') if d > 0 => {
                self.enter(depth)?;
                self.entries(b']', |x, _, index| {
                    let mut next = [Want::default(); MAX_COLUMNS];
                    let mut m = 0;
                    for w in deeper {
                        if index_matches(x.path(w.column)[w.depth], index) {
                            next[m] = Want {
                                column: w.column,
                                depth: w.depth + 1,
                            };
                            m += 1;
                        }
                    }
                    if m == 0 {
                        x.skip_value(depth + 1)
                    } else {
                        x.select(depth + 1, &next[..m], row)
                    }
                })?;
                Cell::Other(Text::Span(start..self.p.pos))
            }
            _ => {
                self.skip_value(depth)?;
                Cell::Other(Text::Span(start..self.p.pos))
            }
        };
        if let Some((&last, rest)) = terminal[..t].split_last() {
            for &c in rest {
                self.cells[row + c] = cell.clone();
            }
            self.cells[row + last] = cell;
        }
        Ok(())
    }

    /// `select` for an entry whose key had escapes (rare): compares the decoded key.
    fn select_key(
        &mut self,
        depth: usize,
        deeper: &[Want],
        row: usize,
        key: Option<&Text>,
    ) -> Result<(), JsonError> {
        let name: &str = match key {
            Some(Text::Owned(s)) => s,
            Some(Text::Span(r)) => &self.p.text[r.clone()],
            None => "",
        };
        let mut next = [Want::default(); MAX_COLUMNS];
        let mut m = 0;
        for w in deeper {
            if self.path(w.column)[w.depth] == name {
                next[m] = Want {
                    column: w.column,
                    depth: w.depth + 1,
                };
                m += 1;
            }
        }
        if m == 0 {
            self.skip_value(depth)
        } else {
            self.select(depth, &next[..m], row)
        }
    }

    /// Whether an object key (decoded) is `name`.
    fn key_is(&self, key: Option<&Text>, name: &str) -> bool {
        match key {
            Some(Text::Span(r)) => &self.p.text[r.clone()] == name,
            Some(Text::Owned(s)) => &**s == name,
            None => false,
        }
    }

    fn path(&self, column: usize) -> &[&str] {
        match &self.columns[column] {
            Column::Path(p) => p,
            Column::Key => &[],
        }
    }

    /// Checks the nesting limit for a container about to be entered at `depth`.
    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth + 1 > MAX_DEPTH {
            return Err(self.p.error(&format!("nesting deeper than {MAX_DEPTH}")));
        }
        Ok(())
    }

    /// Walks the entries of the object or array at the cursor (opening bracket), calling `each`
    /// at every value with the entry's key (objects) and index. `each` must consume the value.
    fn entries(
        &mut self,
        close: u8,
        mut each: impl FnMut(&mut Self, Option<Text>, usize) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        let is_object = close == b'}';
        self.p.pos += 1;
        self.p.skip_ws();
        if self.p.peek() == Some(close) {
            self.p.pos += 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            self.p.skip_ws();
            let key = if is_object {
                if self.p.peek() != Some(b'"') {
                    return Err(self.p.error("expected a string key"));
                }
                let key = self.string_text()?;
                self.p.skip_ws();
                if self.p.peek() != Some(b':') {
                    return Err(self.p.error("expected `:` after an object key"));
                }
                self.p.pos += 1;
                self.p.skip_ws();
                Some(key)
            } else {
                None
            };
            if self.p.peek().is_none() {
                return Err(self.p.error("expected a value, found the end of the text"));
            }
            each(self, key, index)?;
            index += 1;
            self.p.skip_ws();
            match self.p.peek() {
                Some(b',') => self.p.pos += 1,
                Some(b) if b == close => {
                    self.p.pos += 1;
                    return Ok(());
                }
                _ if is_object => return Err(self.p.error("expected `,` or `}` in an object")),
                _ => return Err(self.p.error("expected `,` or `]` in an array")),
            }
        }
    }

    /// A string at the cursor as a span (no escapes) or decoded text.
    fn string_text(&mut self) -> Result<Text, JsonError> {
        let start = self.p.pos + 1;
        Ok(match self.p.text_of_string()? {
            Cow::Borrowed(s) => Text::Span(start..start + s.len()),
            Cow::Owned(s) => Text::Owned(s.into_boxed_str()),
        })
    }

    /// Checks and skips the value at the cursor.
    fn skip_value(&mut self, depth: usize) -> Result<(), JsonError> {
        match self.p.peek() {
            Some(b'{') => {
                self.enter(depth)?;
                self.entries(b'}', |x, _, _| x.skip_value(depth + 1))
            }
            Some(b'[') => {
                self.enter(depth)?;
                self.entries(b']', |x, _, _| x.skip_value(depth + 1))
            }
            Some(b'"') => self.p.text_of_string().map(drop),
            Some(b'-' | b'0'..=b'9') => self.p.number_span().map(drop),
            Some(b't') => self.word("true"),
            Some(b'f') => self.word("false"),
            Some(b'n') => self.word("null"),
            Some(_) => Err(self
                .p
                .error("expected a value (object, array, string, number, true, false, null)")),
            None => Err(self.p.error("expected a value, found the end of the text")),
        }
    }

    fn word(&mut self, word: &str) -> Result<(), JsonError> {
        if self.p.bytes[self.p.pos..].starts_with(word.as_bytes()) {
            self.p.pos += word.len();
            Ok(())
        } else {
            Err(self.p.error(&format!("expected `{word}`")))
        }
    }
}

/// Whether path segment `segment` names array index `index` (plain decimal, no sign or padding).
fn index_matches(segment: &str, index: usize) -> bool {
    segment.parse::<usize>().is_ok_and(|i| i == index)
        && (segment == "0" || !segment.starts_with('0'))
}

#[cfg(test)]
mod tests;
