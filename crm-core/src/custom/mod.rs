//! Custom fields: typed fields defined at run time per kind of record,
//! validated on every write and usable in filters (the "x" in xRM).

pub(crate) mod sql;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::Crm;
use crate::error::{Error, Result};
use crate::events::AuditAction;

/// The type of a custom field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text (up to 10,000 characters).
    Text,
    /// A 64-bit integer.
    Integer,
    /// An exact decimal number, kept as its digits (never a float).
    Decimal,
    /// True or false.
    Bool,
    /// A calendar date.
    Date,
    /// One of the field's choices.
    Choice,
    /// Any number of the field's choices.
    Choices,
}

impl FieldType {
    /// The stored name: "text", "integer", ….
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Choice => "choice",
            FieldType::Choices => "choices",
        }
    }

    pub(crate) fn parse(s: &str) -> FieldType {
        match s {
            "integer" => FieldType::Integer,
            "decimal" => FieldType::Decimal,
            "bool" => FieldType::Bool,
            "date" => FieldType::Date,
            "choice" => FieldType::Choice,
            "choices" => FieldType::Choices,
            _ => FieldType::Text,
        }
    }
}

/// The value of a custom field.
///
/// In JSON a value is a plain string, number, boolean or array of strings;
/// it is read according to the field's type (a date as `"2024-05-31"`, a
/// decimal as `"12.50"` or `12.5`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomValue {
    /// Text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A decimal number in canonical form: no leading zeros, no trailing
    /// zeros after the point, "-" for negatives ("12.5", "-0.01", "3").
    Decimal(String),
    /// True or false.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// One choice.
    Choice(String),
    /// Several choices, sorted, without repeats.
    Choices(Vec<String>),
}

impl From<&str> for CustomValue {
    fn from(s: &str) -> Self {
        CustomValue::Text(s.to_string())
    }
}

impl From<String> for CustomValue {
    fn from(s: String) -> Self {
        CustomValue::Text(s)
    }
}

impl From<i64> for CustomValue {
    fn from(v: i64) -> Self {
        CustomValue::Integer(v)
    }
}

impl From<bool> for CustomValue {
    fn from(v: bool) -> Self {
        CustomValue::Bool(v)
    }
}

impl From<NaiveDate> for CustomValue {
    fn from(v: NaiveDate) -> Self {
        CustomValue::Date(v)
    }
}

impl Serialize for CustomValue {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            CustomValue::Text(v) | CustomValue::Decimal(v) | CustomValue::Choice(v) => s.serialize_str(v),
            CustomValue::Integer(v) => s.serialize_i64(*v),
            CustomValue::Bool(v) => s.serialize_bool(*v),
            CustomValue::Date(d) => s.collect_str(d),
            CustomValue::Choices(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for CustomValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = serde_json::Value::deserialize(d)?;
        CustomValue::from_json(v).map_err(D::Error::custom)
    }
}

impl CustomValue {
    fn from_json(v: serde_json::Value) -> std::result::Result<CustomValue, String> {
        use serde_json::Value as J;
        Ok(match v {
            J::Bool(b) => CustomValue::Bool(b),
            J::Number(n) => match n.as_i64() {
                Some(i) => CustomValue::Integer(i),
                None => CustomValue::Decimal(n.to_string()),
            },
            J::String(s) => CustomValue::Text(s),
            J::Array(items) => CustomValue::Choices(
                items
                    .into_iter()
                    .map(|i| match i {
                        J::String(s) => Ok(s),
                        other => Err(format!("a list of choices holds strings only, not {other}")),
                    })
                    .collect::<std::result::Result<_, _>>()?,
            ),
            J::Null => {
                return Err("null is not a value (leave the field out, or clear it in a patch)".into());
            }
            J::Object(_) => return Err("an object is not a custom field value".into()),
        })
    }

