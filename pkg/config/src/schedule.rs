//! [`Schedule`]: a source's cron expression with 5 fields (minute granularity) or 6 (a leading
//! seconds field), crontab semantics, parsed with `croner`.

use std::fmt;

use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use serde::{Deserialize, Serialize};

/// A parsed cron schedule; keeps the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    text: String,
    cron: Cron,
}

/// Why a text is not a [`Schedule`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid schedule {text:?}: {reason}; expected a cron expression with 5 fields \
     (minute hour day-of-month month day-of-week) or 6 (a leading seconds field), e.g. \"*/10 * * * * *\""
)]
pub struct InvalidSchedule {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl Schedule {
    /// Parses a 5- or 6-field cron expression.
    pub fn parse(text: &str) -> Result<Self, InvalidSchedule> {
        let fields = text.split_whitespace().count();
        if !(5..=6).contains(&fields) {
            return Err(InvalidSchedule {
                text: text.to_owned(),
                reason: format!("it has {fields} fields"),
            });
        }
        let parser = CronParser::builder()
            .seconds(Seconds::Optional)
            .year(Year::Disallowed)
            .build();
        let cron = parser.parse(text).map_err(|e| InvalidSchedule {
            text: text.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            text: text.to_owned(),
            cron,
        })
    }

    /// The parsed expression (use `find_next_occurrence` to arm a timer).
    pub fn cron(&self) -> &Cron {
        &self.cron
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_five_and_six_fields() {
        assert!(Schedule::parse("*/5 * * * *").is_ok());
        assert!(Schedule::parse("*/10 * * * * *").is_ok());
        assert!(Schedule::parse("0 30 9 * * MON-FRI").is_ok());
    }

    #[test]
    fn refuses_wrong_field_counts_and_bad_fields() {
        for bad in [
            "",
            "* * * *",
            "* * * * * * *",
            "61 * * * *",
            "* * * * * * * *",
            "bad cron x y z",
        ] {
            let err = Schedule::parse(bad).unwrap_err();
            assert!(
                err.to_string().contains("expected a cron expression"),
                "{bad}: {err}"
            );
        }
    }
}
