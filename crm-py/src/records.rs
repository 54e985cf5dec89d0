//! The records handed to Python: frozen wrappers around the core's structs,
//! whose attributes convert on access.

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{contact_details_dict, custom_dict, enum_text, json_to_py, role_details_dict};

pub(crate) fn repr_str(py: Python<'_>, s: &str) -> String {
    PyString::new(py, s).repr().and_then(|r| r.extract::<String>()).unwrap_or_else(|_| format!("{s:?}"))
}

fn opt_repr(py: Python<'_>, s: Option<&str>) -> String {
    s.map(|s| repr_str(py, s)).unwrap_or_else(|| "None".to_string())
}

/// Set the items of a `to_dict()`.
macro_rules! dict {
    ($py:expr, { $($k:literal : $v:expr),* $(,)? }) => {{
        let d = PyDict::new($py);
        $( d.set_item($k, $v)?; )*
        Ok(d)
    }};
}

// ------------------------------------------------------------------ Party

/// A person or an organization, with everything it holds.
#[pyclass(frozen, eq, module = "crm._crm", name = "Party")]
#[derive(PartialEq)]
pub struct Party(pub crm_core::Party);

#[pymethods]
impl Party {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }
    #[getter]
    fn given_name(&self) -> Option<&str> {
        self.0.given_name.as_deref()
    }
    #[getter]
    fn family_name(&self) -> Option<&str> {
        self.0.family_name.as_deref()
    }
    #[getter]
    fn birth_date(&self) -> Option<NaiveDate> {
        self.0.birth_date
    }
    #[getter]
    fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    #[getter]
    fn legal_name(&self) -> Option<&str> {
        self.0.legal_name.as_deref()
    }
    #[getter]
    fn registration_number(&self) -> Option<&str> {
        self.0.registration_number.as_deref()
    }
    #[getter]
    fn vat_number(&self) -> Option<&str> {
        self.0.vat_number.as_deref()
    }
    #[getter]
    fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }
    #[getter]
    fn size(&self) -> Option<String> {
        self.0.size.as_ref().map(enum_text)
    }
    #[getter]
    fn parent_id(&self) -> Option<String> {
        self.0.parent_id.map(|u| u.to_string())
    }
    #[getter]
    fn commercial_id(&self) -> String {
        self.0.commercial_id.to_string()
    }
    #[getter]
    fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    #[getter]
    fn roles(&self) -> Vec<Role> {
        self.0.roles.iter().cloned().map(Role).collect()
    }
    #[getter]
    fn contact_points(&self) -> Vec<ContactPoint> {
        self.0.contact_points.iter().cloned().map(ContactPoint).collect()
    }
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.0.tags.clone()
    }
    #[getter]
    fn custom<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        custom_dict(py, &self.0.custom)
    }
    #[getter]
    fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
    #[getter]
    fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// The primary contact point of a kind ("email", "phone", "address",
    /// "web", "social"), or None.
    fn primary(&self, kind: &str) -> Option<ContactPoint> {
        self.0.contact_points.iter().find(|c| c.primary && c.value.kind().as_str() == kind).cloned().map(ContactPoint)
    }

    /// Whether it holds a role of this kind ("customer", …) at any time.
    fn has_role(&self, role: &str) -> bool {
        self.0.roles.iter().any(|r| r.details.kind().as_str() == role)
    }

    /// The record as a dict of Python values (nested records as dicts too).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let roles = PyList::empty(py);
        for r in &self.0.roles {
            roles.append(Role(r.clone()).to_dict(py)?)?;
        }
        let cps = PyList::empty(py);
        for c in &self.0.contact_points {
            cps.append(ContactPoint(c.clone()).to_dict(py)?)?;
        }
        dict!(py, {
            "id": self.id(),
            "kind": self.kind(),
            "display_name": self.display_name(),
            "given_name": self.given_name(),
            "family_name": self.family_name(),
            "birth_date": self.birth_date(),
            "language": self.language(),
            "legal_name": self.legal_name(),
            "registration_number": self.registration_number(),
            "vat_number": self.vat_number(),
            "industry": self.industry(),
            "size": self.size(),
            "parent_id": self.parent_id(),
            "commercial_id": self.commercial_id(),
            "country": self.country(),
            "roles": roles,
            "contact_points": cps,
            "tags": self.tags(),
            "custom": self.custom(py)?,
            "archived_at": self.archived_at(),
            "created_at": self.created_at(),
            "updated_at": self.updated_at(),
            "version": self.version(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Party(id={}, kind={}, display_name={}, version={})",
            repr_str(py, &self.id()),
            repr_str(py, self.kind()),
            repr_str(py, &self.0.display_name),
            self.0.version
        )
    }
}