    fn describe(&self) -> &'static str {
        match self {
            CustomValue::Text(_) => "text",
            CustomValue::Integer(_) => "an integer",
            CustomValue::Decimal(_) => "a decimal",
            CustomValue::Bool(_) => "a boolean",
            CustomValue::Date(_) => "a date",
            CustomValue::Choice(_) => "a choice",
            CustomValue::Choices(_) => "a list",
        }
    }

    /// Read this value as a value of `def`'s type, or say why it is not one.
    pub(crate) fn coerce(self, def: &FieldDef) -> Result<CustomValue> {
        let field = format!("custom.{}", def.name);
        let wrong = |v: &CustomValue| {
            Error::validation(&field, format!("expects {}, got {}", def.field_type.as_str(), v.describe()))
        };
        let v = match (def.field_type, self) {
            (FieldType::Text, CustomValue::Text(s) | CustomValue::Choice(s)) => {
                if s.chars().count() > 10_000 {
                    return Err(Error::validation(&field, "text is limited to 10,000 characters"));
                }
                if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
                    return Err(Error::validation(&field, "text must not contain control characters"));
                }
                CustomValue::Text(s)
            }
            (FieldType::Integer, CustomValue::Integer(i)) => CustomValue::Integer(i),
            (FieldType::Decimal, CustomValue::Integer(i)) => CustomValue::Decimal(i.to_string()),
            (FieldType::Decimal, CustomValue::Decimal(s) | CustomValue::Text(s)) => CustomValue::Decimal(
                canonical_decimal(&s)
                    .ok_or_else(|| Error::validation(&field, format!("{s:?} is not a decimal number")))?,
            ),
            (FieldType::Bool, CustomValue::Bool(b)) => CustomValue::Bool(b),
            (FieldType::Date, CustomValue::Date(d)) => CustomValue::Date(d),
            (FieldType::Date, CustomValue::Text(s)) => CustomValue::Date(
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| Error::validation(&field, format!("{s:?} is not a date (YYYY-MM-DD)")))?,
            ),
            (FieldType::Choice, CustomValue::Text(s) | CustomValue::Choice(s)) => {
                if !def.choices.contains(&s) {
                    return Err(Error::validation(&field, format!("{s:?} is not one of {:?}", def.choices)));
                }
                CustomValue::Choice(s)
            }
            (FieldType::Choices, CustomValue::Choices(mut items)) => {
                if let Some(bad) = items.iter().find(|s| !def.choices.contains(s)) {
                    return Err(Error::validation(&field, format!("{bad:?} is not one of {:?}", def.choices)));
                }
                items.sort();
                items.dedup();
                CustomValue::Choices(items)
            }
            (FieldType::Choices, CustomValue::Text(s) | CustomValue::Choice(s)) => {
                return CustomValue::Choices(vec![s]).coerce(def);
            }
            (_, other) => return Err(wrong(&other)),
        };
        Ok(v)
    }

    /// The value as stored in SQLite.
    pub(crate) fn to_sql(&self) -> rusqlite::types::Value {
        use rusqlite::types::Value as V;
        match self {
            CustomValue::Text(s) | CustomValue::Decimal(s) | CustomValue::Choice(s) => V::Text(s.clone()),
            CustomValue::Integer(i) => V::Integer(*i),
            CustomValue::Bool(b) => V::Integer(i64::from(*b)),
            CustomValue::Date(d) => V::Text(d.to_string()),
            CustomValue::Choices(items) => V::Text(serde_json::to_string(items).unwrap_or_default()),
        }
    }

    /// Read a stored value back, by the field's type.
    pub(crate) fn from_sql(t: FieldType, v: rusqlite::types::Value) -> Option<CustomValue> {
        use rusqlite::types::Value as V;
        Some(match (t, v) {
            (FieldType::Integer, V::Integer(i)) => CustomValue::Integer(i),
            (FieldType::Bool, V::Integer(i)) => CustomValue::Bool(i != 0),
            (FieldType::Decimal, V::Text(s)) => CustomValue::Decimal(s),
            (FieldType::Date, V::Text(s)) => CustomValue::Date(NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?),
            (FieldType::Choice, V::Text(s)) => CustomValue::Choice(s),
            (FieldType::Choices, V::Text(s)) => CustomValue::Choices(serde_json::from_str(&s).ok()?),
            (FieldType::Text, V::Text(s)) => CustomValue::Text(s),
            _ => return None,
        })
    }
}

