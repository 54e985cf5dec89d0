//! The Python extension `crm._crm`: the [`crm_core::Crm`] handle and its
//! records for Python. It converts types and maps errors, nothing more; the
//! pure-Python package `crm` re-exports it.
//!
//! Every entry point runs inside a panic boundary ([`errors::guard`]) and
//! releases the GIL while the core works (`py.detach`), so one handle serves
//! many Python threads at once.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

mod convert;
mod errors;
mod records;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::RwLock;
use std::time::Duration;

use crm_core::{
    ArchivedFilter, ContactPointPatch, NeighbourQuery, NewFieldDef, NewParty, NewRelationship, NewRelationshipType,
    Options, PartyFilter, PartyKind, PartyPatch, PartyQuery, RelationshipPatch, RolePatch,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString, PyTuple};

use convert::*;
use errors::{IntoPyResult, guard, type_error};
use records::*;

type Fields<'py> = Vec<(String, Bound<'py, PyAny>)>;

fn kwargs_of<'py>(kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Fields<'py>> {
    match kwargs {
        Some(d) => mapping(d.as_any(), ""),
        None => Ok(Vec::new()),
    }
}

fn unexpected_kwarg(func: &str, key: &str) -> PyErr {
    type_error("", format!("{func}() got an unexpected keyword argument '{key}'"))
}

/// A version argument: an int, not a bool.
fn version(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    integer(obj, "version")
}

/// A patch entry: `None` clears, a value sets.
fn clear_or<T>(v: &Bound<'_, PyAny>, f: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<T>) -> PyResult<Option<T>> {
    if v.is_none() { Ok(None) } else { f(v).map(Some) }
}

fn number(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
    if (obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<pyo3::types::PyBool>())
        || obj.is_instance_of::<PyFloat>()
    {
        return obj.extract();
    }
    Err(type_error(field, "expected a number"))
}

// ------------------------------------------------------------ party input

const PERSON_KEYS: &[&str] = &[
    "id",
    "display_name",
    "given_name",
    "family_name",
    "birth_date",
    "language",
    "parent_id",
    "emails",
    "phones",
    "contacts",
    "roles",
    "tags",
    "custom",
];

const ORGANIZATION_KEYS: &[&str] = &[
    "id",
    "display_name",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "size",
    "language",
    "parent_id",
    "emails",
    "phones",
    "contacts",
    "roles",
    "tags",
    "custom",
];

const PARTY_KEYS: &[&str] = &[
    "kind",
    "id",
    "display_name",
    "given_name",
    "family_name",
    "birth_date",
    "language",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "size",
    "parent_id",
    "emails",
    "phones",
    "contacts",
    "roles",
    "tags",
    "custom",
];

fn ctx_field(ctx: &str, key: &str) -> String {
    if ctx.is_empty() { key.to_string() } else { format!("{ctx}.{key}") }
}

/// A new party from keyword arguments (or a dict of `create_parties`).
fn new_party(
    kind: PartyKind,
    fields: Fields<'_>,
    allowed: &[&str],
    ctx: &str,
    unexpected: &dyn Fn(&str) -> PyErr,
) -> PyResult<NewParty> {
    let mut p = NewParty { kind, ..Default::default() };
    let (mut emails, mut phones, mut contacts) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in &fields {
        if !allowed.contains(&k.as_str()) {
            return Err(unexpected(k));
        }
        let f = ctx_field(ctx, k);
        let v = Some(v);
        match k.as_str() {
            "kind" => p.kind = opt_enum(v, &f)?.unwrap_or(kind),
            "id" => p.id = opt_uuid(v, &f)?,
            "display_name" => p.display_name = opt_text(v, &f)?,
            "given_name" => p.given_name = opt_text(v, &f)?,
            "family_name" => p.family_name = opt_text(v, &f)?,
            "birth_date" => p.birth_date = opt_date(v, &f)?,
            "language" => p.language = opt_text(v, &f)?,
            "legal_name" => p.legal_name = opt_text(v, &f)?,
            "registration_number" => p.registration_number = opt_text(v, &f)?,
            "vat_number" => p.vat_number = opt_text(v, &f)?,
            "industry" => p.industry = opt_text(v, &f)?,
            "size" => p.size = opt_enum(v, &f)?,
            "parent_id" => p.parent_id = opt_uuid(v, &f)?,
            _ => {}
        }
    }
    for (k, v) in &fields {
        if v.is_none() {
            continue;
        }
        let f = ctx_field(ctx, k);
        match k.as_str() {
            "emails" => {
                for e in text_list(v, &f)? {
                    emails.push(crm_core::NewContactPoint::new(crm_core::ContactValue::email(e)));
                }
            }
            "phones" => {
                for n in text_list(v, &f)? {
                    phones.push(crm_core::NewContactPoint::new(crm_core::ContactValue::phone(n)));
                }
            }
            "contacts" => {
                for (i, c) in items(v, &f)?.iter().enumerate() {
                    contacts.push(contact_from_dict(c, &format!("{f}[{i}]"))?);
                }
            }
            "roles" => {
                for (i, r) in items(v, &f)?.iter().enumerate() {
                    p.roles.push(new_role(r, &format!("{f}[{i}]"))?);
                }
            }
            "tags" => p.tags = text_list(v, &f)?,
            "custom" => p.custom = custom_map(v, &f)?,
            _ => {}
        }
    }
    p.contact_points = emails;
    p.contact_points.extend(phones);
    p.contact_points.extend(contacts);
    Ok(p)
}

