//! Conversions from Python values to the core's input types and back.
//! Type conversion only: every rule about the values lives in crm-core.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use crm_core::{ContactValue, CustomValue, NewContactPoint, NewRole, PostalAddress, RoleDetails, Uuid};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as J;

use crate::errors::{type_error, validation};

static UUID_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DECIMAL_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn uuid_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    UUID_TYPE.import(py, "uuid", "UUID")
}
fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE_TYPE.import(py, "datetime", "date")
}
fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME_TYPE.import(py, "datetime", "datetime")
}
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL_TYPE.import(py, "decimal", "Decimal")
}
fn utc(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    UTC.get_or_try_init(py, || Ok::<_, PyErr>(py.import("datetime")?.getattr("timezone")?.getattr("utc")?.unbind()))
        .map(|u| u.bind(py))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// A `str` argument; NUL characters are refused (they cannot cross the C
/// ABI nor be told apart in SQLite text).
pub(crate) fn text(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    if !obj.is_instance_of::<PyString>() {
        return Err(type_error(field, format!("expected str, got {}", type_name(obj))));
    }
    let s: String = obj.extract()?;
    if s.contains('\0') {
        return Err(validation(obj.py(), field, "must not contain NUL characters"));
    }
    Ok(s)
}

/// An optional `str` argument (`None` stays `None`).
pub(crate) fn opt_text(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<String>> {
    match obj {
        Some(o) if !o.is_none() => text(o, field).map(Some),
        _ => Ok(None),
    }
}

/// An id: a `str` or a `uuid.UUID`.
pub(crate) fn uuid(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Uuid> {
    let py = obj.py();
    let s: String = if obj.is_instance_of::<PyString>() {
        text(obj, field)?
    } else if obj.is_instance(uuid_type(py)?)? {
        obj.str()?.extract()?
    } else {
        return Err(type_error(field, format!("expected an id (str or uuid.UUID), got {}", type_name(obj))));
    };
    Uuid::parse_str(s.trim()).map_err(|_| validation(py, field, format!("{s:?} is not an id")))
}

pub(crate) fn opt_uuid(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Uuid>> {
    match obj {
        Some(o) if !o.is_none() => uuid(o, field).map(Some),
        _ => Ok(None),
    }
}

/// A `bool` argument (not an int).
pub(crate) fn boolean(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<bool> {
    if !obj.is_instance_of::<PyBool>() {
        return Err(type_error(field, format!("expected bool, got {}", type_name(obj))));
    }
    obj.extract()
}

/// An `int` argument (not a bool).
pub(crate) fn integer<T: for<'a, 'py> FromPyObject<'a, 'py>>(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<T> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(type_error(field, format!("expected int, got {}", type_name(obj))));
    }
    obj.extract::<T>().map_err(|_| validation(obj.py(), field, "is out of range"))
}

/// A date: a `datetime.date` (not a datetime) or `"YYYY-MM-DD"`.
pub(crate) fn date(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<NaiveDate> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        let s = text(obj, field)?;
        return NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| validation(py, field, format!("{s:?} is not a date (YYYY-MM-DD)")));
    }
    if obj.is_instance(datetime_type(py)?)? {
        return Err(type_error(field, "expected a date, got a datetime (use .date())"));
    }
    if !obj.is_instance(date_type(py)?)? {
        return Err(type_error(field, format!("expected a date, got {}", type_name(obj))));
    }
    obj.extract()
}

pub(crate) fn opt_date(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<NaiveDate>> {
    match obj {
        Some(o) if !o.is_none() => date(o, field).map(Some),
        _ => Ok(None),
    }
}

/// A point in time: a timezone-aware `datetime` (converted to UTC) or an
/// RFC 3339 string.
pub(crate) fn datetime(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        let s = text(obj, field)?;
        return DateTime::parse_from_rfc3339(s.trim())
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| validation(py, field, format!("{s:?} is not an RFC 3339 time")));
    }
    if !obj.is_instance(datetime_type(py)?)? {
        return Err(type_error(field, format!("expected a datetime, got {}", type_name(obj))));
    }
    if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
        return Err(type_error(field, "expected a timezone-aware datetime (e.g. datetime.now(timezone.utc))"));
    }
    obj.call_method1("astimezone", (utc(py)?,))?.extract()
}