/// The canonical form of a decimal number, or `None` if `s` is not one.
fn canonical_decimal(s: &str) -> Option<String> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    if int.len() + frac.len() > 38 {
        return None;
    }
    let int = if int.is_empty() { "0" } else { int };
    let body = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
    Some(if neg && body != "0" { format!("-{body}") } else { body })
}

/// The kinds of record that custom fields can be defined on.
pub const ENTITIES: &[&str] = &["party", "person", "organization"];

/// A custom field's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Its id.
    pub id: Uuid,
    /// The kind of record it belongs to: "party" (persons and organizations
    /// alike), "person" or "organization".
    pub entity: String,
    /// Its name in records and filters: lower-case letters, digits and `_`.
    pub name: String,
    /// A label to show.
    pub label: String,
    /// Its type.
    pub field_type: FieldType,
    /// A record cannot be created without it, nor have it cleared.
    pub required: bool,
    /// No two records share a value.
    pub unique: bool,
    /// The allowed values of a choice field.
    pub choices: Vec<String>,
    /// When it was defined.
    pub created_at: DateTime<Utc>,
    /// When its definition last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

impl FieldDef {
    /// Whether the field applies to records of `kind` ("person", "organization").
    pub fn applies_to(&self, kind: &str) -> bool {
        self.entity == kind || (self.entity == "party" && (kind == "person" || kind == "organization"))
    }
}

/// A custom field to define.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFieldDef {
    /// "party", "person" or "organization".
    pub entity: String,
    /// Lower-case letters, digits and `_`, starting with a letter.
    pub name: String,
    /// A label; defaults to the name.
    #[serde(default)]
    pub label: Option<String>,
    /// Its type.
    pub field_type: FieldType,
    /// Required on new records.
    #[serde(default)]
    pub required: bool,
    /// Values unique across records.
    #[serde(default)]
    pub unique: bool,
    /// The allowed values of a choice field.
    #[serde(default)]
    pub choices: Vec<String>,
}

impl NewFieldDef {
    /// A field with the given entity, name and type, optional and not unique.
    pub fn new(entity: impl Into<String>, name: impl Into<String>, field_type: FieldType) -> Self {
        NewFieldDef {
            entity: entity.into(),
            name: name.into(),
            label: None,
            field_type,
            required: false,
            unique: false,
            choices: Vec::new(),
        }
    }
}

fn validate_def(new: NewFieldDef) -> Result<NewFieldDef> {
    if !ENTITIES.contains(&new.entity.as_str()) {
        return Err(Error::validation("entity", format!("{:?} is not one of {ENTITIES:?}", new.entity)));
    }
    let ok_name = new.name.len() <= 64
        && new.name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && new.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok_name {
        return Err(Error::validation(
            "name",
            format!("{:?}: use 1 to 64 lower-case letters, digits and '_', starting with a letter", new.name),
        ));
    }
    let mut choices = Vec::new();
    for c in &new.choices {
        let t = c.trim();
        if t.is_empty() || t.len() > 200 {
            return Err(Error::validation("choices", "each choice has 1 to 200 characters"));
        }
        if choices.iter().any(|x: &String| x == t) {
            return Err(Error::validation("choices", format!("{t:?} is listed twice")));
        }
        choices.push(t.to_string());
    }
    match new.field_type {
        FieldType::Choice | FieldType::Choices if choices.is_empty() => {
            return Err(Error::validation("choices", "a choice field needs at least one choice"));
        }
        FieldType::Choice | FieldType::Choices => {}
        _ if !choices.is_empty() => {
            return Err(Error::validation("choices", "only choice fields have choices"));
        }
        _ => {}
    }
    if new.unique && matches!(new.field_type, FieldType::Bool | FieldType::Choices) {
        return Err(Error::validation("unique", "bool and multiple-choice fields cannot be unique"));
    }
    let label = new.label.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or(&new.name).to_string();
    Ok(NewFieldDef { label: Some(label), choices, ..new })
}