// ------------------------------------------------------------ ContactPoint

/// A contact point of a party: an email, phone, postal address, web site
/// or social identity.
#[pyclass(frozen, eq, module = "crm._crm", name = "ContactPoint")]
#[derive(PartialEq)]
pub struct ContactPoint(pub crm_core::ContactPoint);

#[pymethods]
impl ContactPoint {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    #[getter]
    fn party_id(&self) -> String {
        self.0.party_id.to_string()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.value.kind().as_str()
    }
    /// The normalized value: the lower-case email, the E.164 number, the
    /// URL, `network:handle`, or the address on one line.
    #[getter]
    fn value(&self) -> String {
        self.0.value.key()
    }
    /// The fields of the value, by name (`address`; `number` and `region`;
    /// `street`, …, `country`; `url`; `network` and `handle`).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        contact_details_dict(py, &self.0.value)
    }
    #[getter]
    fn raw(&self) -> Option<&str> {
        self.0.raw.as_deref()
    }
    #[getter]
    fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    #[getter]
    fn primary(&self) -> bool {
        self.0.primary
    }
    #[getter]
    fn verified(&self) -> bool {
        self.0.verified
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// The record as a dict: `kind`, the value's fields, then the rest.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("party_id", self.party_id())?;
        d.set_item("kind", self.kind())?;
        for (k, v) in self.details(py)?.iter() {
            d.set_item(k, v)?;
        }
        d.set_item("raw", self.raw())?;
        d.set_item("label", self.label())?;
        d.set_item("primary", self.primary())?;
        d.set_item("verified", self.verified())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("updated_at", self.updated_at())?;
        d.set_item("version", self.version())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "ContactPoint(id={}, kind={}, value={}, primary={}, version={})",
            repr_str(py, &self.id()),
            repr_str(py, self.kind()),
            repr_str(py, &self.value()),
            if self.0.primary { "True" } else { "False" },
            self.0.version
        )
    }
}

// ------------------------------------------------------------------ Role

/// A role a party holds (customer, partner, supplier, employee,
/// stakeholder, competitor) over a span of dates.
#[pyclass(frozen, eq, module = "crm._crm", name = "Role")]
#[derive(PartialEq)]
pub struct Role(pub crm_core::Role);

#[pymethods]
impl Role {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    #[getter]
    fn party_id(&self) -> String {
        self.0.party_id.to_string()
    }
    /// "customer", "partner", "supplier", "employee", "stakeholder" or
    /// "competitor".
    #[getter]
    fn role(&self) -> &'static str {
        self.0.details.kind().as_str()
    }
    /// The role's details by name (a customer's `tier`, `vip`,
    /// `lifecycle_stage`, `customer_number`; …).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        role_details_dict(py, &self.0.details)
    }
    #[getter]
    fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }
    #[getter]
    fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// Whether the role holds on a date.
    fn holds_on(&self, day: NaiveDate) -> bool {
        self.0.holds_on(day)
    }

    /// The record as a dict: `role`, its details, then the rest.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("party_id", self.party_id())?;
        d.set_item("role", self.role())?;
        for (k, v) in self.details(py)?.iter() {
            d.set_item(k, v)?;
        }
        d.set_item("valid_from", self.valid_from())?;
        d.set_item("valid_to", self.valid_to())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("updated_at", self.updated_at())?;
        d.set_item("version", self.version())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Role(id={}, role={}, version={})", repr_str(py, &self.id()), repr_str(py, self.role()), self.0.version)
    }
}

