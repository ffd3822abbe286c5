//! The SQL of decision lists, newest first: a list's filter, optionally bounded below by a time
//! window (`reads::list` walks the windows of [`crate::windows`]). Public so that a test can check
//! the plans PostgreSQL makes.

use std::time::SystemTime;

use deadpool_postgres::Object;
use mdn_store::DecisionQuery;
use mdn_store::decisions::outcome_code;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::convert::time;
use crate::pool::Fail;

/// The columns every list selects, in the order `reads` decodes them.
pub(crate) const SELECT: &str = "SELECT seq, symbol, source, price, bid, ask, volume, \
     observed_at, script_hash, evidence_hash, proposer, outcome, decided_at, certificate \
     FROM decisions";

/// A list query's conditions, as SQL parameters.
#[derive(Debug)]
pub struct ListFilter<'q> {
    symbol: Option<&'q str>,
    source: Option<&'q String>,
    outcome: Option<i16>,
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    after: Option<(SystemTime, i64)>,
}

impl<'q> ListFilter<'q> {
    /// The conditions of `q`.
    pub fn new(q: &'q DecisionQuery) -> Self {
        Self {
            symbol: q.symbol.as_ref().map(|s| s.as_str()),
            source: q.source.as_ref(),
            outcome: q.outcome.map(outcome_code),
            since: q.since_ms.map(time),
            until: q.until_ms.map(time),
            after: q.after.map(|a| (time(a.observed_at_ms), a.seq)),
        }
    }

    /// The statement a page runs: with a window's lower bound (`windowed`) or without. Its
    /// parameters are the filter's values in the order of [`DecisionQuery`]'s fields, then the
    /// window's lower bound, then the row limit.
    pub fn sql(&self, windowed: bool) -> String {
        let lower = windowed.then_some(SystemTime::UNIX_EPOCH);
        self.statement(lower.as_ref(), &0).0
    }

    /// Up to `fetch` matching rows observed at or after `lower`, newest first. A windowed query is
    /// planned for its parameters each time (not a cached statement): a generic plan does not know
    /// how narrow the window is.
    pub(crate) async fn page(
        &self,
        c: &Object,
        lower: Option<&SystemTime>,
        fetch: i64,
    ) -> Result<Vec<Row>, Fail> {
        let (sql, params) = self.statement(lower, &fetch);
        if lower.is_some() {
            return Ok(c.query(sql.as_str(), &params).await?);
        }
        let statement = c.prepare_cached(&sql).await?;
        Ok(c.query(&statement, &params).await?)
    }

    fn statement<'a>(
        &'a self,
        lower: Option<&'a SystemTime>,
        fetch: &'a i64,
    ) -> (String, Vec<&'a (dyn ToSql + Sync)>) {
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        if let Some(symbol) = &self.symbol {
            conditions.push(format!("symbol = {}", placeholder(&mut params, symbol)));
        }
        if let Some(source) = &self.source {
            conditions.push(format!("source = {}", placeholder(&mut params, source)));
        }
        if let Some(outcome) = &self.outcome {
            conditions.push(format!("outcome = {}", placeholder(&mut params, outcome)));
        }
        for bound in [self.since.as_ref(), lower].into_iter().flatten() {
            conditions.push(format!(
                "observed_at >= {}",
                placeholder(&mut params, bound)
            ));
        }
        if let Some(until) = &self.until {
            conditions.push(format!("observed_at < {}", placeholder(&mut params, until)));
        }
        if let Some((at, seq)) = &self.after {
            let at = placeholder(&mut params, at);
            let seq = placeholder(&mut params, seq);
            // The first condition is implied by the second; it lets the BRIN index prune.
            conditions.push(format!(
                "observed_at <= {at} AND (observed_at, seq) < ({at}, {seq})"
            ));
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "{SELECT}{filter} ORDER BY observed_at DESC, seq DESC LIMIT {}",
            placeholder(&mut params, fetch)
        );
        (sql, params)
    }
}

/// Adds `value` to `params` and returns its placeholder (`$n`).
fn placeholder<'v>(
    params: &mut Vec<&'v (dyn ToSql + Sync)>,
    value: &'v (dyn ToSql + Sync),
) -> String {
    params.push(value);
    format!("${}", params.len())
}