fn party_patch(fields: Fields<'_>, func: &str) -> PyResult<PartyPatch> {
    let mut p = PartyPatch::default();
    for (k, v) in &fields {
        let f = k.as_str();
        match f {
            "display_name" => {
                if v.is_none() {
                    return Err(type_error(f, "the display name cannot be cleared (None); give a name"));
                }
                p.display_name = Some(text(v, f)?);
            }
            "given_name" => p.given_name = Some(clear_or(v, |x| text(x, f))?),
            "family_name" => p.family_name = Some(clear_or(v, |x| text(x, f))?),
            "birth_date" => p.birth_date = Some(clear_or(v, |x| date(x, f))?),
            "language" => p.language = Some(clear_or(v, |x| text(x, f))?),
            "legal_name" => p.legal_name = Some(clear_or(v, |x| text(x, f))?),
            "registration_number" => p.registration_number = Some(clear_or(v, |x| text(x, f))?),
            "vat_number" => p.vat_number = Some(clear_or(v, |x| text(x, f))?),
            "industry" => p.industry = Some(clear_or(v, |x| text(x, f))?),
            "size" => p.size = Some(clear_or(v, |x| enum_value(x, f))?),
            "parent_id" => p.parent_id = Some(clear_or(v, |x| uuid(x, f))?),
            "custom" => {
                for (name, val) in mapping(v, f)? {
                    let cf = format!("custom.{name}");
                    let cv = clear_or(&val, |x| custom_value(x, &cf))?;
                    p.custom.insert(name, cv);
                }
            }
            other => return Err(unexpected_kwarg(func, other)),
        }
    }
    Ok(p)
}

// ------------------------------------------------------------ list filters

const FILTER_KEYS: &[&str] = &[
    "kind",
    "role",
    "tag",
    "country",
    "parent_id",
    "commercial_id",
    "name_prefix",
    "custom",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "archived",
];

/// A party filter from keyword arguments; other keys are returned.
fn party_filter<'py>(fields: Fields<'py>) -> PyResult<(PartyFilter, Fields<'py>)> {
    let mut q = PartyFilter::default();
    let mut rest = Vec::new();
    for (k, v) in fields {
        if !FILTER_KEYS.contains(&k.as_str()) {
            rest.push((k, v));
            continue;
        }
        let f = k.as_str();
        let o = Some(&v);
        match f {
            "kind" => q.kind = opt_enum(o, f)?,
            "role" => q.role = opt_enum(o, f)?,
            "tag" => q.tag = opt_text(o, f)?,
            "country" => q.country = opt_text(o, f)?,
            "parent_id" => q.parent_id = opt_uuid(o, f)?,
            "commercial_id" => q.commercial_id = opt_uuid(o, f)?,
            "name_prefix" => q.name_prefix = opt_text(o, f)?,
            "custom" if !v.is_none() => q.custom = custom_map(&v, f)?,
            "created_from" => q.created_from = opt_datetime(o, f)?,
            "created_to" => q.created_to = opt_datetime(o, f)?,
            "updated_from" => q.updated_from = opt_datetime(o, f)?,
            "updated_to" => q.updated_to = opt_datetime(o, f)?,
            "archived" => {
                q.archived = if v.is_none() {
                    ArchivedFilter::Exclude
                } else if v.is_instance_of::<pyo3::types::PyBool>() {
                    if v.extract::<bool>()? { ArchivedFilter::Only } else { ArchivedFilter::Exclude }
                } else {
                    enum_value(&v, f)?
                }
            }
            _ => {}
        }
    }
    Ok((q, rest))
}

/// A page query: the filter plus sort, descending, the page size and the
/// cursor, named as `size_key` and `after`.
fn party_query(fields: Fields<'_>, func: &str, size_key: &str) -> PyResult<PartyQuery> {
    let (filter, rest) = party_filter(fields)?;
    let mut q = PartyQuery { filter, ..Default::default() };
    for (k, v) in rest {
        let f = k.as_str();
        match f {
            "sort" => {
                if let Some(s) = opt_enum(Some(&v), f)? {
                    q.sort = s;
                }
            }
            "descending" => q.descending = boolean(&v, f)?,
            "after" if size_key == "limit" => q.after = opt_text(Some(&v), f)?,
            _ if f == size_key => {
                if !v.is_none() {
                    q.limit = integer(&v, f)?;
                }
            }
            other => return Err(unexpected_kwarg(func, other)),
        }
    }
    Ok(q)
}