// ------------------------------------------------------------------ Note

/// A note on a party.
#[pyclass(frozen, eq, module = "crm._crm", name = "Note")]
#[derive(PartialEq)]
pub struct Note(pub crm_core::Note);

#[pymethods]
impl Note {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    #[getter]
    fn party_id(&self) -> String {
        self.0.party_id.to_string()
    }
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }
    #[getter]
    fn author(&self) -> &str {
        &self.0.author
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "id": self.id(),
            "party_id": self.party_id(),
            "body": self.body(),
            "author": self.author(),
            "created_at": self.created_at(),
            "updated_at": self.updated_at(),
            "version": self.version(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Note(id={}, author={}, version={})",
            repr_str(py, &self.id()),
            repr_str(py, &self.0.author),
            self.0.version
        )
    }
}

// ------------------------------------------------------------------ FieldDef

/// The definition of a custom field.
#[pyclass(frozen, eq, module = "crm._crm", name = "FieldDef")]
#[derive(PartialEq)]
pub struct FieldDef(pub crm_core::FieldDef);

#[pymethods]
impl FieldDef {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    #[getter]
    fn entity(&self) -> &str {
        &self.0.entity
    }
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    #[getter]
    fn field_type(&self) -> String {
        enum_text(&self.0.field_type)
    }
    #[getter]
    fn required(&self) -> bool {
        self.0.required
    }
    #[getter]
    fn unique(&self) -> bool {
        self.0.unique
    }
    #[getter]
    fn choices(&self) -> Vec<String> {
        self.0.choices.clone()
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "id": self.id(),
            "entity": self.entity(),
            "name": self.name(),
            "label": self.label(),
            "field_type": self.field_type(),
            "required": self.required(),
            "unique": self.unique(),
            "choices": self.choices(),
            "created_at": self.created_at(),
            "updated_at": self.updated_at(),
            "version": self.version(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "FieldDef(entity={}, name={}, field_type={}, version={})",
            repr_str(py, &self.0.entity),
            repr_str(py, &self.0.name),
            repr_str(py, &self.field_type()),
            self.0.version
        )
    }
}

// ------------------------------------------------------- RelationshipType

/// A kind of relationship, named in both directions.
#[pyclass(frozen, eq, module = "crm._crm", name = "RelationshipType")]
#[derive(PartialEq)]
pub struct RelationshipType(pub crm_core::RelationshipType);

#[pymethods]
impl RelationshipType {
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }
    #[getter]
    fn forward_label(&self) -> &str {
        &self.0.forward_label
    }
    #[getter]
    fn inverse_label(&self) -> &str {
        &self.0.inverse_label
    }
    #[getter]
    fn symmetric(&self) -> bool {
        self.0.symmetric
    }
    #[getter]
    fn allow_self(&self) -> bool {
        self.0.allow_self
    }
    // The Python attribute keeps the name of the core field.
    #[allow(clippy::wrong_self_convention)]
    #[getter]
    fn from_kinds(&self) -> Vec<&'static str> {
        self.0.from_kinds.iter().map(|k| k.as_str()).collect()
    }
    #[getter]
    fn to_kinds(&self) -> Vec<&'static str> {
        self.0.to_kinds.iter().map(|k| k.as_str()).collect()
    }
    #[getter]
    fn membership(&self) -> bool {
        self.0.membership
    }
    #[getter]
    fn builtin(&self) -> bool {
        self.0.builtin
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "code": self.code(),
            "forward_label": self.forward_label(),
            "inverse_label": self.inverse_label(),
            "symmetric": self.symmetric(),
            "allow_self": self.allow_self(),
            "from_kinds": self.from_kinds(),
            "to_kinds": self.to_kinds(),
            "membership": self.membership(),
            "builtin": self.builtin(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RelationshipType(code={}, forward_label={}, inverse_label={})",
            repr_str(py, &self.0.code),
            repr_str(py, &self.0.forward_label),
            repr_str(py, &self.0.inverse_label)
        )
    }
}

