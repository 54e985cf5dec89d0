//! The commands on parties and relationships, and what they share: opening
//! the base and naming a party on the command line.

pub mod activity;
pub mod dedup;
pub mod io;
pub mod party;
pub mod rel;
pub mod report;
pub mod sales;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use crm_core::{ContactValue, Crm, Options, Pipeline, Uuid};

/// Open the base for reading; a missing file is an error (opening would
/// create an empty one).
pub fn open_read(db: &Path) -> Result<Crm> {
    if !db.exists() {
        bail!("no database at {}: create one with `crm demo` or `crm party add`, or pass --db", db.display());
    }
    let options = Options { read_only: true, ..Options::default() };
    Crm::open_with(db, options).with_context(|| format!("cannot open {}", db.display()))
}

/// Open (or create) the base for writing.
pub fn open_write(db: &Path) -> Result<Crm> {
    Crm::open(db).map(|c| c.with_actor("cli")).with_context(|| format!("cannot open {}", db.display()))
}

/// What a party argument is read as.
pub enum PartyRef {
    Id(Uuid),
    Contact(ContactValue),
}

/// Read a party argument: its id, an email address or a +phone number.
pub fn parse_ref(text: &str) -> Result<PartyRef> {
    let t = text.trim();
    if let Ok(id) = Uuid::parse_str(t) {
        return Ok(PartyRef::Id(id));
    }
    if t.contains('@') {
        return Ok(PartyRef::Contact(ContactValue::email(t)));
    }
    if looks_like_phone(t) {
        return Ok(PartyRef::Contact(ContactValue::phone(t)));
    }
    bail!("{text:?} is not a party id (a UUID), an email address or a phone number")
}

/// Whether the text reads as a phone number: digits with the usual
/// separators, at least five digits.
pub fn looks_like_phone(t: &str) -> bool {
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 5 && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.' | '/'))
}

/// The id of the one party a command-line argument names.
pub fn resolve(crm: &Crm, text: &str) -> Result<Uuid> {
    match parse_ref(text)? {
        PartyRef::Id(id) => Ok(id),
        PartyRef::Contact(value) => {
            let found = crm.find_by_contact(value)?;
            match found.as_slice() {
                [] => bail!("no party has the contact point {text:?}"),
                [one] => Ok(one.id),
                many => {
                    let ids: Vec<String> = many.iter().map(|p| format!("{} ({})", p.id, p.display_name)).collect();
                    bail!("{} parties have the contact point {text:?}; name one by id: {}", many.len(), ids.join(", "))
                }
            }
        }
    }
}

/// A validation error naming the field, as the core reports one (so that
/// `--json` errors carry the field too).
pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> anyhow::Error {
    crm_core::Error::validation(field, reason).into()
}

/// Read an id argument.
pub fn parse_id(field: &str, text: &str) -> Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| invalid(field, format!("{text:?} is not an id (a UUID)")))
}

/// Read a time: an RFC 3339 time, or a date (its start, UTC).
pub fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    Err(invalid(field, format!("{text:?} is not a date (YYYY-MM-DD) or an RFC 3339 time")))
}

/// An optional time argument.
pub fn opt_time(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    text.map(|t| parse_time(field, t)).transpose()
}

/// Digits after the decimal point of a currency (2 if unknown).
pub fn exponent(currency: &str) -> u32 {
    iso_currency::Currency::from_code(&currency.trim().to_ascii_uppercase())
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// Read an amount in major units ("1234.50") as minor units of a currency.
/// Negative amounts are read (the core says whether they are allowed).
pub fn parse_money(field: &str, text: &str, currency: &str) -> Result<i64> {
    let exp = exponent(currency);
    let t = text.trim().replace(['_', ' '], "");
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let ok = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= exp as usize;
    if !ok {
        return Err(invalid(
            field,
            format!("{text:?} is not an amount in {currency} (digits, and at most {exp} after the point)"),
        ));
    }
    let scale = 10i64.pow(exp);
    let w: i64 = whole.parse().map_err(|_| invalid(field, format!("{text:?} is too large")))?;
    let f: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<width$}", width = exp as usize).parse().unwrap_or(0) };
    let v =
        w.checked_mul(scale).and_then(|v| v.checked_add(f)).ok_or_else(|| invalid(field, "the amount is too large"))?;
    Ok(if neg { -v } else { v })
}

/// An amount of minor units as text: "1234.50 EUR".
pub fn money(amount: i64, currency: &str) -> String {
    crm_core::Money::new(amount, currency).to_string()
}

/// A pipeline by name or id.
pub fn pipeline(crm: &Crm, text: &str) -> Result<Pipeline> {
    if let Ok(id) = Uuid::parse_str(text.trim()) {
        return Ok(crm.get_pipeline(id)?);
    }
    let all = crm.pipelines()?;
    let names: Vec<String> = all.iter().map(|p| p.name.clone()).collect();
    all.into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| invalid("pipeline", format!("no pipeline {text:?} (there are: {})", names.join(", "))))
}

/// A stage of a pipeline by name or id.
pub fn stage(p: &Pipeline, text: &str) -> Result<Uuid> {
    let t = text.trim();
    p.stages.iter().find(|s| s.id.to_string() == t || s.name.eq_ignore_ascii_case(t)).map(|s| s.id).ok_or_else(|| {
        let names: Vec<&str> = p.stages.iter().map(|s| s.name.as_str()).collect();
        invalid("stage", format!("no stage {text:?} in {:?} (its stages: {})", p.name, names.join(", ")))
    })
}

/// Display names by id (ids that cannot be read are left out).
pub fn names(crm: &Crm, ids: impl IntoIterator<Item = Uuid>) -> BTreeMap<Uuid, String> {
    let mut out = BTreeMap::new();
    for id in ids {
        if let std::collections::btree_map::Entry::Vacant(e) = out.entry(id)
            && let Ok(p) = crm.get_party(id)
        {
            e.insert(p.display_name);
        }
    }
    out
}

/// A name from [`names`], or the id.
pub fn name_of(names: &BTreeMap<Uuid, String>, id: Uuid) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// The first `n` characters of a text, with an ellipsis when cut.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_arguments() {
        assert!(matches!(parse_ref("0190c1a2-7b3e-7d4f-8a9b-123456789abc"), Ok(PartyRef::Id(_))));
        assert!(matches!(parse_ref("anna@example.lv"), Ok(PartyRef::Contact(ContactValue::Email { .. }))));
        assert!(matches!(parse_ref("+371 2612 3456"), Ok(PartyRef::Contact(ContactValue::Phone { .. }))));
        assert!(parse_ref("Anna").is_err());
        assert!(looks_like_phone("(415) 555-2671"));
        assert!(!looks_like_phone("12"));
        assert!(!looks_like_phone("Acme 12345"));
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_money("amount", "1234.50", "EUR").unwrap(), 123450);
        assert_eq!(parse_money("amount", "12", "EUR").unwrap(), 1200);
        assert_eq!(parse_money("amount", "1500", "JPY").unwrap(), 1500);
        assert_eq!(parse_money("amount", "-2.5", "EUR").unwrap(), -250);
        assert!(parse_money("amount", "1.234", "EUR").is_err());
        assert!(parse_money("amount", "12x", "EUR").is_err());
        assert!(parse_money("amount", "1.5", "JPY").is_err());
        assert_eq!(money(123450, "EUR"), "1234.50 EUR");
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("at", "2025-03-01").unwrap().to_rfc3339(), "2025-03-01T00:00:00+00:00");
        assert!(parse_time("at", "2025-03-01T10:00:00+02:00").is_ok());
        assert!(parse_time("at", "March").is_err());
    }
}
