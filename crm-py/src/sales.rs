//! Sales: money, leads, pipelines and opportunities, products and price
//! lists, orders — their records, and their input read from Python values.
//! Type conversion only: every rule lives in crm-core.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use crm_core::{
    LeadScoreRule as CoreRule, NewOrderLine, NewStage, OpportunityContact as CoreContact,
    OpportunityPartner as CorePartner, OpportunitySpec, PartyChoice, Utm,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyString, PyTuple};
use serde_json::Value as J;

use crate::activity::{osid, sid};
use crate::convert::{
    boolean, enum_text, enum_value, from_json, integer, items, mapping, opt_date, opt_text, text, uuid,
};
use crate::errors::type_error;
use crate::records::repr_str;

// ------------------------------------------------------------------ Money

/// An amount of money: integer minor units (cents) of an ISO 4217
/// currency. `Money(1234, "EUR")` is 12.34 €. Never a float.
#[pyclass(frozen, eq, hash, module = "crm._crm", name = "Money")]
#[derive(PartialEq, Hash)]
pub struct Money(pub crm_core::Money);

#[pymethods]
impl Money {
    #[new]
    #[pyo3(signature = (amount, currency))]
    fn new(amount: &Bound<'_, PyAny>, currency: &Bound<'_, PyAny>) -> PyResult<Money> {
        Ok(Money(crm_core::Money::new(minor_units(amount, "amount")?, text(currency, "currency")?)))
    }
    /// The amount in minor units.
    #[getter]
    fn amount(&self) -> i64 {
        self.0.amount
    }
    /// The ISO 4217 code.
    #[getter]
    fn currency(&self) -> &str {
        &self.0.currency
    }
    /// The record as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("amount", self.0.amount)?;
        d.set_item("currency", &self.0.currency)?;
        Ok(d)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Money(amount={}, currency={})", self.0.amount, repr_str(py, &self.0.currency))
    }
    /// In major units: "12.34 EUR".
    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

/// An amount in minor units: an `int`, never a float.
pub(crate) fn minor_units(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<i64> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(type_error(field, "expected an int of minor units (1234 for 12.34), not a float"));
    }
    integer(obj, field)
}