// ------------------------------------------------------------ the handle

/// A handle on one CRM base; safe to share between threads. Use
/// `crm.open()` to get one.
#[pyclass(frozen, module = "crm._crm", name = "Crm")]
pub struct Crm {
    inner: RwLock<Option<crm_core::Crm>>,
}

impl Crm {
    fn wrap(db: crm_core::Crm) -> Crm {
        Crm { inner: RwLock::new(Some(db)) }
    }

    fn handle(&self, py: Python<'_>) -> PyResult<crm_core::Crm> {
        let g = self.inner.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        g.clone().ok_or_else(|| errors::closed(py))
    }
}

#[pymethods]
impl Crm {
    /// A handle on the same base whose writes are recorded in the audit log
    /// as made by `actor`.
    fn with_actor(&self, py: Python<'_>, actor: &Bound<'_, PyAny>) -> PyResult<Crm> {
        guard(py, || {
            let actor = text(actor, "actor")?;
            Ok(Crm::wrap(self.handle(py)?.with_actor(actor)))
        })
    }

    /// Who this handle's writes are recorded as made by.
    #[getter]
    fn actor(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.handle(py)?.actor().to_string())
    }

    /// The file of the base, or None in memory.
    #[getter]
    fn path(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.handle(py)?.path().map(|p| p.to_string_lossy().into_owned()))
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_none()
    }

    /// Release this handle. The base closes once every handle made from it
    /// (by `with_actor`) is closed or gone. Calling it again does nothing.
    fn close(&self, py: Python<'_>) {
        let taken = self.inner.write().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        py.detach(move || drop(taken));
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        let g = self.inner.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        match g.as_ref() {
            None => "<crm.Crm closed>".to_string(),
            Some(db) => format!(
                "<crm.Crm path={:?} actor={:?}>",
                db.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|| ":memory:".to_string()),
                db.actor()
            ),
        }
    }

    // -------------------------------------------------------- parties

    /// Create a person.
    #[pyo3(
        signature = (**fields),
        text_signature = "(self, *, given_name=None, family_name=None, display_name=None, birth_date=None, language=None, parent_id=None, id=None, emails=None, phones=None, contacts=None, roles=None, tags=None, custom=None)"
    )]
    fn create_person(&self, py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = new_party(PartyKind::Person, kwargs_of(fields)?, PERSON_KEYS, "", &|k| {
                unexpected_kwarg("create_person", k)
            })?;
            py.detach(|| db.create_party(new)).py_err(py).map(Party)
        })
    }

    /// Create an organization.
    #[pyo3(
        signature = (**fields),
        text_signature = "(self, *, legal_name=None, display_name=None, registration_number=None, vat_number=None, industry=None, size=None, language=None, parent_id=None, id=None, emails=None, phones=None, contacts=None, roles=None, tags=None, custom=None)"
    )]
    fn create_organization(&self, py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = new_party(PartyKind::Organization, kwargs_of(fields)?, ORGANIZATION_KEYS, "", &|k| {
                unexpected_kwarg("create_organization", k)
            })?;
            py.detach(|| db.create_party(new)).py_err(py).map(Party)
        })
    }

    /// Create a party of either kind (`kind="person"` or "organization").
    #[pyo3(
        signature = (**fields),
        text_signature = "(self, *, kind='person', id=None, display_name=None, given_name=None, family_name=None, birth_date=None, language=None, legal_name=None, registration_number=None, vat_number=None, industry=None, size=None, parent_id=None, emails=None, phones=None, contacts=None, roles=None, tags=None, custom=None)"
    )]
    fn create_party(&self, py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = new_party(PartyKind::Person, kwargs_of(fields)?, PARTY_KEYS, "", &|k| {
                unexpected_kwarg("create_party", k)
            })?;
            py.detach(|| db.create_party(new)).py_err(py).map(Party)
        })
    }

    /// Create many parties in one transaction: all of them or none. Each
    /// item is a dict of `create_party`'s keyword arguments.
    fn create_parties(&self, py: Python<'_>, parties: &Bound<'_, PyAny>) -> PyResult<Vec<Party>> {
        guard(py, || {
            let db = self.handle(py)?;
            let list = items(parties, "parties")?;
            let mut new = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                let ctx = format!("parties[{i}]");
                let fields = mapping(item, &ctx)?;
                new.push(new_party(PartyKind::Person, fields, PARTY_KEYS, &ctx, &|k| {
                    type_error(&ctx, format!("unexpected key {k:?}"))
                })?);
            }
            let made = py.detach(|| db.create_parties(new)).py_err(py)?;
            Ok(made.into_iter().map(Party).collect())
        })
    }

    /// A party by id, with everything it holds.
    fn get_party(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_party(id)).py_err(py).map(Party)
        })
    }

    /// Change a party's own fields; `version` is the version you read. A
    /// field given as None is cleared; `custom={"name": None}` clears a
    /// custom value.
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, display_name=..., given_name=..., family_name=..., birth_date=..., language=..., legal_name=..., registration_number=..., vat_number=..., industry=..., size=..., parent_id=..., custom=...)"
    )]
    fn update_party(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let patch = party_patch(kwargs_of(fields)?, "update_party")?;
            py.detach(|| db.update_party(id, v, &patch)).py_err(py).map(Party)
        })
    }

    /// Archive a party: it stays, but leaves the default lists.
    fn archive_party(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.archive_party(id, v)).py_err(py).map(Party)
        })
    }

    /// Bring an archived party back.
    fn restore_party(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.restore_party(id, v)).py_err(py).map(Party)
        })
    }

    /// Delete a party for good, with everything it holds.
    fn delete_party(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.delete_party(id, v)).py_err(py)
        })
    }

    /// Add tags to a party.
    fn add_tags(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>, tags: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let tags = text_list(tags, "tags")?;
            py.detach(|| {
                let t: Vec<&str> = tags.iter().map(String::as_str).collect();
                db.add_tags(id, &t)
            })
            .py_err(py)
            .map(Party)
        })
    }

    /// Remove tags from a party.
    fn remove_tags(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>, tags: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let tags = text_list(tags, "tags")?;
            py.detach(|| {
                let t: Vec<&str> = tags.iter().map(String::as_str).collect();
                db.remove_tags(id, &t)
            })
            .py_err(py)
            .map(Party)
        })
    }

    // -------------------------------------------------------- notes

    /// Add a note to a party, written by this handle's actor.
    fn add_note(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>, body: &Bound<'_, PyAny>) -> PyResult<Note> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let body = text(body, "body")?;
            py.detach(|| db.add_note(id, &body)).py_err(py).map(Note)
        })
    }

    /// A party's notes, newest first.
    fn notes(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>) -> PyResult<Vec<Note>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let notes = py.detach(|| db.notes(id)).py_err(py)?;
            Ok(notes.into_iter().map(Note).collect())
        })
    }

    /// Delete a note.
    fn delete_note(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.delete_note(id, v)).py_err(py)
        })
    }

    // -------------------------------------------------------- contact points

    /// Add a contact point: `kind` ("email", "phone", "address", "web",
    /// "social"), the value's fields, and `label`, `primary`, `verified`.
    #[pyo3(
        signature = (party_id, kind, **fields),
        text_signature = "(self, party_id, kind, *, label=None, primary=False, verified=False, **value)"
    )]
    fn add_contact_point(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        kind: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ContactPoint> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let kind = text(kind, "kind")?;
            let cp = new_contact(py, &kind, kwargs_of(fields)?, "", &|k| unexpected_kwarg("add_contact_point", k))?;
            py.detach(|| db.add_contact_point(id, cp)).py_err(py).map(ContactPoint)
        })
    }

    /// Change a contact point: `label` (None clears), `primary`,
    /// `verified`, or a new value given as `kind` and its fields.
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, label=..., primary=..., verified=..., kind=..., **value)"
    )]
    fn update_contact_point(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ContactPoint> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = ContactPointPatch::default();
            let mut kind = None;
            let mut value_fields = Vec::new();
            for (k, x) in kwargs_of(fields)? {
                match k.as_str() {
                    "label" => patch.label = Some(clear_or(&x, |o| text(o, "label"))?),
                    "primary" => patch.primary = Some(boolean(&x, "primary")?),
                    "verified" => patch.verified = Some(boolean(&x, "verified")?),
                    "kind" => kind = Some(text(&x, "kind")?),
                    _ => value_fields.push((k, x)),
                }
            }
            match kind {
                Some(kind) => {
                    let (value, rest) = contact_value(py, &kind, value_fields, "value")?;
                    if let Some((k, _)) = rest.first() {
                        return Err(unexpected_kwarg("update_contact_point", k));
                    }
                    patch.value = Some(value);
                }
                None => {
                    if let Some((k, _)) = value_fields.first() {
                        return Err(type_error(
                            "",
                            format!(
                                "update_contact_point() got '{k}' without kind=: give the new value's kind and fields, or only label, primary, verified"
                            ),
                        ));
                    }
                }
            }
            py.detach(|| db.update_contact_point(id, v, &patch)).py_err(py).map(ContactPoint)
        })
    }

    /// Remove a contact point.
    fn remove_contact_point(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.remove_contact_point(id, v)).py_err(py)
        })
    }

    /// Parties having a contact point with this value (normalized first):
    /// `find_by_contact("email", address="anna@acme.lv")`.
    #[pyo3(signature = (kind, **value), text_signature = "(self, kind, **value)")]
    fn find_by_contact(
        &self,
        py: Python<'_>,
        kind: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<Party>> {
        guard(py, || {
            let db = self.handle(py)?;
            let kind = text(kind, "kind")?;
            let (v, rest) = contact_value(py, &kind, kwargs_of(value)?, "")?;
            if let Some((k, _)) = rest.first() {
                return Err(unexpected_kwarg("find_by_contact", k));
            }
            let found = py.detach(|| db.find_by_contact(v)).py_err(py)?;
            Ok(found.into_iter().map(Party).collect())
        })
    }

    // -------------------------------------------------------- roles

    /// Add a role ("customer", "partner", "supplier", "employee",
    /// "stakeholder", "competitor") with its details as keyword arguments.
    #[pyo3(
        signature = (party_id, role, *, valid_from=None, valid_to=None, **details),
        text_signature = "(self, party_id, role, *, valid_from=None, valid_to=None, **details)"
    )]
    fn add_role(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        role: &Bound<'_, PyAny>,
        valid_from: Option<&Bound<'_, PyAny>>,
        valid_to: Option<&Bound<'_, PyAny>>,
        details: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Role> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let role = text(role, "role")?;
            let new = crm_core::NewRole {
                details: role_details(py, &role, kwargs_of(details)?, "role")?,
                valid_from: opt_date(valid_from, "valid_from")?,
                valid_to: opt_date(valid_to, "valid_to")?,
            };
            py.detach(|| db.add_role(id, new)).py_err(py).map(Role)
        })
    }

    /// Change a role: `valid_from` / `valid_to` (None clears), or its
    /// details, given whole with `role=` (the kind cannot change).
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, valid_from=..., valid_to=..., role=..., **details)"
    )]
    fn update_role(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Role> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = RolePatch::default();
            let mut role = None;
            let mut details = Vec::new();
            for (k, x) in kwargs_of(fields)? {
                match k.as_str() {
                    "valid_from" => patch.valid_from = Some(clear_or(&x, |o| date(o, "valid_from"))?),
                    "valid_to" => patch.valid_to = Some(clear_or(&x, |o| date(o, "valid_to"))?),
                    "role" => role = Some(text(&x, "role")?),
                    _ => details.push((k, x)),
                }
            }
            match role {
                Some(r) => patch.details = Some(role_details(py, &r, details, "role")?),
                None => {
                    if let Some((k, _)) = details.first() {
                        return Err(type_error(
                            "",
                            format!(
                                "update_role() got '{k}' without role=: details are given whole, with the role's name"
                            ),
                        ));
                    }
                }
            }
            py.detach(|| db.update_role(id, v, &patch)).py_err(py).map(Role)
        })
    }

    /// Remove a role.
    fn remove_role(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.remove_role(id, v)).py_err(py)
        })
    }

    // -------------------------------------------------------- custom fields

    /// Define a custom field on "party", "person" or "organization" of
    /// type "text", "integer", "decimal", "bool", "date", "choice" or
    /// "choices".
    #[pyo3(signature = (entity, name, field_type, *, label=None, required=false, unique=false, choices=None))]
    #[allow(clippy::too_many_arguments)]
    fn define_field(
        &self,
        py: Python<'_>,
        entity: &Bound<'_, PyAny>,
        name: &Bound<'_, PyAny>,
        field_type: &Bound<'_, PyAny>,
        label: Option<&Bound<'_, PyAny>>,
        required: bool,
        unique: bool,
        choices: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<FieldDef> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new =
                NewFieldDef::new(text(entity, "entity")?, text(name, "name")?, enum_value(field_type, "field_type")?);
            new.label = opt_text(label, "label")?;
            new.required = required;
            new.unique = unique;
            if let Some(c) = choices.filter(|c| !c.is_none()) {
                new.choices = text_list(c, "choices")?;
            }
            py.detach(|| db.define_field(new)).py_err(py).map(FieldDef)
        })
    }

    /// The custom fields defined for an entity ("party", "person",
    /// "organization"), or all of them.
    #[pyo3(signature = (entity=None))]
    fn fields(&self, py: Python<'_>, entity: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<FieldDef>> {
        guard(py, || {
            let db = self.handle(py)?;
            let entity = opt_text(entity, "entity")?;
            let defs = py.detach(|| db.fields(entity.as_deref())).py_err(py)?;
            Ok(defs.into_iter().map(FieldDef).collect())
        })
    }

    /// Remove a custom field and every value of it.
    fn remove_field(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.remove_field(id, v)).py_err(py)
        })
    }

    // -------------------------------------------------------- relationships

    /// Register a relationship type of your own.
    #[pyo3(signature = (code, forward_label, *, inverse_label=None, symmetric=false, allow_self=false, from_kinds=None, to_kinds=None, membership=false))]
    #[allow(clippy::too_many_arguments)]
    fn define_relationship_type(
        &self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        forward_label: &Bound<'_, PyAny>,
        inverse_label: Option<&Bound<'_, PyAny>>,
        symmetric: bool,
        allow_self: bool,
        from_kinds: Option<&Bound<'_, PyAny>>,
        to_kinds: Option<&Bound<'_, PyAny>>,
        membership: bool,
    ) -> PyResult<RelationshipType> {
        guard(py, || {
            let db = self.handle(py)?;
            let kinds = |o: Option<&Bound<'_, PyAny>>, f: &str| -> PyResult<Vec<PartyKind>> {
                match o.filter(|x| !x.is_none()) {
                    None => Ok(Vec::new()),
                    Some(x) => {
                        items(x, f)?.iter().enumerate().map(|(i, k)| enum_value(k, &format!("{f}[{i}]"))).collect()
                    }
                }
            };
            let new = NewRelationshipType {
                code: text(code, "code")?,
                forward_label: text(forward_label, "forward_label")?,
                inverse_label: opt_text(inverse_label, "inverse_label")?,
                symmetric,
                allow_self,
                from_kinds: kinds(from_kinds, "from_kinds")?,
                to_kinds: kinds(to_kinds, "to_kinds")?,
                membership,
            };
            py.detach(|| db.define_relationship_type(new)).py_err(py).map(RelationshipType)
        })
    }

    /// Every relationship type, the standard ones included, by code.
    fn relationship_types(&self, py: Python<'_>) -> PyResult<Vec<RelationshipType>> {
        guard(py, || {
            let db = self.handle(py)?;
            let types = py.detach(|| db.relationship_types()).py_err(py)?;
            Ok(types.into_iter().map(RelationshipType).collect())
        })
    }

    /// Relate two parties: `create_relationship("employee_of", anna.id,
    /// acme.id)`.
    #[pyo3(signature = (r#type, from_id, to_id, *, valid_from=None, valid_to=None, strength=None, notes=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_relationship(
        &self,
        py: Python<'_>,
        r#type: &Bound<'_, PyAny>,
        from_id: &Bound<'_, PyAny>,
        to_id: &Bound<'_, PyAny>,
        valid_from: Option<&Bound<'_, PyAny>>,
        valid_to: Option<&Bound<'_, PyAny>>,
        strength: Option<&Bound<'_, PyAny>>,
        notes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Relationship> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = NewRelationship::new(text(r#type, "type")?, uuid(from_id, "from_id")?, uuid(to_id, "to_id")?);
            new.valid_from = opt_date(valid_from, "valid_from")?;
            new.valid_to = opt_date(valid_to, "valid_to")?;
            new.strength = match strength.filter(|s| !s.is_none()) {
                Some(s) => Some(number(s, "strength")?),
                None => None,
            };
            new.notes = opt_text(notes, "notes")?;
            py.detach(|| db.create_relationship(new)).py_err(py).map(Relationship)
        })
    }

    /// A relationship by id.
    fn get_relationship(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Relationship> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_relationship(id)).py_err(py).map(Relationship)
        })
    }

    /// Change a relationship's `valid_from`, `valid_to`, `strength` or
    /// `notes` (None clears).
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, valid_from=..., valid_to=..., strength=..., notes=...)"
    )]
    fn update_relationship(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Relationship> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = RelationshipPatch::default();
            for (k, x) in kwargs_of(fields)? {
                match k.as_str() {
                    "valid_from" => patch.valid_from = Some(clear_or(&x, |o| date(o, "valid_from"))?),
                    "valid_to" => patch.valid_to = Some(clear_or(&x, |o| date(o, "valid_to"))?),
                    "strength" => patch.strength = Some(clear_or(&x, |o| number(o, "strength"))?),
                    "notes" => patch.notes = Some(clear_or(&x, |o| text(o, "notes"))?),
                    other => return Err(unexpected_kwarg("update_relationship", other)),
                }
            }
            py.detach(|| db.update_relationship(id, v, &patch)).py_err(py).map(Relationship)
        })
    }

    /// Delete a relationship.
    fn delete_relationship(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.delete_relationship(id, v)).py_err(py)
        })
    }

    /// The parties related to a party: `type` narrows to one relationship
    /// type, `direction` is "outgoing", "incoming" or "both", `at` keeps
    /// relationships holding on that date.
    #[pyo3(signature = (party_id, *, r#type=None, direction=None, at=None, include_archived=false))]
    fn neighbours(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        r#type: Option<&Bound<'_, PyAny>>,
        direction: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
        include_archived: bool,
    ) -> PyResult<Vec<Neighbour>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let q = NeighbourQuery {
                type_code: opt_text(r#type, "type")?,
                direction: opt_enum(direction, "direction")?.unwrap_or_default(),
                at: opt_date(at, "at")?,
                include_archived,
            };
            let found = py.detach(|| db.neighbours(id, &q)).py_err(py)?;
            Ok(found.into_iter().map(Neighbour).collect())
        })
    }

    /// Everyone at an organization: sub-organizations, their people and the
    /// people with a membership relationship (holding on `at`, if given).
    #[pyo3(signature = (organization_id, *, at=None))]
    fn members(
        &self,
        py: Python<'_>,
        organization_id: &Bound<'_, PyAny>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Party>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(organization_id, "organization_id")?;
            let at = opt_date(at, "at")?;
            let found = py.detach(|| db.members(id, at)).py_err(py)?;
            Ok(found.into_iter().map(Party).collect())
        })
    }

    /// The shortest chain of relationships between two parties, at most
    /// `max_depth` hops (1 to 6), or None if there is none.
    #[pyo3(
        signature = (from_id, to_id, *, max_depth=None, at=None),
        text_signature = "(self, from_id, to_id, *, max_depth=6, at=None)"
    )]
    fn shortest_path(
        &self,
        py: Python<'_>,
        from_id: &Bound<'_, PyAny>,
        to_id: &Bound<'_, PyAny>,
        max_depth: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Vec<PathStep>>> {
        guard(py, || {
            let db = self.handle(py)?;
            let from = uuid(from_id, "from_id")?;
            let to = uuid(to_id, "to_id")?;
            let depth: usize = match max_depth {
                Some(d) => integer(d, "max_depth")?,
                None => 6,
            };
            let at = opt_date(at, "at")?;
            let path = py.detach(|| db.shortest_path(from, to, depth, at)).py_err(py)?;
            Ok(path.map(|p| p.into_iter().map(PathStep).collect()))
        })
    }

    // -------------------------------------------------------- lists

    /// Iterate over the parties matching the filters, fetching pages of
    /// `page_size` as you go.
    #[pyo3(
        signature = (**filters),
        text_signature = "(self, *, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None, sort='name', descending=False, page_size=None)"
    )]
    fn parties(&self, py: Python<'_>, filters: Option<&Bound<'_, PyDict>>) -> PyResult<PartyIterator> {
        guard(py, || {
            let db = self.handle(py)?;
            let query = party_query(kwargs_of(filters)?, "parties", "page_size")?;
            Ok(PartyIterator { db, query, buffer: VecDeque::new(), done: false })
        })
    }

    /// One page of parties; pass the page's `next` as `after` to go on.
    #[pyo3(
        signature = (**filters),
        text_signature = "(self, *, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None, sort='name', descending=False, limit=None, after=None)"
    )]
    fn list_parties(&self, py: Python<'_>, filters: Option<&Bound<'_, PyDict>>) -> PyResult<Page> {
        guard(py, || {
            let db = self.handle(py)?;
            let query = party_query(kwargs_of(filters)?, "list_parties", "limit")?;
            py.detach(|| db.list_parties(&query)).py_err(py).map(Page)
        })
    }

    /// How many parties match the filters.
    #[pyo3(
        signature = (**filters),
        text_signature = "(self, *, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None)"
    )]
    fn count_parties(&self, py: Python<'_>, filters: Option<&Bound<'_, PyDict>>) -> PyResult<u64> {
        guard(py, || {
            let db = self.handle(py)?;
            let (filter, rest) = party_filter(kwargs_of(filters)?)?;
            if let Some((k, _)) = rest.first() {
                return Err(unexpected_kwarg("count_parties", k));
            }
            py.detach(|| db.count_parties(&filter)).py_err(py)
        })
    }

    // -------------------------------------------------------- audit, outbox

    /// The audit log of one record, oldest first.
    fn history(&self, py: Python<'_>, entity_id: &Bound<'_, PyAny>) -> PyResult<Vec<AuditEntry>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(entity_id, "entity_id")?;
            let log = py.detach(|| db.history(id)).py_err(py)?;
            Ok(log.into_iter().map(AuditEntry).collect())
        })
    }

    /// Outbox events with a sequence number above `seq`, in order, at most
    /// `limit` of them.
    #[pyo3(
        signature = (seq=None, limit=None),
        text_signature = "(self, seq=0, limit=100)"
    )]
    fn events_after(
        &self,
        py: Python<'_>,
        seq: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Event>> {
        guard(py, || {
            let db = self.handle(py)?;
            let seq: i64 = seq.map(|s| integer(s, "seq")).transpose()?.unwrap_or(0);
            let limit: usize = limit.map(|l| integer(l, "limit")).transpose()?.unwrap_or(100);
            let events = py.detach(|| db.events_after(seq, limit)).py_err(py)?;
            Ok(events.into_iter().map(Event).collect())
        })
    }

    /// Remove outbox events up to and including `seq`; returns how many.
    fn prune_events(&self, py: Python<'_>, seq: &Bound<'_, PyAny>) -> PyResult<usize> {
        guard(py, || {
            let db = self.handle(py)?;
            let seq: i64 = integer(seq, "seq")?;
            py.detach(|| db.prune_events(seq)).py_err(py)
        })
    }
}