// ------------------------------------------------------------ Relationship

/// A relationship between two parties.
#[pyclass(frozen, eq, module = "crm._crm", name = "Relationship")]
#[derive(PartialEq)]
pub struct Relationship(pub crm_core::Relationship);

#[pymethods]
impl Relationship {
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    /// The code of its type ("employee_of").
    #[getter(r#type)]
    fn type_code(&self) -> &str {
        &self.0.type_code
    }
    // The Python attribute keeps the name of the core field.
    #[allow(clippy::wrong_self_convention)]
    #[getter]
    fn from_id(&self) -> String {
        self.0.from_id.to_string()
    }
    #[getter]
    fn to_id(&self) -> String {
        self.0.to_id.to_string()
    }
    #[getter]
    fn valid_from(&self) -> Option<NaiveDate> {
        self.0.valid_from
    }
    #[getter]
    fn valid_to(&self) -> Option<NaiveDate> {
        self.0.valid_to
    }
    #[getter]
    fn strength(&self) -> Option<f64> {
        self.0.strength
    }
    #[getter]
    fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// Whether it holds on a date.
    fn holds_on(&self, day: NaiveDate) -> bool {
        self.0.holds_on(day)
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "id": self.id(),
            "type": self.type_code(),
            "from_id": self.from_id(),
            "to_id": self.to_id(),
            "valid_from": self.valid_from(),
            "valid_to": self.valid_to(),
            "strength": self.strength(),
            "notes": self.notes(),
            "created_at": self.created_at(),
            "updated_at": self.updated_at(),
            "version": self.version(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Relationship(id={}, type={}, from_id={}, to_id={}, version={})",
            repr_str(py, &self.id()),
            repr_str(py, &self.0.type_code),
            repr_str(py, &self.from_id()),
            repr_str(py, &self.to_id()),
            self.0.version
        )
    }
}

// ------------------------------------------------------------ Neighbour

/// A party related to the one asked about.
#[pyclass(frozen, eq, module = "crm._crm", name = "Neighbour")]
#[derive(PartialEq)]
pub struct Neighbour(pub crm_core::Neighbour);

#[pymethods]
impl Neighbour {
    #[getter]
    fn party_id(&self) -> String {
        self.0.party_id.to_string()
    }
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }
    /// The label read from the party asked about ("employer of").
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }
    /// "outgoing" if the party asked about is the relationship's `from`.
    #[getter]
    fn direction(&self) -> String {
        enum_text(&self.0.direction)
    }
    #[getter]
    fn relationship(&self) -> Relationship {
        Relationship(self.0.relationship.clone())
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "party_id": self.party_id(),
            "display_name": self.display_name(),
            "kind": self.kind(),
            "label": self.label(),
            "direction": self.direction(),
            "relationship": self.relationship().to_dict(py)?,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Neighbour(display_name={}, label={}, direction={})",
            repr_str(py, &self.0.display_name),
            repr_str(py, &self.0.label),
            repr_str(py, &self.direction())
        )
    }
}

// ------------------------------------------------------------ PathStep

/// One hop of a path through the relationship graph.
#[pyclass(frozen, eq, module = "crm._crm", name = "PathStep")]
#[derive(PartialEq)]
pub struct PathStep(pub crm_core::PathStep);