pub(crate) fn opt_datetime(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<DateTime<Utc>>> {
    match obj {
        Some(o) if !o.is_none() => datetime(o, field).map(Some),
        _ => Ok(None),
    }
}

/// A value of one of the core's string enums ("person", "customer", …).
pub(crate) fn enum_value<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<T> {
    let s = text(obj, field)?;
    serde_json::from_value(J::String(s.clone()))
        .map_err(|e| validation(obj.py(), field, format!("{s:?} is not allowed: {}", serde_message(&e))))
}

pub(crate) fn opt_enum<T: DeserializeOwned>(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<T>> {
    match obj {
        Some(o) if !o.is_none() => enum_value(o, field).map(Some),
        _ => Ok(None),
    }
}

/// The text of a core enum value.
pub(crate) fn enum_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(J::String(s)) => s,
        _ => String::new(),
    }
}

fn serde_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    // Drop serde_json's position suffix, meaningless for Python values.
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Each item of an iterable (a `str` is refused: it is not a list of
/// strings).
pub(crate) fn items<'py>(obj: &Bound<'py, PyAny>, field: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyDict>() {
        return Err(type_error(field, format!("expected a list, got {}", type_name(obj))));
    }
    let it = obj.try_iter().map_err(|_| type_error(field, format!("expected a list, got {}", type_name(obj))))?;
    it.collect()
}

pub(crate) fn text_list(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<String>> {
    items(obj, field)?.iter().enumerate().map(|(i, o)| text(o, &format!("{field}[{i}]"))).collect()
}

/// The (key, value) pairs of a mapping, keys as text.
pub(crate) fn mapping<'py>(obj: &Bound<'py, PyAny>, field: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let dict =
        obj.cast::<PyDict>().map_err(|_| type_error(field, format!("expected a dict, got {}", type_name(obj))))?;
    dict.iter().map(|(k, v)| Ok((text(&k, &format!("{field} key"))?, v))).collect()
}

/// A Python value as JSON, for the core types read with serde: dates as
/// "YYYY-MM-DD", times as RFC 3339, ids and decimals as strings.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<J> {
    let py = obj.py();
    if obj.is_none() {
        return Ok(J::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(J::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(J::from(integer::<i64>(obj, field)?));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return serde_json::Number::from_f64(f)
            .map(J::Number)
            .ok_or_else(|| validation(py, field, format!("{f} is not a finite number")));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(J::String(text(obj, field)?));
    }
    if obj.is_instance(datetime_type(py)?)? {
        return Ok(J::String(datetime(obj, field)?.to_rfc3339()));
    }
    if obj.is_instance(date_type(py)?)? {
        return Ok(J::String(date(obj, field)?.to_string()));
    }
    if obj.is_instance(uuid_type(py)?)? {
        return Ok(J::String(uuid(obj, field)?.to_string()));
    }
    if obj.is_instance(decimal_type(py)?)? {
        return Ok(J::String(obj.call_method1("__format__", ("f",))?.extract()?));
    }
    if obj.is_instance_of::<PyDict>() {
        let mut m = serde_json::Map::new();
        for (k, v) in mapping(obj, field)? {
            let val = to_json(&v, &format!("{field}.{k}"))?;
            m.insert(k, val);
        }
        return Ok(J::Object(m));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return items(obj, field)?
            .iter()
            .enumerate()
            .map(|(i, o)| to_json(o, &format!("{field}[{i}]")))
            .collect::<PyResult<Vec<_>>>()
            .map(J::Array);
    }
    Err(type_error(field, format!("{} cannot be stored", type_name(obj))))
}

/// Read a core input type from JSON; serde's complaint becomes a
/// validation error on `field`.
pub(crate) fn from_json<T: DeserializeOwned>(py: Python<'_>, v: J, field: &str) -> PyResult<T> {
    serde_json::from_value(v).map_err(|e| validation(py, field, serde_message(&e)))
}

/// JSON (audit changes, event payloads, role details) as Python values.
pub(crate) fn json_to_py<'py>(py: Python<'py>, v: &J) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        J::Null => py.None().into_bound(py),
        J::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        J::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        J::String(s) => PyString::new(py, s).into_any(),
        J::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(json_to_py(py, x)?)?;
            }
            l.into_any()
        }
        J::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

// ------------------------------------------------------------ custom values