/// Check a record's custom values against the field definitions of its kind
/// and read each in its field's type. `is_new`: a required field must be
/// present.
pub(crate) fn check_values(
    defs: &[FieldDef],
    kind: &str,
    values: BTreeMap<String, Option<CustomValue>>,
    is_new: bool,
) -> Result<Vec<(FieldDef, Option<CustomValue>)>> {
    let mut out = Vec::with_capacity(values.len());
    for (name, value) in values {
        let def = defs.iter().find(|d| d.name == name && d.applies_to(kind)).ok_or_else(|| {
            Error::validation(format!("custom.{name}"), format!("no custom field {name:?} is defined for {kind}s"))
        })?;
        let value = match value {
            Some(v) => Some(v.coerce(def)?),
            None if def.required => {
                return Err(Error::validation(format!("custom.{name}"), "is required and cannot be cleared"));
            }
            None => None,
        };
        out.push((def.clone(), value));
    }
    if is_new
        && let Some(missing) =
            defs.iter().find(|d| d.required && d.applies_to(kind) && !out.iter().any(|(o, _)| o.id == d.id))
    {
        return Err(Error::validation(format!("custom.{}", missing.name), "is required"));
    }
    Ok(out)
}

/// Define a custom field inside a write that is under way.
pub(crate) fn define_in(tx: &crate::store::Tx<'_>, new: NewFieldDef) -> Result<FieldDef> {
    let new = validate_def(new)?;
    let def = sql::insert_def(tx, new)?;
    let json = serde_json::to_string(&def)?;
    tx.record("custom_field", &def.id, AuditAction::Created, &json, &json)?;
    Ok(def)
}

impl Crm {
    /// Define a custom field. The name must be new for its entity.
    pub fn define_field(&self, new: NewFieldDef) -> Result<FieldDef> {
        self.store.write(&self.actor, |tx| define_in(tx, new))
    }

    /// The custom fields defined for `entity` ("party", "person",
    /// "organization"), or all of them.
    pub fn fields(&self, entity: Option<&str>) -> Result<Vec<FieldDef>> {
        self.store.read(|c| {
            let all = sql::load_defs(c)?;
            Ok(match entity {
                Some(e) => all.into_iter().filter(|d| d.entity == e || d.applies_to(e)).collect(),
                None => all,
            })
        })
    }

    /// Remove a custom field and every value of it.
    pub fn remove_field(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let def = sql::get_def(tx.conn(), id)?;
            if def.version != version {
                return Err(Error::Conflict {
                    entity: "custom_field",
                    id: id.to_string(),
                    expected: version,
                    actual: def.version,
                });
            }
            sql::delete_def(tx.conn(), id)?;
            let json = serde_json::to_string(&def)?;
            tx.record("custom_field", &id, AuditAction::Deleted, &json, &json)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_canonical() {
        assert_eq!(canonical_decimal("012.500").as_deref(), Some("12.5"));
        assert_eq!(canonical_decimal("-0.00").as_deref(), Some("0"));
        assert_eq!(canonical_decimal(".5").as_deref(), Some("0.5"));
        assert_eq!(canonical_decimal("7").as_deref(), Some("7"));
        assert_eq!(canonical_decimal("1e5"), None);
        assert_eq!(canonical_decimal("."), None);
        assert_eq!(canonical_decimal("1.2.3"), None);
    }
}