#[pymethods]
impl PathStep {
    // The Python attribute keeps the name of the core field.
    #[allow(clippy::wrong_self_convention)]
    #[getter]
    fn from_id(&self) -> String {
        self.0.from_id.to_string()
    }
    #[getter]
    fn to_id(&self) -> String {
        self.0.to_id.to_string()
    }
    #[getter]
    fn relationship_id(&self) -> String {
        self.0.relationship_id.to_string()
    }
    #[getter(r#type)]
    fn type_code(&self) -> &str {
        &self.0.type_code
    }
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "from_id": self.from_id(),
            "to_id": self.to_id(),
            "relationship_id": self.relationship_id(),
            "type": self.type_code(),
            "label": self.label(),
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "PathStep(from_id={}, label={}, to_id={})",
            repr_str(py, &self.from_id()),
            repr_str(py, &self.0.label),
            repr_str(py, &self.to_id())
        )
    }
}

// ------------------------------------------------------------ AuditEntry

/// One row of the audit log.
#[pyclass(frozen, eq, module = "crm._crm", name = "AuditEntry")]
#[derive(PartialEq)]
pub struct AuditEntry(pub crm_core::AuditEntry);

#[pymethods]
impl AuditEntry {
    #[getter]
    fn seq(&self) -> i64 {
        self.0.seq
    }
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    #[getter]
    fn actor(&self) -> &str {
        &self.0.actor
    }
    #[getter]
    fn entity(&self) -> &str {
        &self.0.entity
    }
    #[getter]
    fn entity_id(&self) -> String {
        self.0.entity_id.to_string()
    }
    /// "created", "updated", "archived", "restored" or "deleted".
    #[getter]
    fn action(&self) -> String {
        enum_text(&self.0.action)
    }
    /// For an update `{"field": [old, new], …}`; for a creation the new
    /// record; for a deletion the record as it was (JSON values).
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0.changes)
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "seq": self.seq(),
            "at": self.at(),
            "actor": self.actor(),
            "entity": self.entity(),
            "entity_id": self.entity_id(),
            "action": self.action(),
            "changes": self.changes(py)?,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "AuditEntry(seq={}, entity={}, action={}, actor={})",
            self.0.seq,
            repr_str(py, &self.0.entity),
            repr_str(py, &self.action()),
            repr_str(py, &self.0.actor)
        )
    }
}

// ------------------------------------------------------------------ Event

/// One event of the outbox.
#[pyclass(frozen, eq, module = "crm._crm", name = "Event")]
#[derive(PartialEq)]
pub struct Event(pub crm_core::Event);

#[pymethods]
impl Event {
    #[getter]
    fn seq(&self) -> i64 {
        self.0.seq
    }
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// `<entity>.<action>`, e.g. "party.created".
    #[getter]
    fn topic(&self) -> &str {
        &self.0.topic
    }
    #[getter]
    fn entity(&self) -> &str {
        &self.0.entity
    }
    #[getter]
    fn entity_id(&self) -> String {
        self.0.entity_id.to_string()
    }
    /// The record after the change (before it, for a deletion), as JSON
    /// values.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0.payload)
    }

    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dict!(py, {
            "seq": self.seq(),
            "at": self.at(),
            "topic": self.topic(),
            "entity": self.entity(),
            "entity_id": self.entity_id(),
            "payload": self.payload(py)?,
        })
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Event(seq={}, topic={}, entity_id={})",
            self.0.seq,
            repr_str(py, &self.0.topic),
            repr_str(py, &self.entity_id())
        )
    }
}

// ------------------------------------------------------------------ Page

/// One page of a party list; pass `next` as `after` to get the next one.
#[pyclass(frozen, eq, module = "crm._crm", name = "Page")]
#[derive(PartialEq)]
pub struct Page(pub crm_core::Page<crm_core::Party>);

#[pymethods]
impl Page {
    #[getter]
    fn items(&self) -> Vec<Party> {
        self.0.items.iter().cloned().map(Party).collect()
    }
    #[getter]
    fn next(&self) -> Option<&str> {
        self.0.next.as_deref()
    }

    fn __len__(&self) -> usize {
        self.0.items.len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Page(items=<{} parties>, next={})", self.0.items.len(), opt_repr(py, self.0.next.as_deref()))
    }
}
