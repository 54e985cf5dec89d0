//! The Python extension `crm._crm`: the [`crm_core::Crm`] handle and its
//! records for Python. It converts types and maps errors, nothing more; the
//! pure-Python package `crm` re-exports it.
//!
//! Every entry point runs inside a panic boundary ([`errors::guard`]) and
//! releases the GIL while the core works (`py.detach`), so one handle serves
//! many Python threads at once.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod record_macro;
mod activity;
mod analytics;
mod convert;
mod dedup;
mod errors;
mod import;
mod records;
mod sales;
mod transfer;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::RwLock;
use std::time::Duration;

use crm_core::{
    ArchivedFilter, ContactPointPatch, InteractionLinks, InteractionPatch, LeadConversion, LeadPatch, MatchConfig,
    MergeRequest, NeighbourQuery, NewFieldDef, NewInteraction, NewLead, NewOpportunity, NewOrder, NewParty,
    NewPipeline, NewPriceList, NewProduct, NewRelationship, NewRelationshipType, NewTask, OpportunityPatch, Options,
    OrderQuery, PartyChoice, PartyFilter, PartyKind, PartyPatch, PartyQuery, ProductPatch, RelationshipPatch,
    RolePatch, SearchQuery, TaskPatch, TimelineQuery,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString, PyTuple};

use activity::{Interaction, Participant, Task};
use analytics::{
    BgNbdFit, BgNbdParams, BgNbdStandardErrors, CalibrationBin, ChurnRisk, ClvModel, Cohort, CustomerValue,
    ForecastMonth, Funnel, FunnelStage, GammaGammaFit, GammaGammaParams, GammaGammaStandardErrors, LeadFunnel, Offer,
    OfferEvaluation, PurchaseSummary, RevenueRow, RfmScore, Table, WinModelReport, WinPrediction,
};
use convert::*;
use dedup::{DuplicateCandidate, DuplicatePair, MergeOutcome, MergeRecord, PartySuggestion, SearchHit};
use errors::{IntoPyResult, guard, type_error};
use import::{CsvMapping, ImportProgress, ImportReport, Reject};
use records::*;
use sales::{
    Lead, LeadScoreRule, Money, Opportunity, OpportunityContact, OpportunityPartner, Order, OrderLine,
    OrderStatusChange, Pipeline, PipelineSummary, PriceList, PriceQuote, Product, Stage, StageSummary, StageVisit,
};
use transfer::{JsonImportReport, VcardReport};

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