/// The parties of a list, fetched a page at a time as you iterate.
#[pyclass(module = "crm._crm", name = "PartyIterator")]
pub struct PartyIterator {
    db: crm_core::Crm,
    query: PartyQuery,
    buffer: VecDeque<crm_core::Party>,
    done: bool,
}

#[pymethods]
impl PartyIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Party>> {
        guard(py, || {
            if self.buffer.is_empty() && !self.done {
                let db = self.db.clone();
                let query = self.query.clone();
                let page = py.detach(|| db.list_parties(&query)).py_err(py)?;
                self.done = page.next.is_none();
                self.query.after = page.next;
                self.buffer.extend(page.items);
            }
            Ok(self.buffer.pop_front().map(Party))
        })
    }
}

// ------------------------------------------------------------ open

/// Open (or create) a base: a file path, or ":memory:" for a new base in
/// memory. `busy_timeout` is in seconds; `default_region` reads phone
/// numbers written without +country; `actor` names who the writes are by.
#[pyfunction]
#[pyo3(
    signature = (path, *, read_only=false, default_region=None, busy_timeout=None, readers=None, actor=None),
    text_signature = "(path, *, read_only=False, default_region=None, busy_timeout=5.0, readers=4, actor=None)"
)]
fn open(
    py: Python<'_>,
    path: &Bound<'_, PyAny>,
    read_only: bool,
    default_region: Option<&Bound<'_, PyAny>>,
    busy_timeout: Option<&Bound<'_, PyAny>>,
    readers: Option<&Bound<'_, PyAny>>,
    actor: Option<&Bound<'_, PyAny>>,
) -> PyResult<Crm> {
    guard(py, || {
        let path: PathBuf = if path.is_instance_of::<PyString>() {
            PathBuf::from(text(path, "path")?)
        } else {
            path.extract().map_err(|_| type_error("path", "expected str or os.PathLike"))?
        };
        if path.as_os_str().to_string_lossy().contains('\0') {
            return Err(errors::validation(py, "path", "must not contain NUL characters"));
        }
        let busy_timeout = match busy_timeout {
            Some(b) => {
                let secs = number(b, "busy_timeout")?;
                Duration::try_from_secs_f64(secs)
                    .map_err(|_| errors::validation(py, "busy_timeout", format!("{secs} is not a number of seconds")))?
            }
            None => Options::default().busy_timeout,
        };
        let options = Options {
            read_only,
            busy_timeout,
            readers: match readers {
                Some(r) => integer(r, "readers")?,
                None => Options::default().readers,
            },
            default_region: opt_text(default_region, "default_region")?,
        };
        let actor = opt_text(actor, "actor")?;
        let db = py
            .detach(|| {
                if path.as_os_str() == ":memory:" {
                    crm_core::Crm::open_in_memory_with(options)
                } else {
                    crm_core::Crm::open_with(&path, options)
                }
            })
            .py_err(py)?;
        Ok(Crm::wrap(match actor {
            Some(a) => db.with_actor(a),
            None => db,
        }))
    })
}

/// Test hook: panics inside the panic boundary, to show that a panic
/// reaches Python as `CrmError`.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    guard(py, || std::panic::panic_any(message))
}

/// The extension module `crm._crm`.
#[pymodule]
fn _crm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", crm_core::SCHEMA_VERSION)?;
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_class::<Crm>()?;
    m.add_class::<PartyIterator>()?;
    m.add_class::<Party>()?;
    m.add_class::<ContactPoint>()?;
    m.add_class::<Role>()?;
    m.add_class::<Note>()?;
    m.add_class::<FieldDef>()?;
    m.add_class::<RelationshipType>()?;
    m.add_class::<Relationship>()?;
    m.add_class::<Neighbour>()?;
    m.add_class::<PathStep>()?;
    m.add_class::<AuditEntry>()?;
    m.add_class::<Event>()?;
    m.add_class::<Page>()?;
    Ok(())
}
