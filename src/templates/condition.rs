//! The condition under which the value templates fire: `fire-when` and its operand.

use serde::Deserialize;

use crate::model::{Elem, Evaluator, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    Absent,
    Present,
    Contains,
    NotContains,
    OneOf,
    NotOneOf,
    Matches,
    NotMatches,
}

impl When {
    /// The name as a rule file writes it.
    pub fn name(self) -> &'static str {
        match self {
            When::Absent => "absent",
            When::Present => "present",
            When::Contains => "contains",
            When::NotContains => "not-contains",
            When::OneOf => "one-of",
            When::NotOneOf => "not-one-of",
            When::Matches => "matches",
            When::NotMatches => "not-matches",
        }
    }
}

/// A known value, reduced to what conditions compare.
#[derive(Clone, Debug, PartialEq)]
pub enum Observed {
    Str(String),
    Bool(bool),
    Int(i64),
    List(Vec<Observed>),
}

impl Observed {
    /// The value as far as it is fully known.
    pub fn of(ev: &Evaluator, v: &Value) -> Option<Observed> {
        Some(match v {
            Value::Str(s) => Observed::Str(s.known()?),
            Value::Bool(b) => Observed::Bool(*b),
            Value::Int(i) => Observed::Int(*i),
            Value::List(items) => Observed::List(
                items
                    .iter()
                    .map(|e| match e {
                        // One level: options hold lists of scalars, and a list may
                        // contain itself (`let l = [ l ]; in`).
                        Elem::One(t) => match ev.force_plain(*t) {
                            Value::List(_) => None,
                            v => Observed::of(ev, &v),
                        },
                        Elem::Splice(_) => None,
                    })
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }

    pub fn display(&self) -> String {
        match self {
            Observed::Str(s) => s.clone(),
            Observed::Bool(b) => b.to_string(),
            Observed::Int(i) => i.to_string(),
            Observed::List(items) => {
                format!(
                    "[ {} ]",
                    items
                        .iter()
                        .map(|i| format!("{:?}", i.display()))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        }
    }

    fn equals(&self, t: &toml::Value) -> bool {
        match (self, t) {
            (Observed::Str(s), toml::Value::String(x)) => s == x,
            (Observed::Bool(b), toml::Value::Boolean(x)) => b == x,
            (Observed::Int(i), toml::Value::Integer(x)) => i == x,
            // Flag values are strings: `--allow-privileged=true` equals `true`.
            (Observed::Str(s), toml::Value::Boolean(x)) => *s == x.to_string(),
            (Observed::Str(s), toml::Value::Integer(x)) => *s == x.to_string(),
            _ => false,
        }
    }
}

/// A validated `fire-when` with its operand.
pub struct Condition {
    pub when: When,
    value: Option<toml::Value>,
    values: Vec<toml::Value>,
    pattern: Option<regex::Regex>,
}

impl Condition {
    pub fn new(
        when: When,
        value: Option<toml::Value>,
        values: Vec<toml::Value>,
        pattern: Option<String>,
    ) -> Result<Condition, String> {
        let needs = |what: &str, has: bool| {
            if has {
                Ok(())
            } else {
                Err(format!("`fire-when = \"{}\"` needs `{what}`", when.name()))
            }
        };
        match when {
            When::Contains | When::NotContains => needs("value", value.is_some())?,
            When::OneOf | When::NotOneOf => needs("values", !values.is_empty())?,
            When::Matches | When::NotMatches => needs("pattern", pattern.is_some())?,
            When::Absent | When::Present => {}
        }
        let pattern = match pattern {
            Some(p) => Some(regex::Regex::new(&p).map_err(|e| format!("invalid `pattern`: {e}"))?),
            None => None,
        };
        Ok(Condition {
            when,
            value,
            values,
            pattern,
        })
    }

    /// Whether a present, known value makes the rule fire.
    pub fn fires_on(&self, v: &Observed) -> bool {
        let contains = |v: &Observed| match (v, &self.value) {
            (Observed::List(items), Some(x)) => items.iter().any(|i| i.equals(x)),
            (Observed::Str(s), Some(toml::Value::String(x))) => s.contains(x.as_str()),
            (other, Some(x)) => other.equals(x),
            (_, None) => false,
        };
        let matches = |v: &Observed| match v {
            Observed::Str(s) => self.pattern.as_ref().is_some_and(|p| p.is_match(s)),
            other => self
                .pattern
                .as_ref()
                .is_some_and(|p| p.is_match(&other.display())),
        };
        match self.when {
            When::Absent => false,
            When::Present => true,
            When::Contains => contains(v),
            When::NotContains => !contains(v),
            When::OneOf => self.values.iter().any(|x| v.equals(x)),
            When::NotOneOf => !self.values.iter().any(|x| v.equals(x)),
            When::Matches => matches(v),
            When::NotMatches => !matches(v),
        }
    }
}

pub const PARAMS: &[(&str, &str)] = &[
    (
        "fire-when",
        "absent, present, contains, not-contains, one-of, not-one-of, matches or not-matches.",
    ),
    (
        "value",
        "For contains / not-contains: a string contains it, or a list has it as an element.",
    ),
    (
        "values",
        "For one-of / not-one-of: the values (strings, Booleans or integers).",
    ),
    (
        "pattern",
        "For matches / not-matches: a regular expression (Rust `regex` syntax) the value is searched for.",
    ),
];