/// An optional int argument (None stays None).
fn opt_int<T: for<'a, 'py> FromPyObject<'a, 'py>>(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<T>> {
    match obj {
        Some(o) if !o.is_none() => integer(o, field).map(Some),
        _ => Ok(None),
    }
}

// ------------------------------------------------------------ order input

const ORDER_KEYS: &[&str] =
    &["lines", "channel", "external_id", "opportunity_id", "price_list_id", "status", "placed_at"];

/// A new order from its party, currency and keyword arguments.
fn new_order(
    party_id: &Bound<'_, PyAny>,
    currency: &Bound<'_, PyAny>,
    fields: Fields<'_>,
    ctx: &str,
    unexpected: &dyn Fn(&str) -> PyErr,
) -> PyResult<NewOrder> {
    let mut o =
        NewOrder::new(uuid(party_id, &ctx_field(ctx, "party_id"))?, text(currency, &ctx_field(ctx, "currency"))?);
    let mut lines = None;
    for (k, v) in &fields {
        if !ORDER_KEYS.contains(&k.as_str()) {
            return Err(unexpected(k));
        }
        let f = ctx_field(ctx, k);
        let x = Some(v);
        match k.as_str() {
            "lines" => lines = Some(sales::order_lines(v, &f)?),
            "channel" => o.channel = opt_enum(x, &f)?.unwrap_or_default(),
            "external_id" => o.external_id = opt_text(x, &f)?,
            "opportunity_id" => o.opportunity_id = opt_uuid(x, &f)?,
            "price_list_id" => o.price_list_id = opt_uuid(x, &f)?,
            "status" => o.status = opt_enum(x, &f)?.unwrap_or_default(),
            "placed_at" => o.placed_at = opt_datetime(x, &f)?,
            _ => {}
        }
    }
    o.lines = lines.ok_or_else(|| type_error(ctx, "an order needs lines=[{...}, ...]"))?;
    Ok(o)
}

/// An order given as a dict (in `create_orders([...])`).
fn order_from_dict(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<NewOrder> {
    let mut fields = mapping(obj, ctx)?;
    let mut take = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        let pos = fields
            .iter()
            .position(|(k, _)| k == key)
            .ok_or_else(|| type_error(ctx, format!("an order needs {key:?}")))?;
        Ok(fields.remove(pos).1)
    };
    let party_id = take("party_id")?;
    let currency = take("currency")?;
    new_order(&party_id, &currency, fields, ctx, &|k| type_error(ctx, format!("unexpected key {k:?}")))
}

/// Matching settings from a dict (defaults for what it leaves out).
fn match_config(obj: Option<&Bound<'_, PyAny>>) -> PyResult<MatchConfig> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(MatchConfig::default()),
        Some(c) => {
            if !c.is_instance_of::<PyDict>() {
                return Err(type_error("config", "expected a dict of matching settings"));
            }
            from_json(c.py(), to_json(c, "config")?, "config")
        }
    }
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

/// A search from its text and keyword arguments: the filter plus `limit`.
fn search_query(text: &Bound<'_, PyAny>, filters: Option<&Bound<'_, PyDict>>, func: &str) -> PyResult<SearchQuery> {
    let (filter, rest) = party_filter(kwargs_of(filters)?)?;
    let mut q = SearchQuery { text: convert::text(text, "text")?, filter, ..Default::default() };
    for (k, x) in rest {
        match k.as_str() {
            "limit" => {
                if !x.is_none() {
                    q.limit = integer(&x, "limit")?;
                }
            }
            other => return Err(unexpected_kwarg(func, other)),
        }
    }
    Ok(q)
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

    // -------------------------------------------------------- interactions

    /// Record an interaction: `channel` ("email", "phone_call", "meeting",
    /// …), a subject, and its participants as `(party_id, role)` pairs.
    #[pyo3(signature = (channel, subject, *, participants=None, direction=None, occurred_at=None, duration_seconds=None, body=None, outcome=None, opportunity_id=None, order_id=None, campaign_id=None, case_id=None, lead_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_interaction(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyAny>,
        subject: &Bound<'_, PyAny>,
        participants: Option<&Bound<'_, PyAny>>,
        direction: Option<&Bound<'_, PyAny>>,
        occurred_at: Option<&Bound<'_, PyAny>>,
        duration_seconds: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        outcome: Option<&Bound<'_, PyAny>>,
        opportunity_id: Option<&Bound<'_, PyAny>>,
        order_id: Option<&Bound<'_, PyAny>>,
        campaign_id: Option<&Bound<'_, PyAny>>,
        case_id: Option<&Bound<'_, PyAny>>,
        lead_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Interaction> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = NewInteraction {
                channel: enum_value(channel, "channel")?,
                direction: opt_enum(direction, "direction")?.unwrap_or_default(),
                occurred_at: opt_datetime(occurred_at, "occurred_at")?,
                duration_seconds: opt_int(duration_seconds, "duration_seconds")?,
                subject: text(subject, "subject")?,
                body: opt_text(body, "body")?,
                outcome: opt_text(outcome, "outcome")?,
                participants: match participants.filter(|p| !p.is_none()) {
                    Some(p) => activity::participants(p, "participants")?,
                    None => Vec::new(),
                },
                links: InteractionLinks {
                    opportunity_id: opt_uuid(opportunity_id, "opportunity_id")?,
                    order_id: opt_uuid(order_id, "order_id")?,
                    campaign_id: opt_uuid(campaign_id, "campaign_id")?,
                    case_id: opt_uuid(case_id, "case_id")?,
                    lead_id: opt_uuid(lead_id, "lead_id")?,
                },
            };
            py.detach(|| db.record_interaction(new)).py_err(py).map(Interaction)
        })
    }

    /// An interaction by id.
    fn get_interaction(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Interaction> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_interaction(id)).py_err(py).map(Interaction)
        })
    }

    /// Change an interaction's `subject`, `body`, `outcome` or
    /// `duration_seconds` (None clears all but the subject).
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, subject=..., body=..., outcome=..., duration_seconds=...)"
    )]
    fn update_interaction(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Interaction> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = InteractionPatch::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                match f {
                    "subject" => patch.subject = Some(text(&x, f)?),
                    "body" => patch.body = Some(clear_or(&x, |o| text(o, f))?),
                    "outcome" => patch.outcome = Some(clear_or(&x, |o| text(o, f))?),
                    "duration_seconds" => patch.duration_seconds = Some(clear_or(&x, |o| integer(o, f))?),
                    other => return Err(unexpected_kwarg("update_interaction", other)),
                }
            }
            py.detach(|| db.update_interaction(id, v, &patch)).py_err(py).map(Interaction)
        })
    }

    /// Delete an interaction.
    fn delete_interaction(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.delete_interaction(id, v)).py_err(py)
        })
    }

    /// Iterate over a party's interactions, newest first, fetching pages
    /// as you go; an organization's include its members' unless
    /// `include_members=False`.
    #[pyo3(
        signature = (party_id, **filters),
        text_signature = "(self, party_id, *, channel=None, occurred_from=None, occurred_to=None, opportunity_id=None, order_id=None, campaign_id=None, case_id=None, lead_id=None, include_members=True, page_size=None)"
    )]
    fn timeline(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<InteractionIterator> {
        guard(py, || {
            let db = self.handle(py)?;
            let party_id = uuid(party_id, "party_id")?;
            let mut query = TimelineQuery::default();
            for (k, x) in kwargs_of(filters)? {
                let f = k.as_str();
                if activity::set_link(&mut query.links, f, &x)? {
                    continue;
                }
                match f {
                    "channel" => query.channel = opt_enum(Some(&x), f)?,
                    "occurred_from" => query.from = opt_datetime(Some(&x), f)?,
                    "occurred_to" => query.to = opt_datetime(Some(&x), f)?,
                    "include_members" => query.include_members = boolean(&x, f)?,
                    "page_size" => {
                        if !x.is_none() {
                            query.limit = integer(&x, f)?;
                        }
                    }
                    other => return Err(unexpected_kwarg("timeline", other)),
                }
            }
            // The first page is read now, so that a bad argument or an
            // unknown party raises here rather than on the first next().
            let first = {
                let db = db.clone();
                let q = query.clone();
                py.detach(move || db.timeline(party_id, &q)).py_err(py)?
            };
            query.after = first.next.clone();
            Ok(InteractionIterator { db, party_id, done: first.next.is_none(), buffer: first.items.into(), query })
        })
    }

    /// Interactions whose subject or outcome holds every word of `text` as
    /// a prefix (case and diacritics ignored; query syntax is searched
    /// literally), best first: whole words of the subject, then starts of
    /// words of the subject, then whole words of the subject or outcome,
    /// then starts of them; the most recently recorded first within each.
    /// With `party_id`, only those that party took part in; at most `limit`
    /// (1 to 1000).
    #[pyo3(signature = (text, *, party_id=None, limit=None), text_signature = "(self, text, *, party_id=None, limit=20)")]
    fn search_interactions(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        party_id: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Interaction>> {
        guard(py, || {
            let db = self.handle(py)?;
            let text = convert::text(text, "text")?;
            let party_id = opt_uuid(party_id, "party_id")?;
            let limit: usize = opt_int(limit, "limit")?.unwrap_or(20);
            let found = py.detach(|| db.search_interactions(&text, party_id, limit)).py_err(py)?;
            Ok(found.into_iter().map(Interaction).collect())
        })
    }

    // -------------------------------------------------------- tasks

    /// Create a task: a subject, and optionally a description, a due time,
    /// an owner, a priority ("low", "normal", "high", "urgent"), a party,
    /// and a link to a record as `("party", id)` or `("interaction", id)`.
    #[pyo3(signature = (subject, *, description=None, due_at=None, owner=None, priority=None, party_id=None, link=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_task(
        &self,
        py: Python<'_>,
        subject: &Bound<'_, PyAny>,
        description: Option<&Bound<'_, PyAny>>,
        due_at: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        priority: Option<&Bound<'_, PyAny>>,
        party_id: Option<&Bound<'_, PyAny>>,
        link: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Task> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = NewTask {
                subject: text(subject, "subject")?,
                description: opt_text(description, "description")?,
                due_at: opt_datetime(due_at, "due_at")?,
                owner: opt_text(owner, "owner")?,
                priority: opt_enum(priority, "priority")?.unwrap_or_default(),
                party_id: opt_uuid(party_id, "party_id")?,
                link: match link.filter(|l| !l.is_none()) {
                    Some(l) => Some(activity::record_link(l, "link")?),
                    None => None,
                },
            };
            py.detach(|| db.create_task(new)).py_err(py).map(Task)
        })
    }

    /// A task by id.
    fn get_task(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Task> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_task(id)).py_err(py).map(Task)
        })
    }

    /// Change a task: `subject`, `description`, `due_at`, `owner` (None
    /// clears), `priority`, `status` ("open", "in_progress", "done",
    /// "cancelled").
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, subject=..., description=..., due_at=..., owner=..., priority=..., status=...)"
    )]
    fn update_task(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Task> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = TaskPatch::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                match f {
                    "subject" => patch.subject = Some(text(&x, f)?),
                    "description" => patch.description = Some(clear_or(&x, |o| text(o, f))?),
                    "due_at" => patch.due_at = Some(clear_or(&x, |o| datetime(o, f))?),
                    "owner" => patch.owner = Some(clear_or(&x, |o| text(o, f))?),
                    "priority" => patch.priority = Some(enum_value(&x, f)?),
                    "status" => patch.status = Some(enum_value(&x, f)?),
                    other => return Err(unexpected_kwarg("update_task", other)),
                }
            }
            py.detach(|| db.update_task(id, v, &patch)).py_err(py).map(Task)
        })
    }

    /// Delete a task.
    fn delete_task(&self, py: Python<'_>, id: &Bound<'_, PyAny>, version: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            py.detach(|| db.delete_task(id, v)).py_err(py)
        })
    }

    /// A party's open tasks (open or in progress).
    fn open_tasks(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>) -> PyResult<Vec<Task>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let tasks = py.detach(|| db.open_tasks(id)).py_err(py)?;
            Ok(tasks.into_iter().map(Task).collect())
        })
    }

    /// Open tasks due before `now` (the current time if None), of one
    /// owner or all, earliest due first, at most `limit`.
    #[pyo3(signature = (*, now=None, owner=None, limit=None), text_signature = "(self, *, now=None, owner=None, limit=100)")]
    fn overdue_tasks(
        &self,
        py: Python<'_>,
        now: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Task>> {
        guard(py, || {
            let db = self.handle(py)?;
            let now = opt_datetime(now, "now")?;
            let owner = opt_text(owner, "owner")?;
            let limit: usize = opt_int(limit, "limit")?.unwrap_or(100);
            let tasks = py.detach(|| db.overdue_tasks(now, owner.as_deref(), limit)).py_err(py)?;
            Ok(tasks.into_iter().map(Task).collect())
        })
    }

    // -------------------------------------------------------- leads

    /// Record a lead; it is scored by the rules in force.
    #[pyo3(
        signature = (**fields),
        text_signature = "(self, *, given_name=None, family_name=None, email=None, phone=None, company_name=None, title=None, country=None, source=None, campaign_id=None, utm=None, notes=None, owner=None)"
    )]
    fn create_lead(&self, py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Lead> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = NewLead::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                let o = Some(&x);
                match f {
                    "source" => new.source = opt_text(o, f)?,
                    "campaign_id" => new.campaign_id = opt_uuid(o, f)?,
                    "utm" => {
                        if !x.is_none() {
                            new.utm = sales::utm(&x, f)?;
                        }
                    }
                    "given_name" => new.given_name = opt_text(o, f)?,
                    "family_name" => new.family_name = opt_text(o, f)?,
                    "email" => new.email = opt_text(o, f)?,
                    "phone" => new.phone = opt_text(o, f)?,
                    "company_name" => new.company_name = opt_text(o, f)?,
                    "title" => new.title = opt_text(o, f)?,
                    "country" => new.country = opt_text(o, f)?,
                    "notes" => new.notes = opt_text(o, f)?,
                    "owner" => new.owner = opt_text(o, f)?,
                    other => return Err(unexpected_kwarg("create_lead", other)),
                }
            }
            py.detach(|| db.create_lead(new)).py_err(py).map(Lead)
        })
    }

    /// A lead by id.
    fn get_lead(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Lead> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_lead(id)).py_err(py).map(Lead)
        })
    }

    /// Leads in a status (all if None), newest first, at most `limit`.
    #[pyo3(signature = (*, status=None, limit=None), text_signature = "(self, *, status=None, limit=100)")]
    fn leads(
        &self,
        py: Python<'_>,
        status: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<Lead>> {
        guard(py, || {
            let db = self.handle(py)?;
            let status = opt_enum(status, "status")?;
            let limit: usize = opt_int(limit, "limit")?.unwrap_or(100);
            let leads = py.detach(|| db.leads(status, limit)).py_err(py)?;
            Ok(leads.into_iter().map(Lead).collect())
        })
    }

    /// Change a lead's details (None clears) or its `status` ("working",
    /// "qualified", "disqualified" with a `disqualify_reason`, …).
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, status=..., disqualify_reason=..., given_name=..., family_name=..., email=..., phone=..., company_name=..., title=..., owner=..., notes=...)"
    )]
    fn update_lead(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Lead> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = LeadPatch::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                let t = |o: &Bound<'_, PyAny>| text(o, f);
                match f {
                    "status" => patch.status = Some(enum_value(&x, f)?),
                    "disqualify_reason" => patch.disqualify_reason = opt_text(Some(&x), f)?,
                    "given_name" => patch.given_name = Some(clear_or(&x, t)?),
                    "family_name" => patch.family_name = Some(clear_or(&x, t)?),
                    "email" => patch.email = Some(clear_or(&x, t)?),
                    "phone" => patch.phone = Some(clear_or(&x, t)?),
                    "company_name" => patch.company_name = Some(clear_or(&x, t)?),
                    "title" => patch.title = Some(clear_or(&x, t)?),
                    "owner" => patch.owner = Some(clear_or(&x, t)?),
                    "notes" => patch.notes = Some(clear_or(&x, t)?),
                    other => return Err(unexpected_kwarg("update_lead", other)),
                }
            }
            py.detach(|| db.update_lead(id, v, &patch)).py_err(py).map(Lead)
        })
    }

    /// The interactions recorded with a lead, newest first.
    fn lead_interactions(&self, py: Python<'_>, lead_id: &Bound<'_, PyAny>) -> PyResult<Vec<Interaction>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(lead_id, "lead_id")?;
            let found = py.detach(|| db.lead_interactions(id)).py_err(py)?;
            Ok(found.into_iter().map(Interaction).collect())
        })
    }

    /// The lead scoring rules in force.
    fn lead_score_rules(&self, py: Python<'_>) -> PyResult<Vec<LeadScoreRule>> {
        guard(py, || {
            let db = self.handle(py)?;
            let rules = py.detach(|| db.lead_score_rules()).py_err(py)?;
            Ok(rules.into_iter().map(LeadScoreRule).collect())
        })
    }

    /// Replace the lead scoring rules (dicts `{"condition": "source",
    /// "value": "web", "points": 10}`) and rescore the leads.
    fn set_lead_score_rules(&self, py: Python<'_>, rules: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let rules = items(rules, "rules")?
                .iter()
                .enumerate()
                .map(|(i, r)| sales::score_rule(r, &format!("rules[{i}]")))
                .collect::<PyResult<Vec<_>>>()?;
            py.detach(|| db.set_lead_score_rules(rules)).py_err(py)
        })
    }

    /// Convert a lead into a person and an organization — each "new", an
    /// existing party's id, or "skip" — and, given `opportunity={"pipeline_id":
    /// ..., "amount": Money(...)}`, an opportunity. Returns the lead and the
    /// opportunity (or None).
    #[pyo3(
        signature = (id, version, *, person=None, organization=None, opportunity=None),
        text_signature = "(self, id, version, *, person='new', organization='new', opportunity=None)"
    )]
    fn convert_lead(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        person: Option<&Bound<'_, PyAny>>,
        organization: Option<&Bound<'_, PyAny>>,
        opportunity: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Lead, Option<Opportunity>)> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let choice = |o: Option<&Bound<'_, PyAny>>, f: &str| -> PyResult<PartyChoice> {
                match o.filter(|x| !x.is_none()) {
                    Some(x) => sales::party_choice(x, f),
                    None => Ok(PartyChoice::New),
                }
            };
            let how = LeadConversion {
                person: choice(person, "person")?,
                organization: choice(organization, "organization")?,
                opportunity: match opportunity.filter(|o| !o.is_none()) {
                    Some(o) => Some(sales::opportunity_spec(o, "opportunity")?),
                    None => None,
                },
            };
            let (lead, opp) = py.detach(|| db.convert_lead(id, v, &how)).py_err(py)?;
            Ok((Lead(lead), opp.map(Opportunity)))
        })
    }

    // -------------------------------------------------------- pipelines

    /// Create a pipeline; `stages` in order, each a dict `{"name": ...,
    /// "probability": 20, "outcome": "open"}` or a `(name, probability,
    /// outcome)` tuple.
    fn create_pipeline(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        stages: &Bound<'_, PyAny>,
    ) -> PyResult<Pipeline> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = NewPipeline {
                name: text(name, "name")?,
                stages: items(stages, "stages")?
                    .iter()
                    .enumerate()
                    .map(|(i, s)| sales::new_stage(s, &format!("stages[{i}]")))
                    .collect::<PyResult<Vec<_>>>()?,
            };
            py.detach(|| db.create_pipeline(new)).py_err(py).map(Pipeline)
        })
    }

    /// A pipeline by id.
    fn get_pipeline(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Pipeline> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_pipeline(id)).py_err(py).map(Pipeline)
        })
    }

    /// Every pipeline, by name.
    fn pipelines(&self, py: Python<'_>) -> PyResult<Vec<Pipeline>> {
        guard(py, || {
            let db = self.handle(py)?;
            let found = py.detach(|| db.pipelines()).py_err(py)?;
            Ok(found.into_iter().map(Pipeline).collect())
        })
    }

    /// Each stage of a pipeline with the count and amounts of its
    /// opportunities, per currency.
    fn pipeline_summary(&self, py: Python<'_>, pipeline_id: &Bound<'_, PyAny>) -> PyResult<PipelineSummary> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(pipeline_id, "pipeline_id")?;
            py.detach(|| db.pipeline_summary(id)).py_err(py).map(PipelineSummary)
        })
    }

    // -------------------------------------------------------- opportunities

    /// Create an opportunity for an account (organization or person) in a
    /// pipeline, in its first stage unless `stage_id` is given. `amount`
    /// is a `Money` or an `(amount, "EUR")` pair in minor units.
    #[pyo3(signature = (name, account_id, pipeline_id, amount, *, stage_id=None, probability=None, expected_close=None, owner=None, source=None, contacts=None, partners=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_opportunity(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        account_id: &Bound<'_, PyAny>,
        pipeline_id: &Bound<'_, PyAny>,
        amount: &Bound<'_, PyAny>,
        stage_id: Option<&Bound<'_, PyAny>>,
        probability: Option<&Bound<'_, PyAny>>,
        expected_close: Option<&Bound<'_, PyAny>>,
        owner: Option<&Bound<'_, PyAny>>,
        source: Option<&Bound<'_, PyAny>>,
        contacts: Option<&Bound<'_, PyAny>>,
        partners: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Opportunity> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = NewOpportunity::new(
                text(name, "name")?,
                uuid(account_id, "account_id")?,
                uuid(pipeline_id, "pipeline_id")?,
                sales::money(amount, "amount")?,
            );
            new.stage_id = opt_uuid(stage_id, "stage_id")?;
            new.probability = opt_int(probability, "probability")?;
            new.expected_close = opt_date(expected_close, "expected_close")?;
            new.owner = opt_text(owner, "owner")?;
            new.source = opt_text(source, "source")?;
            if let Some(c) = contacts.filter(|c| !c.is_none()) {
                new.contacts = sales::contacts(c, "contacts")?;
            }
            if let Some(p) = partners.filter(|p| !p.is_none()) {
                new.partners = sales::partners(p, "partners")?;
            }
            py.detach(|| db.create_opportunity(new)).py_err(py).map(Opportunity)
        })
    }

    /// An opportunity by id, with its contacts, partners and stage history.
    fn get_opportunity(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Opportunity> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_opportunity(id)).py_err(py).map(Opportunity)
        })
    }

    /// The opportunities of an account, newest first.
    fn opportunities_of(&self, py: Python<'_>, account_id: &Bound<'_, PyAny>) -> PyResult<Vec<Opportunity>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(account_id, "account_id")?;
            let found = py.detach(|| db.opportunities_of(id)).py_err(py)?;
            Ok(found.into_iter().map(Opportunity).collect())
        })
    }

    /// Change an opportunity: `name`, `amount`, `probability` (None: the
    /// stage's), `expected_close`, `owner` (None clears), `contacts`,
    /// `partners` (given whole). Stages change with `move_opportunity`.
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, name=..., amount=..., probability=..., expected_close=..., owner=..., contacts=..., partners=...)"
    )]
    fn update_opportunity(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Opportunity> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = OpportunityPatch::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                match f {
                    "name" => patch.name = Some(text(&x, f)?),
                    "amount" => patch.amount = Some(sales::money(&x, f)?),
                    "probability" => patch.probability = Some(clear_or(&x, |o| integer(o, f))?),
                    "expected_close" => patch.expected_close = Some(clear_or(&x, |o| date(o, f))?),
                    "owner" => patch.owner = Some(clear_or(&x, |o| text(o, f))?),
                    "contacts" => patch.contacts = Some(sales::contacts(&x, f)?),
                    "partners" => patch.partners = Some(sales::partners(&x, f)?),
                    other => return Err(unexpected_kwarg("update_opportunity", other)),
                }
            }
            py.detach(|| db.update_opportunity(id, v, &patch)).py_err(py).map(Opportunity)
        })
    }

    /// Move an opportunity to another stage of its pipeline; a won or lost
    /// stage closes it (with `reason`), an open one reopens it.
    #[pyo3(signature = (id, version, stage_id, *, reason=None))]
    fn move_opportunity(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        stage_id: &Bound<'_, PyAny>,
        reason: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Opportunity> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let stage = uuid(stage_id, "stage_id")?;
            let reason = opt_text(reason, "reason")?;
            py.detach(|| db.move_opportunity(id, v, stage, reason.as_deref())).py_err(py).map(Opportunity)
        })
    }

    // -------------------------------------------------------- catalog

    /// Create a product; the SKU must be new. `unit` is "pcs" unless given.
    #[pyo3(signature = (sku, name, *, category=None, unit=None, description=None))]
    fn create_product(
        &self,
        py: Python<'_>,
        sku: &Bound<'_, PyAny>,
        name: &Bound<'_, PyAny>,
        category: Option<&Bound<'_, PyAny>>,
        unit: Option<&Bound<'_, PyAny>>,
        description: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Product> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = NewProduct::new(text(sku, "sku")?, text(name, "name")?);
            new.category = opt_text(category, "category")?;
            new.unit = opt_text(unit, "unit")?;
            new.description = opt_text(description, "description")?;
            py.detach(|| db.create_product(new)).py_err(py).map(Product)
        })
    }

    /// A product by id.
    fn get_product(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Product> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_product(id)).py_err(py).map(Product)
        })
    }

    /// A product by SKU.
    fn product_by_sku(&self, py: Python<'_>, sku: &Bound<'_, PyAny>) -> PyResult<Product> {
        guard(py, || {
            let db = self.handle(py)?;
            let sku = text(sku, "sku")?;
            py.detach(|| db.product_by_sku(&sku)).py_err(py).map(Product)
        })
    }

    /// Products by category and name; only active ones unless
    /// `include_inactive`.
    #[pyo3(signature = (*, category=None, include_inactive=false))]
    fn products(
        &self,
        py: Python<'_>,
        category: Option<&Bound<'_, PyAny>>,
        include_inactive: bool,
    ) -> PyResult<Vec<Product>> {
        guard(py, || {
            let db = self.handle(py)?;
            let category = opt_text(category, "category")?;
            let found = py.detach(|| db.products(category.as_deref(), include_inactive)).py_err(py)?;
            Ok(found.into_iter().map(Product).collect())
        })
    }

    /// Change a product: `name`, `category` (None clears), `unit`,
    /// `active`, `description` (None clears).
    #[pyo3(
        signature = (id, version, **fields),
        text_signature = "(self, id, version, *, name=..., category=..., unit=..., active=..., description=...)"
    )]
    fn update_product(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Product> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let mut patch = ProductPatch::default();
            for (k, x) in kwargs_of(fields)? {
                let f = k.as_str();
                match f {
                    "name" => patch.name = Some(text(&x, f)?),
                    "category" => patch.category = Some(clear_or(&x, |o| text(o, f))?),
                    "unit" => patch.unit = Some(text(&x, f)?),
                    "active" => patch.active = Some(boolean(&x, f)?),
                    "description" => patch.description = Some(clear_or(&x, |o| text(o, f))?),
                    other => return Err(unexpected_kwarg("update_product", other)),
                }
            }
            py.detach(|| db.update_product(id, v, &patch)).py_err(py).map(Product)
        })
    }

    /// Create a price list in one currency, for everyone or for a customer
    /// `tier` or a `segment` (tag), valid over a span of dates.
    #[pyo3(signature = (name, currency, *, tier=None, segment=None, valid_from=None, valid_to=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_price_list(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        tier: Option<&Bound<'_, PyAny>>,
        segment: Option<&Bound<'_, PyAny>>,
        valid_from: Option<&Bound<'_, PyAny>>,
        valid_to: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PriceList> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = NewPriceList::new(text(name, "name")?, text(currency, "currency")?);
            new.tier = opt_text(tier, "tier")?;
            new.segment = opt_text(segment, "segment")?;
            new.valid_from = opt_date(valid_from, "valid_from")?;
            new.valid_to = opt_date(valid_to, "valid_to")?;
            py.detach(|| db.create_price_list(new)).py_err(py).map(PriceList)
        })
    }

    /// A price list by id.
    fn get_price_list(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<PriceList> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_price_list(id)).py_err(py).map(PriceList)
        })
    }

    /// Every price list, by name.
    fn price_lists(&self, py: Python<'_>) -> PyResult<Vec<PriceList>> {
        guard(py, || {
            let db = self.handle(py)?;
            let found = py.detach(|| db.price_lists()).py_err(py)?;
            Ok(found.into_iter().map(PriceList).collect())
        })
    }

    /// Set a product's price in a price list: a `Money` or an `(amount,
    /// "EUR")` pair in the list's currency.
    fn set_price(
        &self,
        py: Python<'_>,
        price_list_id: &Bound<'_, PyAny>,
        product_id: &Bound<'_, PyAny>,
        unit_price: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let list = uuid(price_list_id, "price_list_id")?;
            let product = uuid(product_id, "product_id")?;
            let price = sales::money(unit_price, "unit_price")?;
            py.detach(|| db.set_price(list, product, price)).py_err(py)
        })
    }

    /// The price a party (or anyone) pays for a product on a date (today if
    /// None) in a currency, or None if no price list prices it.
    #[pyo3(signature = (product_id, currency, *, party_id=None, at=None))]
    fn price_for(
        &self,
        py: Python<'_>,
        product_id: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        party_id: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<PriceQuote>> {
        guard(py, || {
            let db = self.handle(py)?;
            let product = uuid(product_id, "product_id")?;
            let currency = text(currency, "currency")?;
            let party = opt_uuid(party_id, "party_id")?;
            let day = opt_date(at, "at")?.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let quote = py.detach(|| db.price_for(product, party, day, &currency)).py_err(py)?;
            Ok(quote.map(PriceQuote))
        })
    }

    // -------------------------------------------------------- orders

    /// Create an order; `lines` are dicts with `quantity` and `product_id`
    /// or `description`, and optionally `unit_price` (minor units; else
    /// from the price list), `discount`, `tax_rate_bp`.
    #[pyo3(
        signature = (party_id, currency, **fields),
        text_signature = "(self, party_id, currency, *, lines, channel='web_shop', external_id=None, opportunity_id=None, price_list_id=None, status='draft', placed_at=None)"
    )]
    fn create_order(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Order> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = new_order(party_id, currency, kwargs_of(fields)?, "", &|k| unexpected_kwarg("create_order", k))?;
            py.detach(|| db.create_order(new)).py_err(py).map(Order)
        })
    }

    /// Create many orders in one transaction: all of them or none. Each
    /// item is a dict of `create_order`'s arguments.
    fn create_orders(&self, py: Python<'_>, orders: &Bound<'_, PyAny>) -> PyResult<Vec<Order>> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut new = Vec::new();
            for (i, item) in items(orders, "orders")?.iter().enumerate() {
                let ctx = format!("orders[{i}]");
                new.push(order_from_dict(item, &ctx)?);
            }
            let made = py.detach(|| db.create_orders(new)).py_err(py)?;
            Ok(made.into_iter().map(Order).collect())
        })
    }

    /// Import an order by its channel and `external_id`: stored once
    /// however often it is sent. Returns the order and what happened:
    /// "created", "updated" or "unchanged".
    #[pyo3(
        signature = (party_id, currency, **fields),
        text_signature = "(self, party_id, currency, *, lines, external_id, channel='web_shop', opportunity_id=None, price_list_id=None, status='draft', placed_at=None)"
    )]
    fn import_order(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Order, String)> {
        guard(py, || {
            let db = self.handle(py)?;
            let new = new_order(party_id, currency, kwargs_of(fields)?, "", &|k| unexpected_kwarg("import_order", k))?;
            let (order, outcome) = py.detach(|| db.import_order(new)).py_err(py)?;
            Ok((Order(order), enum_text(&outcome)))
        })
    }

    /// An order by id, with its lines and status history.
    fn get_order(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Order> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            py.detach(|| db.get_order(id)).py_err(py).map(Order)
        })
    }

    /// An order by its channel and external id.
    fn order_by_external_id(
        &self,
        py: Python<'_>,
        channel: &Bound<'_, PyAny>,
        external_id: &Bound<'_, PyAny>,
    ) -> PyResult<Order> {
        guard(py, || {
            let db = self.handle(py)?;
            let channel = enum_value(channel, "channel")?;
            let external_id = text(external_id, "external_id")?;
            py.detach(|| db.order_by_external_id(channel, &external_id)).py_err(py).map(Order)
        })
    }

    /// Move an order to another status along the allowed road: draft →
    /// placed → paid → shipped → delivered; cancelled before shipping,
    /// returned after it.
    fn set_order_status(
        &self,
        py: Python<'_>,
        id: &Bound<'_, PyAny>,
        version: &Bound<'_, PyAny>,
        status: &Bound<'_, PyAny>,
    ) -> PyResult<Order> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(id, "id")?;
            let v = self::version(version)?;
            let status = enum_value(status, "status")?;
            py.detach(|| db.set_order_status(id, v, status)).py_err(py).map(Order)
        })
    }

    /// Iterate over orders, newest placed first (drafts last), fetching
    /// pages as you go.
    #[pyo3(
        signature = (*, party_id=None, status=None, placed_from=None, placed_to=None, page_size=None)
    )]
    fn orders(
        &self,
        py: Python<'_>,
        party_id: Option<&Bound<'_, PyAny>>,
        status: Option<&Bound<'_, PyAny>>,
        placed_from: Option<&Bound<'_, PyAny>>,
        placed_to: Option<&Bound<'_, PyAny>>,
        page_size: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<OrderIterator> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut query = OrderQuery {
                party_id: opt_uuid(party_id, "party_id")?,
                status: opt_enum(status, "status")?,
                from: opt_datetime(placed_from, "placed_from")?,
                to: opt_datetime(placed_to, "placed_to")?,
                ..Default::default()
            };
            if let Some(n) = opt_int(page_size, "page_size")? {
                query.limit = n;
            }
            let first = {
                let db = db.clone();
                let q = query.clone();
                py.detach(move || db.orders(&q)).py_err(py)?
            };
            query.after = first.next.clone();
            Ok(OrderIterator { db, done: first.next.is_none(), buffer: first.items.into(), query })
        })
    }

    // -------------------------------------------------------- search

    /// Parties matching every word of `text` as a prefix (names, contact
    /// points, tags, notes), best first, narrowed by the list filters.
    #[pyo3(
        signature = (text, **filters),
        text_signature = "(self, text, *, limit=20, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None)"
    )]
    fn search_parties(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<SearchHit>> {
        guard(py, || {
            let db = self.handle(py)?;
            let q = search_query(text, filters, "search_parties")?;
            let hits = py.detach(|| db.search_parties(&q)).py_err(py)?;
            Ok(hits.into_iter().map(SearchHit).collect())
        })
    }

    /// The hits of `search_parties`, with the same arguments and in the
    /// same order, as light suggestions for type-ahead (id, kind, display
    /// name, score), without reading the rest of each party.
    #[pyo3(
        signature = (text, **filters),
        text_signature = "(self, text, *, limit=20, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None)"
    )]
    fn suggest_parties(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<PartySuggestion>> {
        guard(py, || {
            let db = self.handle(py)?;
            let q = search_query(text, filters, "suggest_parties")?;
            let found = py.detach(|| db.suggest_parties(&q)).py_err(py)?;
            Ok(found.into_iter().map(PartySuggestion).collect())
        })
    }

    // -------------------------------------------------------- merge, duplicates

    /// Merge parties into a survivor, in one transaction. `choose` names,
    /// for a field (`"birth_date"`, `"custom.tier"`, …), the party whose
    /// value to keep.
    #[pyo3(signature = (survivor_id, merged_ids, *, choose=None))]
    fn merge_parties(
        &self,
        py: Python<'_>,
        survivor_id: &Bound<'_, PyAny>,
        merged_ids: &Bound<'_, PyAny>,
        choose: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<MergeOutcome> {
        guard(py, || {
            let db = self.handle(py)?;
            let mut req = MergeRequest { survivor_id: uuid(survivor_id, "survivor_id")?, ..Default::default() };
            for (i, m) in items(merged_ids, "merged_ids")?.iter().enumerate() {
                req.merged_ids.push(uuid(m, &format!("merged_ids[{i}]"))?);
            }
            if let Some(c) = choose.filter(|c| !c.is_none()) {
                for (k, v) in mapping(c, "choose")? {
                    let id = uuid(&v, &format!("choose.{k}"))?;
                    req.choose.insert(k, id);
                }
            }
            py.detach(|| db.merge_parties(&req)).py_err(py).map(MergeOutcome)
        })
    }

    /// Undo a merge; returns the survivor as it was before.
    fn undo_merge(&self, py: Python<'_>, merge_id: &Bound<'_, PyAny>) -> PyResult<Party> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(merge_id, "merge_id")?;
            py.detach(|| db.undo_merge(id)).py_err(py).map(Party)
        })
    }

    /// The merges into a party, newest first.
    fn merges_of(&self, py: Python<'_>, party_id: &Bound<'_, PyAny>) -> PyResult<Vec<MergeRecord>> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let found = py.detach(|| db.merges_of(id)).py_err(py)?;
            Ok(found.into_iter().map(MergeRecord).collect())
        })
    }

    /// Scan the active parties (of one kind, or all) for likely duplicates,
    /// best first. `config` is a dict of matching settings
    /// (`{"person": {"threshold": 0.85}}`); defaults otherwise.
    #[pyo3(signature = (*, kind=None, config=None))]
    fn find_duplicates(
        &self,
        py: Python<'_>,
        kind: Option<&Bound<'_, PyAny>>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<DuplicatePair>> {
        guard(py, || {
            let db = self.handle(py)?;
            let kind = opt_enum(kind, "kind")?;
            let config = match_config(config)?;
            let found = py.detach(|| db.find_duplicates(kind, &config)).py_err(py)?;
            Ok(found.into_iter().map(DuplicatePair).collect())
        })
    }

    /// The active parties that a party about to be created (given as
    /// `create_party`'s keyword arguments) may duplicate, best first.
    #[pyo3(
        signature = (*, config=None, **party),
        text_signature = "(self, *, config=None, kind='person', **party)"
    )]
    fn possible_duplicates(
        &self,
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        party: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<DuplicateCandidate>> {
        guard(py, || {
            let db = self.handle(py)?;
            let config = match_config(config)?;
            let new = new_party(PartyKind::Person, kwargs_of(party)?, PARTY_KEYS, "", &|k| {
                unexpected_kwarg("possible_duplicates", k)
            })?;
            let found = py.detach(|| db.possible_duplicates(&new, &config)).py_err(py)?;
            Ok(found.into_iter().map(DuplicateCandidate).collect())
        })
    }

    /// Create a party (as `create_party`) after looking for duplicates
    /// among the active parties; returns the party and the candidates found,
    /// best first. With `refuse_duplicates=True` a candidate makes it a
    /// ValidationError on "duplicates" and nothing is created.
    #[pyo3(
        signature = (*, refuse_duplicates=false, config=None, **party),
        text_signature = "(self, *, refuse_duplicates=False, config=None, kind='person', **party)"
    )]
    fn create_party_checked(
        &self,
        py: Python<'_>,
        refuse_duplicates: bool,
        config: Option<&Bound<'_, PyAny>>,
        party: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Party, Vec<DuplicateCandidate>)> {
        guard(py, || {
            let db = self.handle(py)?;
            let config = match_config(config)?;
            let new = new_party(PartyKind::Person, kwargs_of(party)?, PARTY_KEYS, "", &|k| {
                unexpected_kwarg("create_party_checked", k)
            })?;
            let (party, found) = py.detach(|| db.create_party_checked(new, &config, refuse_duplicates)).py_err(py)?;
            Ok((Party(party), found.into_iter().map(DuplicateCandidate).collect()))
        })
    }

    // -------------------------------------------------------- analytics

    /// Every customer's purchase history up to the end of `as_of`, in one
    /// currency (orders placed, paid, shipped or delivered; one purchase a
    /// day at most): a `Table` of `PurchaseSummary`.
    fn purchase_summaries(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let as_of = date(as_of, "as_of")?;
            let currency = text(currency, "currency")?;
            let rows = py.detach(|| db.purchase_summaries(as_of, &currency)).py_err(py)?;
            Table::new(py, rows.into_iter().map(PurchaseSummary), analytics::PURCHASE_SUMMARY_COLUMNS)
        })
    }

    /// Fit BG/NBD and Gamma-Gamma by maximum likelihood on the purchase
    /// history up to `as_of` in one currency (times in weeks, spend in
    /// minor units).
    fn fit_clv(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>, currency: &Bound<'_, PyAny>) -> PyResult<ClvModel> {
        guard(py, || {
            let db = self.handle(py)?;
            let as_of = date(as_of, "as_of")?;
            let currency = text(currency, "currency")?;
            py.detach(|| db.fit_clv(as_of, &currency)).py_err(py).map(ClvModel)
        })
    }

    /// Each customer's probability of being active, expected purchases and
    /// spend, and discounted lifetime value over `periods` periods of
    /// `period_length` weeks, highest value first.
    #[pyo3(signature = (as_of, currency, *, periods=None, period_length=None, discount_rate=None, margin=None))]
    #[pyo3(
        text_signature = "(self, as_of, currency, *, periods=12, period_length=4.345, discount_rate=0.01, margin=1.0)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn customer_values(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        periods: Option<&Bound<'_, PyAny>>,
        period_length: Option<&Bound<'_, PyAny>>,
        discount_rate: Option<&Bound<'_, PyAny>>,
        margin: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let d = crm_core::analytics::clv::ClvOptions::default();
            let req = crm_core::ClvRequest {
                as_of: date(as_of, "as_of")?,
                currency: text(currency, "currency")?,
                options: crm_core::analytics::clv::ClvOptions {
                    periods: opt_int(periods, "periods")?.unwrap_or(d.periods),
                    period_length: analytics::opt_real(period_length, "period_length", d.period_length)?,
                    discount_rate: analytics::opt_real(discount_rate, "discount_rate", d.discount_rate)?,
                    margin: analytics::opt_real(margin, "margin", d.margin)?,
                },
            };
            let rows = py.detach(|| db.customer_values(&req)).py_err(py)?;
            Table::new(py, rows.into_iter().map(CustomerValue), analytics::CUSTOMER_VALUE_COLUMNS)
        })
    }

    /// RFM as of a date in one currency: recency, frequency, monetary
    /// value, quintile scores and named segments.
    fn rfm(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>, currency: &Bound<'_, PyAny>) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let as_of = date(as_of, "as_of")?;
            let currency = text(currency, "currency")?;
            let rows = py.detach(|| db.rfm(as_of, &currency)).py_err(py)?;
            Table::new(py, rows.into_iter().map(RfmScore), analytics::RFM_COLUMNS)
        })
    }

    /// The funnel of a pipeline over the opportunities created in a period:
    /// one `Funnel` per group ("all", "owner" or "source").
    #[pyo3(signature = (pipeline_id, *, created_from=None, created_to=None, group=None))]
    #[pyo3(text_signature = "(self, pipeline_id, *, created_from=None, created_to=None, group='all')")]
    fn funnel(
        &self,
        py: Python<'_>,
        pipeline_id: &Bound<'_, PyAny>,
        created_from: Option<&Bound<'_, PyAny>>,
        created_to: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(pipeline_id, "pipeline_id")?;
            let from = opt_datetime(created_from, "created_from")?;
            let to = opt_datetime(created_to, "created_to")?;
            let group = opt_enum(group, "group")?.unwrap_or_default();
            let rows = py.detach(|| db.funnel(id, from, to, group)).py_err(py)?;
            Table::new(py, rows.into_iter().map(Funnel), analytics::FUNNEL_COLUMNS)
        })
    }

    /// Lead statuses reached over the leads created in a period, for all
    /// leads or per "source" or "campaign".
    #[pyo3(signature = (*, created_from=None, created_to=None, group=None))]
    fn lead_funnel(
        &self,
        py: Python<'_>,
        created_from: Option<&Bound<'_, PyAny>>,
        created_to: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let from = opt_datetime(created_from, "created_from")?;
            let to = opt_datetime(created_to, "created_to")?;
            let group = opt_text(group, "group")?;
            let rows = py.detach(|| db.lead_funnel(from, to, group.as_deref())).py_err(py)?;
            Table::new(py, rows.into_iter().map(LeadFunnel), analytics::LEAD_FUNNEL_COLUMNS)
        })
    }

    /// The weighted pipeline of open opportunities by month of expected
    /// close and currency, of one pipeline or all.
    #[pyo3(signature = (pipeline_id=None))]
    fn forecast(&self, py: Python<'_>, pipeline_id: Option<&Bound<'_, PyAny>>) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = opt_uuid(pipeline_id, "pipeline_id")?;
            let rows = py.detach(|| db.forecast(id)).py_err(py)?;
            Table::new(py, rows.into_iter().map(ForecastMonth), analytics::FORECAST_COLUMNS)
        })
    }

    /// Revenue by `period` ("day", "week", "month", "quarter", "year") and
    /// `by` ("total", "product", "category", "tier", "country", "channel",
    /// "segment"). Currencies never mix: one row per currency, unless
    /// `convert_to` and `rates` (`{"USD": 0.92}`: units of `convert_to` per
    /// unit) cover every currency.
    #[pyo3(signature = (*, placed_from=None, placed_to=None, period=None, by=None, convert_to=None, rates=None))]
    #[pyo3(
        text_signature = "(self, *, placed_from=None, placed_to=None, period='month', by='total', convert_to=None, rates=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn revenue(
        &self,
        py: Python<'_>,
        placed_from: Option<&Bound<'_, PyAny>>,
        placed_to: Option<&Bound<'_, PyAny>>,
        period: Option<&Bound<'_, PyAny>>,
        by: Option<&Bound<'_, PyAny>>,
        convert_to: Option<&Bound<'_, PyAny>>,
        rates: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let q = crm_core::analytics::RevenueQuery {
                from: opt_datetime(placed_from, "placed_from")?,
                to: opt_datetime(placed_to, "placed_to")?,
                period: opt_enum(period, "period")?.unwrap_or_default(),
                by: opt_enum(by, "by")?.unwrap_or_default(),
                convert_to: opt_text(convert_to, "convert_to")?,
                rates: analytics::rates(rates)?,
            };
            let rows = py.detach(|| db.revenue(&q)).py_err(py)?;
            Table::new(py, rows.into_iter().map(RevenueRow), analytics::REVENUE_COLUMNS)
        })
    }

    /// Retention and revenue by the month of each customer's first
    /// purchase, in one currency, up to `months` months after it.
    #[pyo3(signature = (currency, *, months=None), text_signature = "(self, currency, *, months=12)")]
    fn cohorts(
        &self,
        py: Python<'_>,
        currency: &Bound<'_, PyAny>,
        months: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let currency = text(currency, "currency")?;
            let months: usize = opt_int(months, "months")?.unwrap_or(12);
            let rows = py.detach(|| db.cohorts(&currency, months)).py_err(py)?;
            Table::new(py, rows.into_iter().map(Cohort), analytics::COHORT_COLUMNS)
        })
    }

    /// Customers likely lost: P(alive) below `threshold`, or a gap since
    /// the last purchase beyond `gap_factor` times their usual gap; most at
    /// risk first, each with the reason.
    #[pyo3(signature = (as_of, currency, *, threshold=None, gap_factor=None))]
    #[pyo3(text_signature = "(self, as_of, currency, *, threshold=0.3, gap_factor=3.0)")]
    fn churn_risk(
        &self,
        py: Python<'_>,
        as_of: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        threshold: Option<&Bound<'_, PyAny>>,
        gap_factor: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let as_of = date(as_of, "as_of")?;
            let currency = text(currency, "currency")?;
            let threshold = analytics::opt_real(threshold, "threshold", 0.3)?;
            let gap_factor = analytics::opt_real(gap_factor, "gap_factor", 3.0)?;
            let rows = py.detach(|| db.churn_risk(as_of, &currency, threshold, gap_factor)).py_err(py)?;
            Table::new(py, rows.into_iter().map(ChurnRisk), analytics::CHURN_COLUMNS)
        })
    }

    /// Products to offer a customer: bought together with what it has
    /// (item to item), leaving out what it has; topped up with the most
    /// popular.
    #[pyo3(signature = (party_id, *, k=None), text_signature = "(self, party_id, *, k=5)")]
    fn next_best_offers(
        &self,
        py: Python<'_>,
        party_id: &Bound<'_, PyAny>,
        k: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(party_id, "party_id")?;
            let k: usize = opt_int(k, "k")?.unwrap_or(5);
            let rows = py.detach(|| db.next_best_offers(id, k)).py_err(py)?;
            Table::new(py, rows.into_iter().map(Offer), analytics::OFFER_COLUMNS)
        })
    }

    /// Hold out each customer's last order and count how often `k` offers
    /// learned from the rest hit it, beside a most-popular baseline.
    #[pyo3(signature = (*, k=None), text_signature = "(self, *, k=5)")]
    fn evaluate_offers(&self, py: Python<'_>, k: Option<&Bound<'_, PyAny>>) -> PyResult<OfferEvaluation> {
        guard(py, || {
            let db = self.handle(py)?;
            let k: usize = opt_int(k, "k")?.unwrap_or(5);
            py.detach(|| db.evaluate_offers(k)).py_err(py).map(OfferEvaluation)
        })
    }

    /// Learn win probabilities from a pipeline's closed opportunities and
    /// report how they do on the last-closed quarter, against the stages'
    /// default probabilities.
    fn win_model(&self, py: Python<'_>, pipeline_id: &Bound<'_, PyAny>) -> PyResult<WinModelReport> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(pipeline_id, "pipeline_id")?;
            py.detach(|| db.win_model(id)).py_err(py).map(WinModelReport)
        })
    }

    /// The learned win probability of each open opportunity of a pipeline,
    /// beside its stage's default.
    fn predict_wins(&self, py: Python<'_>, pipeline_id: &Bound<'_, PyAny>) -> PyResult<Table> {
        guard(py, || {
            let db = self.handle(py)?;
            let id = uuid(pipeline_id, "pipeline_id")?;
            let rows = py.detach(|| db.predict_wins(id)).py_err(py)?;
            Table::new(py, rows.into_iter().map(WinPrediction), analytics::WIN_PREDICTION_COLUMNS)
        })
    }

    // -------------------------------------------------------- CSV import

    /// Import parties from CSV: `source` is a path, `bytes` or a binary
    /// file; `mapping` a dict (`columns`, `default_kind`, `key`), a
    /// `CsvMapping`, or the name of a saved one. Bad rows are reported
    /// (and written to `rejects`, a path or a file) while the good ones
    /// import, or nothing imports with `mode="all_or_nothing"`. `progress`
    /// is called with an `ImportProgress` after every batch; returning
    /// False stops the import (row by row the batches done stay, all or
    /// nothing none does; the report says `stopped`), and an exception it
    /// raises stops the import and is raised here. All or nothing, and
    /// while loading in bulk, `progress` runs inside the import's write:
    /// writing through this handle from it raises `BusyError` instead of
    /// waiting for the import. `load` is "auto"
    /// (the default), "batches" or "bulk": a bulk load writes the rest of
    /// the import in one transaction and builds the name, contact-value and
    /// tag indexes at its end, far faster for large files; "auto" turns to
    /// it once the rows read reach a sixteenth of the parties the base held.
    #[pyo3(signature = (source, *, mapping, delimiter=None, encoding=None, mode=None, dry_run=false, batch_size=None, load=None, rejects=None, progress=None))]
    #[pyo3(
        text_signature = "(self, source, *, mapping, delimiter=None, encoding=None, mode='row_by_row', dry_run=False, batch_size=1000, load='auto', rejects=None, progress=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn import_csv(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        mapping: &Bound<'_, PyAny>,
        delimiter: Option<&Bound<'_, PyAny>>,
        encoding: Option<&Bound<'_, PyAny>>,
        mode: Option<&Bound<'_, PyAny>>,
        dry_run: bool,
        batch_size: Option<&Bound<'_, PyAny>>,
        load: Option<&Bound<'_, PyAny>>,
        rejects: Option<&Bound<'_, PyAny>>,
        progress: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ImportReport> {
        guard(py, || {
            let db = self.handle(py)?;
            let mapping = if mapping.is_instance_of::<PyString>() {
                let name = text(mapping, "mapping")?;
                let db = db.clone();
                py.detach(|| db.mapping(&name)).py_err(py)?
            } else {
                import::csv_mapping(mapping, "mapping")?
            };
            let options = import::csv_options(
                mapping,
                analytics::one_char(delimiter, "delimiter")?,
                opt_text(encoding, "encoding")?,
                mode,
                dry_run,
                opt_int(batch_size, "batch_size")?,
                load,
            )?;
            let source = import::input(source)?;
            let rejects = import::output(rejects)?;
            let progress = match progress.filter(|p| !p.is_none()) {
                Some(p) if p.is_callable() => Some(p.clone().unbind()),
                Some(_) => return Err(type_error("progress", "expected a callable")),
                None => None,
            };
            import::run(py, db, source, options, rejects, progress).map(ImportReport)
        })
    }

    /// Save a column mapping under a name (replacing one of that name), to
    /// reuse as `import_csv(mapping="name")`.
    fn save_mapping(&self, py: Python<'_>, name: &Bound<'_, PyAny>, mapping: &Bound<'_, PyAny>) -> PyResult<()> {
        guard(py, || {
            let db = self.handle(py)?;
            let name = text(name, "name")?;
            let mapping = import::csv_mapping(mapping, "mapping")?;
            py.detach(|| db.save_mapping(&name, &mapping)).py_err(py)
        })
    }

    /// A saved column mapping.
    fn mapping(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<CsvMapping> {
        guard(py, || {
            let db = self.handle(py)?;
            let name = text(name, "name")?;
            py.detach(|| db.mapping(&name)).py_err(py).map(CsvMapping)
        })
    }

    // -------------------------------------------------------- JSON and vCard

    /// Write the whole base (every table, row by row, one consistent
    /// snapshot) as JSON lines. `target`: a path (written whole or not at
    /// all), a file open in binary or text mode, or None to return the
    /// text. `import_json` into an empty base gives the same base back.
    #[pyo3(signature = (target=None))]
    fn export_json(&self, py: Python<'_>, target: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
        guard(py, || {
            let db = self.handle(py)?;
            let target = transfer::target(target)?;
            let ((), text) = transfer::write(py, target, move |out| db.export_json(out))?;
            Ok(text)
        })
    }

    /// Write the parties matching the filters (as `count_parties` takes
    /// them), with everything they hold and the relationships among them,
    /// as JSON lines. Returns how many parties, or the text when `target`
    /// is None.
    #[pyo3(
        signature = (target=None, **filters),
        text_signature = "(self, target=None, *, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None)"
    )]
    fn export_parties_json(
        &self,
        py: Python<'_>,
        target: Option<&Bound<'_, PyAny>>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let db = self.handle(py)?;
            let (filter, rest) = party_filter(kwargs_of(filters)?)?;
            if let Some((k, _)) = rest.first() {
                return Err(unexpected_kwarg("export_parties_json", k));
            }
            let target = transfer::target(target)?;
            let (n, text) = transfer::write(py, target, move |out| db.export_parties_json(&filter, out))?;
            transfer::count_or_text(py, n, text)
        })
    }

    /// Read an export of `export_json` (into an empty base) or of
    /// `export_parties_json` (parties already in the base are skipped).
    /// `source`: a path, the text (bytes, or a str holding a line break),
    /// or a file open in binary or text mode. All or nothing: a bad line
    /// raises `ValidationError` with `field` naming it ("line 3").
    fn import_json(&self, py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<JsonImportReport> {
        guard(py, || {
            let db = self.handle(py)?;
            let source = transfer::source(source)?;
            transfer::read(py, source, move |input| db.import_json(input)).map(JsonImportReport)
        })
    }

    /// Write the parties matching the filters (as `count_parties` takes
    /// them) as vCard 4.0. Returns how many cards, or the text when
    /// `target` is None.
    #[pyo3(
        signature = (target=None, **filters),
        text_signature = "(self, target=None, *, kind=None, role=None, tag=None, country=None, parent_id=None, commercial_id=None, name_prefix=None, custom=None, created_from=None, created_to=None, updated_from=None, updated_to=None, archived=None)"
    )]
    fn export_vcard(
        &self,
        py: Python<'_>,
        target: Option<&Bound<'_, PyAny>>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        guard(py, || {
            let db = self.handle(py)?;
            let (filter, rest) = party_filter(kwargs_of(filters)?)?;
            if let Some((k, _)) = rest.first() {
                return Err(unexpected_kwarg("export_vcard", k));
            }
            let target = transfer::target(target)?;
            let (n, text) = transfer::write(py, target, move |out| db.export_vcard(&filter, out))?;
            transfer::count_or_text(py, n, text)
        })
    }

    /// Read vCards (3.0 or 4.0): a card whose UID is a party's id updates
    /// that party, others create parties. `source` as for `import_json`.
    /// Bad cards are reported in `rejects` (the line each began on) while
    /// the good ones import.
    fn import_vcard(&self, py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<VcardReport> {
        guard(py, || {
            let db = self.handle(py)?;
            let source = transfer::source(source)?;
            transfer::read(py, source, move |input| db.import_vcard(input)).map(VcardReport)
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

/// A party's timeline, fetched a page at a time as you iterate.
#[pyclass(module = "crm._crm", name = "InteractionIterator")]
pub struct InteractionIterator {
    db: crm_core::Crm,
    party_id: crm_core::Uuid,
    query: TimelineQuery,
    buffer: VecDeque<crm_core::Interaction>,
    done: bool,
}

#[pymethods]
impl InteractionIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Interaction>> {
        guard(py, || {
            if self.buffer.is_empty() && !self.done {
                let db = self.db.clone();
                let query = self.query.clone();
                let party_id = self.party_id;
                let page = py.detach(move || db.timeline(party_id, &query)).py_err(py)?;
                self.done = page.next.is_none();
                self.query.after = page.next;
                self.buffer.extend(page.items);
            }
            Ok(self.buffer.pop_front().map(Interaction))
        })
    }
}

/// Orders, fetched a page at a time as you iterate.
#[pyclass(module = "crm._crm", name = "OrderIterator")]
pub struct OrderIterator {
    db: crm_core::Crm,
    query: OrderQuery,
    buffer: VecDeque<crm_core::Order>,
    done: bool,
}

#[pymethods]
impl OrderIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Order>> {
        guard(py, || {
            if self.buffer.is_empty() && !self.done {
                let db = self.db.clone();
                let query = self.query.clone();
                let page = py.detach(move || db.orders(&query)).py_err(py)?;
                self.done = page.next.is_none();
                self.query.after = page.next;
                self.buffer.extend(page.items);
            }
            Ok(self.buffer.pop_front().map(Order))
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
    m.add_class::<InteractionIterator>()?;
    m.add_class::<OrderIterator>()?;
    m.add_class::<Money>()?;
    m.add_class::<Participant>()?;
    m.add_class::<Interaction>()?;
    m.add_class::<Task>()?;
    m.add_class::<Lead>()?;
    m.add_class::<LeadScoreRule>()?;
    m.add_class::<Stage>()?;
    m.add_class::<Pipeline>()?;
    m.add_class::<OpportunityContact>()?;
    m.add_class::<OpportunityPartner>()?;
    m.add_class::<StageVisit>()?;
    m.add_class::<Opportunity>()?;
    m.add_class::<StageSummary>()?;
    m.add_class::<PipelineSummary>()?;
    m.add_class::<Product>()?;
    m.add_class::<PriceList>()?;
    m.add_class::<PriceQuote>()?;
    m.add_class::<OrderLine>()?;
    m.add_class::<OrderStatusChange>()?;
    m.add_class::<Order>()?;
    m.add_class::<SearchHit>()?;
    m.add_class::<PartySuggestion>()?;
    m.add_class::<MergeOutcome>()?;
    m.add_class::<MergeRecord>()?;
    m.add_class::<DuplicatePair>()?;
    m.add_class::<DuplicateCandidate>()?;
    m.add_function(wrap_pyfunction!(analytics::fit_bgnbd, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::fit_gamma_gamma, m)?)?;
    m.add_class::<Table>()?;
    m.add_class::<PurchaseSummary>()?;
    m.add_class::<BgNbdParams>()?;
    m.add_class::<BgNbdStandardErrors>()?;
    m.add_class::<BgNbdFit>()?;
    m.add_class::<GammaGammaParams>()?;
    m.add_class::<GammaGammaStandardErrors>()?;
    m.add_class::<GammaGammaFit>()?;
    m.add_class::<ClvModel>()?;
    m.add_class::<CustomerValue>()?;
    m.add_class::<RfmScore>()?;
    m.add_class::<FunnelStage>()?;
    m.add_class::<Funnel>()?;
    m.add_class::<LeadFunnel>()?;
    m.add_class::<ForecastMonth>()?;
    m.add_class::<RevenueRow>()?;
    m.add_class::<Cohort>()?;
    m.add_class::<ChurnRisk>()?;
    m.add_class::<Offer>()?;
    m.add_class::<OfferEvaluation>()?;
    m.add_class::<CalibrationBin>()?;
    m.add_class::<WinModelReport>()?;
    m.add_class::<WinPrediction>()?;
    m.add_class::<Reject>()?;
    m.add_class::<ImportProgress>()?;
    m.add_class::<ImportReport>()?;
    m.add_class::<CsvMapping>()?;
    m.add_class::<JsonImportReport>()?;
    m.add_class::<VcardReport>()?;
    Ok(())
}