/// A custom field value: `str`, `int`, `bool`, `decimal.Decimal`, `float`
/// (read as a decimal), `datetime.date`, or a list of `str` (choices).
pub(crate) fn custom_value(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<CustomValue> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() {
        return Ok(CustomValue::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(CustomValue::Integer(integer(obj, field)?));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(CustomValue::Text(text(obj, field)?));
    }
    if obj.is_instance(decimal_type(py)?)? {
        return Ok(CustomValue::Decimal(obj.call_method1("__format__", ("f",))?.extract()?));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(CustomValue::Decimal(obj.repr()?.extract()?));
    }
    if obj.is_instance(datetime_type(py)?)? {
        return Err(type_error(field, "a custom value is a date, not a datetime (use .date())"));
    }
    if obj.is_instance(date_type(py)?)? {
        return Ok(CustomValue::Date(obj.extract()?));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return Ok(CustomValue::Choices(text_list(obj, field)?));
    }
    if obj.is_none() {
        return Err(type_error(field, "None is not a value (leave the field out, or clear it in an update)"));
    }
    Err(type_error(field, format!("expected str, int, bool, Decimal, date or a list of str, got {}", type_name(obj))))
}

pub(crate) fn custom_map(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<BTreeMap<String, CustomValue>> {
    mapping(obj, field)?
        .into_iter()
        .map(|(k, v)| {
            let val = custom_value(&v, &format!("{field}.{k}"))?;
            Ok((k, val))
        })
        .collect()
}

/// A custom value as a Python value (a decimal as `decimal.Decimal`, a date
/// as `datetime.date`).
pub(crate) fn custom_to_py<'py>(py: Python<'py>, v: &CustomValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        CustomValue::Text(s) | CustomValue::Choice(s) => PyString::new(py, s).into_any(),
        CustomValue::Integer(i) => i.into_pyobject(py)?.into_any(),
        CustomValue::Decimal(s) => decimal_type(py)?.call1((s.as_str(),))?,
        CustomValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        CustomValue::Date(d) => d.into_pyobject(py)?.into_any(),
        CustomValue::Choices(items) => PyList::new(py, items)?.into_any(),
    })
}

pub(crate) fn custom_dict<'py>(py: Python<'py>, m: &BTreeMap<String, CustomValue>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in m {
        d.set_item(k, custom_to_py(py, v)?)?;
    }
    Ok(d)
}

// ------------------------------------------------------------ contact points

/// The keys a contact value of each kind takes.
fn value_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "email" => &["address"],
        "phone" => &["number", "region"],
        "address" => &["street", "street2", "city", "region", "postal_code", "country"],
        "web" => &["url"],
        "social" => &["network", "handle"],
        _ => &[],
    }
}

/// Named entries of a Python mapping, in their order.
pub(crate) type Entries<'py> = Vec<(String, Bound<'py, PyAny>)>;

/// Split `fields` into a contact value of `kind` and the other entries.
/// Unknown keys are left in the returned list for the caller to judge.
pub(crate) fn contact_value<'py>(
    py: Python<'py>,
    kind: &str,
    fields: Entries<'py>,
    ctx: &str,
) -> PyResult<(ContactValue, Entries<'py>)> {
    let keys = value_keys(kind);
    if keys.is_empty() {
        return Err(validation(
            py,
            &join(ctx, "kind"),
            format!("{kind:?} is not a contact kind (email, phone, address, web, social)"),
        ));
    }
    let mut vals: BTreeMap<&'static str, Option<String>> = BTreeMap::new();
    let mut rest = Vec::new();
    for (k, v) in fields {
        match keys.iter().find(|x| **x == k) {
            Some(key) => {
                vals.insert(key, opt_text(Some(&v), &join(ctx, key))?);
            }
            None => rest.push((k, v)),
        }
    }
    let mut take = |k: &str| vals.remove(k).flatten();
    let need = |k: &str, v: Option<String>| {
        v.ok_or_else(|| type_error(ctx, format!("a contact point of kind {kind:?} needs {k:?}")))
    };
    let value = match kind {
        "email" => ContactValue::Email { address: need("address", take("address"))? },
        "phone" => ContactValue::Phone { number: need("number", take("number"))?, region: take("region") },
        "address" => ContactValue::Address(PostalAddress {
            street: take("street"),
            street2: take("street2"),
            city: take("city"),
            region: take("region"),
            postal_code: take("postal_code"),
            country: need("country", take("country"))?,
        }),
        "web" => ContactValue::Web { url: need("url", take("url"))? },
        _ => {
            ContactValue::Social { network: need("network", take("network"))?, handle: need("handle", take("handle"))? }
        }
    };
    Ok((value, rest))
}