/// Money given as a `Money` or an `(amount, "EUR")` pair.
pub(crate) fn money(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<crm_core::Money> {
    if let Ok(m) = obj.cast::<Money>() {
        return Ok(m.get().0.clone());
    }
    if let Ok(t) = obj.cast::<PyTuple>()
        && t.len() == 2
    {
        let amount = minor_units(&t.get_item(0)?, &format!("{field}.amount"))?;
        let currency = text(&t.get_item(1)?, &format!("{field}.currency"))?;
        return Ok(crm_core::Money::new(amount, currency));
    }
    Err(type_error(field, "expected Money(amount, currency) or an (amount, \"EUR\") pair"))
}

// ------------------------------------------------------------------ leads

record! {
    /// Someone who showed interest and is not yet in the base.
    Lead(crm_core::Lead) as "Lead";
    repr(id, status, score, version);
    {
        id(s, py) -> String = sid(&s.id);
        /// "new", "working", "qualified", "converted" or "disqualified".
        status(s, py) -> String = enum_text(&s.status);
        source(s, py) -> Option<String> = s.source.clone();
        campaign_id(s, py) -> Option<String> = osid(&s.campaign_id);
        /// Tracking parameters: `source`, `medium`, `campaign`, `term`,
        /// `content`.
        utm(s, py) -> BTreeMap<&'static str, Option<String>> = utm_map(&s.utm);
        given_name(s, py) -> Option<String> = s.given_name.clone();
        family_name(s, py) -> Option<String> = s.family_name.clone();
        email(s, py) -> Option<String> = s.email.clone();
        phone(s, py) -> Option<String> = s.phone.clone();
        company_name(s, py) -> Option<String> = s.company_name.clone();
        title(s, py) -> Option<String> = s.title.clone();
        country(s, py) -> Option<String> = s.country.clone();
        notes(s, py) -> Option<String> = s.notes.clone();
        owner(s, py) -> Option<String> = s.owner.clone();
        score(s, py) -> i64 = s.score;
        disqualify_reason(s, py) -> Option<String> = s.disqualify_reason.clone();
        person_id(s, py) -> Option<String> = osid(&s.person_id);
        organization_id(s, py) -> Option<String> = osid(&s.organization_id);
        opportunity_id(s, py) -> Option<String> = osid(&s.opportunity_id);
        converted_at(s, py) -> Option<DateTime<Utc>> = s.converted_at;
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

fn utm_map(u: &Utm) -> BTreeMap<&'static str, Option<String>> {
    BTreeMap::from([
        ("source", u.source.clone()),
        ("medium", u.medium.clone()),
        ("campaign", u.campaign.clone()),
        ("term", u.term.clone()),
        ("content", u.content.clone()),
    ])
}

/// Tracking parameters from a dict.
pub(crate) fn utm(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Utm> {
    let mut u = Utm::default();
    for (k, v) in mapping(obj, field)? {
        let f = format!("{field}.{k}");
        let v = opt_text(Some(&v), &f)?;
        match k.as_str() {
            "source" => u.source = v,
            "medium" => u.medium = v,
            "campaign" => u.campaign = v,
            "term" => u.term = v,
            "content" => u.content = v,
            _ => {
                return Err(type_error(
                    field,
                    format!("unexpected key {k:?} (source, medium, campaign, term, content)"),
                ));
            }
        }
    }
    Ok(u)
}

record! {
    /// A lead scoring rule: leads meeting the condition get the points.
    LeadScoreRule(CoreRule) as "LeadScoreRule";
    repr(condition, value, points);
    {
        /// "has_email", "has_phone", "has_company", "source", "utm_source",
        /// "country" or "title_contains".
        condition(s, py) -> String = rule_parts(&s.condition).0;
        /// The value the condition compares with (None for the `has_`
        /// conditions).
        value(s, py) -> Option<String> = rule_parts(&s.condition).1;
        points(s, py) -> i64 = s.points;
    }
}

fn rule_parts(c: &crm_core::LeadCondition) -> (String, Option<String>) {
    match serde_json::to_value(c) {
        Ok(J::String(s)) => (s, None),
        Ok(J::Object(m)) => match m.into_iter().next() {
            Some((k, J::String(v))) => (k, Some(v)),
            Some((k, _)) => (k, None),
            None => (String::new(), None),
        },
        _ => (String::new(), None),
    }
}

/// A scoring rule: a `LeadScoreRule` or a dict `{"condition": "source",
/// "value": "web", "points": 10}`.
pub(crate) fn score_rule(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<CoreRule> {
    if let Ok(r) = obj.cast::<LeadScoreRule>() {
        return Ok(r.get().0.clone());
    }
    let (mut condition, mut value, mut points) = (None, None, None);
    for (k, v) in mapping(obj, ctx)? {
        let f = format!("{ctx}.{k}");
        match k.as_str() {
            "condition" => condition = Some(text(&v, &f)?),
            "value" => value = opt_text(Some(&v), &f)?,
            "points" => points = Some(integer::<i64>(&v, &f)?),
            other => return Err(type_error(ctx, format!("unexpected key {other:?} for a scoring rule"))),
        }
    }
    let (Some(condition), Some(points)) = (condition, points) else {
        return Err(type_error(ctx, "a scoring rule needs \"condition\" and \"points\""));
    };
    let cond = match value {
        Some(v) => J::Object(serde_json::Map::from_iter([(condition, J::String(v))])),
        None => J::String(condition),
    };
    Ok(CoreRule { condition: from_json(obj.py(), cond, &format!("{ctx}.condition"))?, points })
}

/// A conversion choice: "new", "skip" or an existing party's id.
pub(crate) fn party_choice(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<PartyChoice> {
    if obj.is_instance_of::<PyString>() {
        let s = text(obj, field)?;
        match s.as_str() {
            "new" => return Ok(PartyChoice::New),
            "skip" => return Ok(PartyChoice::Skip),
            _ => {}
        }
    }
    Ok(PartyChoice::Existing(uuid(obj, field)?))
}

/// The opportunity of a conversion: a dict with `pipeline_id`, `amount`,
/// and optionally `name`, `expected_close`.
pub(crate) fn opportunity_spec(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<OpportunitySpec> {
    let (mut pipeline_id, mut amount, mut name, mut expected_close) = (None, None, None, None);
    for (k, v) in mapping(obj, ctx)? {
        let f = format!("{ctx}.{k}");
        match k.as_str() {
            "pipeline_id" => pipeline_id = Some(uuid(&v, &f)?),
            "amount" => amount = Some(money(&v, &f)?),
            "name" => name = opt_text(Some(&v), &f)?,
            "expected_close" => expected_close = opt_date(Some(&v), &f)?,
            other => return Err(type_error(ctx, format!("unexpected key {other:?} for an opportunity"))),
        }
    }
    let (Some(pipeline_id), Some(amount)) = (pipeline_id, amount) else {
        return Err(type_error(ctx, "an opportunity needs \"pipeline_id\" and \"amount\""));
    };
    Ok(OpportunitySpec { name, pipeline_id, amount, expected_close })
}

// ------------------------------------------------------------ pipelines

record! {
    /// A stage of a pipeline.
    Stage(crm_core::Stage) as "Stage";
    repr(name, probability, outcome);
    {
        id(s, py) -> String = sid(&s.id);
        name(s, py) -> String = s.name.clone();
        position(s, py) -> i64 = s.position;
        /// The default win probability, in percent.
        probability(s, py) -> u8 = s.probability;
        /// "open", "won" or "lost".
        outcome(s, py) -> String = enum_text(&s.outcome);
    }
}

record! {
    /// A sales process: ordered stages from first contact to won or lost.
    Pipeline(crm_core::Pipeline) as "Pipeline";
    repr(id, name, version);
    {
        id(s, py) -> String = sid(&s.id);
        name(s, py) -> String = s.name.clone();
        stages(s, py) -> Vec<Stage> = s.stages.iter().cloned().map(Stage).collect();
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
    methods {
        /// A stage by name, or None.
        fn stage(&self, name: &str) -> Option<Stage> {
            self.0.stage(name).cloned().map(Stage)
        }
    }
}

/// A stage to create: a dict `{"name": ..., "probability": 20, "outcome":
/// "open"}` or a `(name, probability[, outcome])` tuple.
pub(crate) fn new_stage(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<NewStage> {
    let (mut name, mut probability, mut outcome) = (None, None, None);
    if let Ok(t) = obj.cast::<PyTuple>() {
        if !(2..=3).contains(&t.len()) {
            return Err(type_error(ctx, "a stage is a (name, probability[, outcome]) tuple"));
        }
        name = Some(text(&t.get_item(0)?, &format!("{ctx}.name"))?);
        probability = Some(integer::<u8>(&t.get_item(1)?, &format!("{ctx}.probability"))?);
        if t.len() == 3 {
            outcome = Some(enum_value(&t.get_item(2)?, &format!("{ctx}.outcome"))?);
        }
    } else {
        for (k, v) in mapping(obj, ctx)? {
            let f = format!("{ctx}.{k}");
            match k.as_str() {
                "name" => name = Some(text(&v, &f)?),
                "probability" => probability = Some(integer::<u8>(&v, &f)?),
                "outcome" => outcome = Some(enum_value(&v, &f)?),
                other => return Err(type_error(ctx, format!("unexpected key {other:?} for a stage"))),
            }
        }
    }
    let (Some(name), Some(probability)) = (name, probability) else {
        return Err(type_error(ctx, "a stage needs \"name\" and \"probability\""));
    };
    Ok(NewStage { name, probability, outcome: outcome.unwrap_or_default() })
}

// ------------------------------------------------------------ opportunities

record! {
    /// A person on the buying side of an opportunity.
    OpportunityContact(CoreContact) as "OpportunityContact";
    repr(party_id, buying_role);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        /// "decision_maker", "influencer", "evaluator", "user",
        /// "economic_buyer", "champion", "blocker" or "unknown".
        buying_role(s, py) -> String = enum_text(&s.buying_role);
    }
}

record! {
    /// A partner on an opportunity.
    OpportunityPartner(CorePartner) as "OpportunityPartner";
    repr(party_id, partner_role, primary);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        /// "reseller", "referral", "distributor", "technology",
        /// "integrator" or "other".
        partner_role(s, py) -> String = enum_text(&s.partner_role);
        primary(s, py) -> bool = s.primary;
    }
}

record! {
    /// A stay of an opportunity in a stage.
    StageVisit(crm_core::StageVisit) as "StageVisit";
    repr(stage_id, entered_at, left_at);
    {
        stage_id(s, py) -> String = sid(&s.stage_id);
        entered_at(s, py) -> DateTime<Utc> = s.entered_at;
        left_at(s, py) -> Option<DateTime<Utc>> = s.left_at;
    }
}

record! {
    /// A possible sale, moving through the stages of a pipeline.
    Opportunity(crm_core::Opportunity) as "Opportunity";
    repr(id, name, status, amount, version);
    {
        id(s, py) -> String = sid(&s.id);
        name(s, py) -> String = s.name.clone();
        account_id(s, py) -> String = sid(&s.account_id);
        pipeline_id(s, py) -> String = sid(&s.pipeline_id);
        stage_id(s, py) -> String = sid(&s.stage_id);
        /// "open", "won" or "lost".
        status(s, py) -> String = enum_text(&s.status);
        amount(s, py) -> Money = Money(s.amount.clone());
        /// Its own win probability in percent; None: the stage's.
        probability(s, py) -> Option<u8> = s.probability;
        effective_probability(s, py) -> u8 = s.effective_probability;
        /// The amount weighted by the probability in force.
        weighted_amount(s, py) -> Money = Money(crm_core::Money::new(s.weighted_amount, s.amount.currency.clone()));
        expected_close(s, py) -> Option<NaiveDate> = s.expected_close;
        owner(s, py) -> Option<String> = s.owner.clone();
        source(s, py) -> Option<String> = s.source.clone();
        lead_id(s, py) -> Option<String> = osid(&s.lead_id);
        close_reason(s, py) -> Option<String> = s.close_reason.clone();
        closed_at(s, py) -> Option<DateTime<Utc>> = s.closed_at;
        contacts(s, py) -> Vec<OpportunityContact> = s.contacts.iter().copied().map(OpportunityContact).collect();
        partners(s, py) -> Vec<OpportunityPartner> = s.partners.iter().copied().map(OpportunityPartner).collect();
        stage_history(s, py) -> Vec<StageVisit> = s.stage_history.iter().cloned().map(StageVisit).collect();
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

/// A contact: an `OpportunityContact`, a `(party_id, buying_role)` pair, a
/// dict, or a bare party id (role "unknown").
pub(crate) fn opportunity_contact(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<CoreContact> {
    if let Ok(c) = obj.cast::<OpportunityContact>() {
        return Ok(c.get().0);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() != 2 {
            return Err(type_error(ctx, "a contact is a (party_id, buying_role) pair"));
        }
        return Ok(CoreContact {
            party_id: uuid(&t.get_item(0)?, &format!("{ctx}.party_id"))?,
            buying_role: enum_value(&t.get_item(1)?, &format!("{ctx}.buying_role"))?,
        });
    }
    if obj.is_instance_of::<PyDict>() {
        let (mut party_id, mut role) = (None, None);
        for (k, v) in mapping(obj, ctx)? {
            let f = format!("{ctx}.{k}");
            match k.as_str() {
                "party_id" => party_id = Some(uuid(&v, &f)?),
                "buying_role" => role = Some(enum_value(&v, &f)?),
                other => return Err(type_error(ctx, format!("unexpected key {other:?} for a contact"))),
            }
        }
        let party_id = party_id.ok_or_else(|| type_error(ctx, "a contact needs \"party_id\""))?;
        return Ok(CoreContact { party_id, buying_role: role.unwrap_or_default() });
    }
    Ok(CoreContact { party_id: uuid(obj, ctx)?, buying_role: Default::default() })
}

/// A partner: an `OpportunityPartner` or a dict `{"party_id": ...,
/// "partner_role": "reseller", "primary": True}`.
pub(crate) fn opportunity_partner(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<CorePartner> {
    if let Ok(c) = obj.cast::<OpportunityPartner>() {
        return Ok(c.get().0);
    }
    let (mut party_id, mut role, mut primary) = (None, None, false);
    for (k, v) in mapping(obj, ctx)? {
        let f = format!("{ctx}.{k}");
        match k.as_str() {
            "party_id" => party_id = Some(uuid(&v, &f)?),
            "partner_role" => role = Some(enum_value(&v, &f)?),
            "primary" => primary = boolean(&v, &f)?,
            other => return Err(type_error(ctx, format!("unexpected key {other:?} for a partner"))),
        }
    }
    let party_id = party_id.ok_or_else(|| type_error(ctx, "a partner needs \"party_id\""))?;
    Ok(CorePartner { party_id, partner_role: role.unwrap_or_default(), primary })
}

pub(crate) fn contacts(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<CoreContact>> {
    items(obj, field)?.iter().enumerate().map(|(i, c)| opportunity_contact(c, &format!("{field}[{i}]"))).collect()
}

pub(crate) fn partners(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<CorePartner>> {
    items(obj, field)?.iter().enumerate().map(|(i, c)| opportunity_partner(c, &format!("{field}[{i}]"))).collect()
}

record! {
    /// Count and amounts of the opportunities in one stage.
    StageSummary(crm_core::StageSummary) as "StageSummary";
    repr(name, count, amount);
    {
        stage_id(s, py) -> String = sid(&s.stage_id);
        name(s, py) -> String = s.name.clone();
        outcome(s, py) -> String = enum_text(&s.outcome);
        count(s, py) -> u64 = s.count;
        /// Amounts per currency, in minor units: `{"EUR": 150000}`.
        amount(s, py) -> BTreeMap<String, i64> = s.amount.clone();
        /// Weighted amounts per currency, in minor units.
        weighted_amount(s, py) -> BTreeMap<String, i64> = s.weighted_amount.clone();
    }
}

record! {
    /// A pipeline's stages with their counts and amounts.
    PipelineSummary(crm_core::PipelineSummary) as "PipelineSummary";
    repr(pipeline_id, name);
    {
        pipeline_id(s, py) -> String = sid(&s.pipeline_id);
        name(s, py) -> String = s.name.clone();
        stages(s, py) -> Vec<StageSummary> = s.stages.iter().cloned().map(StageSummary).collect();
    }
}

// ------------------------------------------------------------ catalog

record! {
    /// Something we sell.
    Product(crm_core::Product) as "Product";
    repr(id, sku, name, version);
    {
        id(s, py) -> String = sid(&s.id);
        sku(s, py) -> String = s.sku.clone();
        name(s, py) -> String = s.name.clone();
        category(s, py) -> Option<String> = s.category.clone();
        unit(s, py) -> String = s.unit.clone();
        active(s, py) -> bool = s.active;
        description(s, py) -> Option<String> = s.description.clone();
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

record! {
    /// Prices in one currency, for everyone or for one customer tier or
    /// segment, over a span of dates.
    PriceList(crm_core::PriceList) as "PriceList";
    repr(id, name, currency, version);
    {
        id(s, py) -> String = sid(&s.id);
        name(s, py) -> String = s.name.clone();
        currency(s, py) -> String = s.currency.clone();
        tier(s, py) -> Option<String> = s.tier.clone();
        segment(s, py) -> Option<String> = s.segment.clone();
        valid_from(s, py) -> Option<NaiveDate> = s.valid_from;
        valid_to(s, py) -> Option<NaiveDate> = s.valid_to;
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

record! {
    /// The price a party pays for a product, and the price list it comes
    /// from.
    PriceQuote(crm_core::PriceQuote) as "PriceQuote";
    repr(product_id, unit_price);
    {
        product_id(s, py) -> String = sid(&s.product_id);
        price_list_id(s, py) -> String = sid(&s.price_list_id);
        unit_price(s, py) -> Money = Money(s.unit_price.clone());
    }
}

// ------------------------------------------------------------ orders

record! {
    /// A line of an order; amounts in minor units of the order's currency.
    OrderLine(crm_core::OrderLine) as "OrderLine";
    repr(line_no, description, quantity, total);
    {
        line_no(s, py) -> i64 = s.line_no;
        product_id(s, py) -> Option<String> = osid(&s.product_id);
        description(s, py) -> String = s.description.clone();
        quantity(s, py) -> i64 = s.quantity;
        unit_price(s, py) -> i64 = s.unit_price;
        discount(s, py) -> i64 = s.discount;
        /// The tax rate in basis points (2100 = 21 %).
        tax_rate_bp(s, py) -> u32 = s.tax_rate_bp;
        net(s, py) -> i64 = s.net;
        tax(s, py) -> i64 = s.tax;
        total(s, py) -> i64 = s.total;
    }
}

record! {
    /// One change of an order's status.
    OrderStatusChange(crm_core::OrderStatusChange) as "OrderStatusChange";
    repr(from_status, to_status, at);
    {
        /// The status before (None when the order was created).
        from_status(s, py) -> Option<String> = s.from.as_ref().map(enum_text);
        to_status(s, py) -> String = enum_text(&s.to);
        at(s, py) -> DateTime<Utc> = s.at;
        actor(s, py) -> String = s.actor.clone();
    }
}

record! {
    /// An order, with its lines and status history. Amounts are integer
    /// minor units of `currency`.
    Order(crm_core::Order) as "Order";
    repr(id, status, total, currency, version);
    {
        id(s, py) -> String = sid(&s.id);
        /// "web_shop", "store", "partner", "phone", "marketplace" or
        /// "direct".
        channel(s, py) -> String = enum_text(&s.channel);
        external_id(s, py) -> Option<String> = s.external_id.clone();
        party_id(s, py) -> String = sid(&s.party_id);
        opportunity_id(s, py) -> Option<String> = osid(&s.opportunity_id);
        price_list_id(s, py) -> Option<String> = osid(&s.price_list_id);
        currency(s, py) -> String = s.currency.clone();
        /// "draft", "placed", "paid", "shipped", "delivered", "cancelled"
        /// or "returned".
        status(s, py) -> String = enum_text(&s.status);
        lines(s, py) -> Vec<OrderLine> = s.lines.iter().cloned().map(OrderLine).collect();
        subtotal(s, py) -> i64 = s.subtotal;
        discount(s, py) -> i64 = s.discount;
        tax(s, py) -> i64 = s.tax;
        total(s, py) -> i64 = s.total;
        placed_at(s, py) -> Option<DateTime<Utc>> = s.placed_at;
        status_history(s, py) -> Vec<OrderStatusChange> = s.status_history.iter().cloned().map(OrderStatusChange).collect();
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

/// An order line from a dict: `product_id`, `description`, `quantity`,
/// `unit_price` (minor units), `discount`, `tax_rate_bp`.
pub(crate) fn order_line(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<NewOrderLine> {
    let mut line = NewOrderLine {
        product_id: None,
        description: None,
        quantity: 0,
        unit_price: None,
        discount: 0,
        tax_rate_bp: 0,
    };
    let mut quantity = None;
    for (k, v) in mapping(obj, ctx)? {
        let f = format!("{ctx}.{k}");
        match k.as_str() {
            "product_id" => line.product_id = crate::convert::opt_uuid(Some(&v), &f)?,
            "description" => line.description = opt_text(Some(&v), &f)?,
            "quantity" => quantity = Some(integer::<i64>(&v, &f)?),
            "unit_price" => line.unit_price = if v.is_none() { None } else { Some(minor_units(&v, &f)?) },
            "discount" => line.discount = minor_units(&v, &f)?,
            "tax_rate_bp" => line.tax_rate_bp = integer::<u32>(&v, &f)?,
            other => return Err(type_error(ctx, format!("unexpected key {other:?} for an order line"))),
        }
    }
    line.quantity = quantity.ok_or_else(|| type_error(ctx, "an order line needs \"quantity\""))?;
    Ok(line)
}

pub(crate) fn order_lines(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<NewOrderLine>> {
    items(obj, field)?.iter().enumerate().map(|(i, l)| order_line(l, &format!("{field}[{i}]"))).collect()
}