fn join(ctx: &str, key: &str) -> String {
    if ctx.is_empty() { key.to_string() } else { format!("{ctx}.{key}") }
}

/// A new contact point from a dict or keyword arguments: `kind`, the value
/// fields of that kind, and `label`, `primary`, `verified`.
pub(crate) fn new_contact<'py>(
    py: Python<'py>,
    kind: &str,
    fields: Vec<(String, Bound<'py, PyAny>)>,
    ctx: &str,
    unexpected: &dyn Fn(&str) -> PyErr,
) -> PyResult<NewContactPoint> {
    let (value, rest) = contact_value(py, kind, fields, ctx)?;
    let mut cp = NewContactPoint::new(value);
    for (k, v) in rest {
        match k.as_str() {
            "label" => cp.label = opt_text(Some(&v), &join(ctx, "label"))?,
            "primary" => cp.primary = boolean(&v, &join(ctx, "primary"))?,
            "verified" => cp.verified = boolean(&v, &join(ctx, "verified"))?,
            other => return Err(unexpected(other)),
        }
    }
    Ok(cp)
}

/// A contact point given as a dict (in `contacts=[...]`).
pub(crate) fn contact_from_dict(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<NewContactPoint> {
    let py = obj.py();
    let mut fields = mapping(obj, ctx)?;
    let pos = fields
        .iter()
        .position(|(k, _)| k == "kind")
        .ok_or_else(|| type_error(ctx, "a contact point needs \"kind\" (email, phone, address, web, social)"))?;
    let (_, kind) = fields.remove(pos);
    let kind = text(&kind, &join(ctx, "kind"))?;
    new_contact(py, &kind, fields, ctx, &|k| {
        type_error(ctx, format!("unexpected key {k:?} for a contact point of kind {kind:?}"))
    })
}

// ------------------------------------------------------------ roles

/// Role details from the role's name and its detail fields.
pub(crate) fn role_details<'py>(
    py: Python<'py>,
    role: &str,
    fields: Vec<(String, Bound<'py, PyAny>)>,
    ctx: &str,
) -> PyResult<RoleDetails> {
    let mut m = serde_json::Map::new();
    m.insert("role".to_string(), J::String(role.to_string()));
    for (k, v) in fields {
        let val = to_json(&v, &join(ctx, &k))?;
        m.insert(k, val);
    }
    from_json(py, J::Object(m), ctx)
}

/// A role given as `"customer"` or as a dict `{"role": "customer", "tier":
/// "gold", "valid_from": date(2024, 1, 1)}`.
pub(crate) fn new_role(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<NewRole> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        let role = text(obj, ctx)?;
        return Ok(NewRole::from(role_details(py, &role, Vec::new(), ctx)?));
    }
    if !obj.is_instance_of::<PyDict>() {
        return Err(type_error(ctx, format!("a role is a str or a dict, got {}", type_name(obj))));
    }
    let mut role = None;
    let mut valid_from = None;
    let mut valid_to = None;
    let mut rest = Vec::new();
    for (k, v) in mapping(obj, ctx)? {
        match k.as_str() {
            "role" => role = Some(text(&v, &join(ctx, "role"))?),
            "valid_from" => valid_from = opt_date(Some(&v), &join(ctx, "valid_from"))?,
            "valid_to" => valid_to = opt_date(Some(&v), &join(ctx, "valid_to"))?,
            _ => rest.push((k, v)),
        }
    }
    let role = role.ok_or_else(|| {
        type_error(ctx, "a role needs \"role\" (customer, partner, supplier, employee, stakeholder, competitor)")
    })?;
    Ok(NewRole { details: role_details(py, &role, rest, ctx)?, valid_from, valid_to })
}

/// The details of a role as a dict, without the `role` tag.
pub(crate) fn role_details_dict<'py>(py: Python<'py>, d: &RoleDetails) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    if let Ok(J::Object(m)) = serde_json::to_value(d) {
        for (k, v) in &m {
            if k != "role" {
                out.set_item(k, json_to_py(py, v)?)?;
            }
        }
    }
    Ok(out)
}

/// The value fields of a contact value as a dict, without the `kind` tag.
pub(crate) fn contact_details_dict<'py>(py: Python<'py>, v: &ContactValue) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    if let Ok(J::Object(m)) = serde_json::to_value(v) {
        for (k, x) in &m {
            if k != "kind" {
                out.set_item(k, json_to_py(py, x)?)?;
            }
        }
    }
    Ok(out)
}
