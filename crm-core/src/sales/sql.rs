//! The SQL of sales: leads, pipelines, opportunities, products, price lists
//! and orders.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use uuid::Uuid;

use super::Money;
use super::catalog::{PriceList, PriceQuote, Product};
use super::lead::{Lead, LeadScoreRule, LeadStatus, Utm, score};
use super::opportunity::{
    BuyingRole, Opportunity, OpportunityContact, OpportunityPartner, OpportunityStatus, Pipeline, PipelineSummary,
    Stage, StageOutcome, StageSummary, StageVisit, weighted,
};
use super::order::{Order, OrderChannel, OrderLine, OrderQuery, OrderStatus, OrderStatusChange, Priced};
use crate::error::{Error, Result};
use crate::page::Cursor;
use crate::party::PartnerType;
use crate::store::{Tx, from_micros, to_micros};

// ---------------------------------------------------------------- products

const PRODUCT_COLUMNS: &str = "id, sku, name, category, unit, active, description, created_at, updated_at, version";

fn product_from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        sku: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        unit: r.get(4)?,
        active: r.get(5)?,
        description: r.get(6)?,
        created_at: from_micros(r.get(7)?),
        updated_at: from_micros(r.get(8)?),
        version: r.get(9)?,
    })
}

pub(crate) fn insert_product(tx: &Tx<'_>, p: &Product) -> Result<()> {
    tx.conn()
        .prepare_cached(&format!(
            "INSERT INTO product ({PRODUCT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1)"
        ))?
        .execute(params![p.id, p.sku, p.name, p.category, p.unit, p.active, p.description, to_micros(p.created_at)])?;
    Ok(())
}

pub(crate) fn get_product(conn: &Connection, id: Uuid) -> Result<Product> {
    conn.prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE id = ?1"))?
        .query_row([id], product_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("product", id))
}

pub(crate) fn product_by_sku(conn: &Connection, sku: &str) -> Result<Option<Product>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE sku = ?1"))?
        .query_row([sku], product_from_row)
        .optional()?)
}

pub(crate) fn products(conn: &Connection, category: Option<&str>, include_inactive: bool) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM product WHERE (?1 IS NULL OR category = ?1) AND (?2 OR active)
         ORDER BY category, name, id"
    ))?;
    let rows = stmt.query_map(params![category, include_inactive], product_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn update_product(tx: &Tx<'_>, p: &Product) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE product SET name = ?2, category = ?3, unit = ?4, active = ?5, description = ?6, updated_at = ?7,
                 version = version + 1 WHERE id = ?1",
        )?
        .execute(params![p.id, p.name, p.category, p.unit, p.active, p.description, to_micros(tx.now)])?;
    Ok(())
}

// ---------------------------------------------------------------- price lists

const PRICE_LIST_COLUMNS: &str =
    "id, name, currency, tier, segment, valid_from, valid_to, created_at, updated_at, version";

fn price_list_from_row(r: &Row<'_>) -> rusqlite::Result<PriceList> {
    Ok(PriceList {
        id: r.get(0)?,
        name: r.get(1)?,
        currency: r.get(2)?,
        tier: r.get(3)?,
        segment: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        created_at: from_micros(r.get(7)?),
        updated_at: from_micros(r.get(8)?),
        version: r.get(9)?,
    })
}

pub(crate) fn insert_price_list(tx: &Tx<'_>, p: &PriceList) -> Result<()> {
    tx.conn()
        .prepare_cached(&format!(
            "INSERT INTO price_list ({PRICE_LIST_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1)"
        ))?
        .execute(params![
            p.id,
            p.name,
            p.currency,
            p.tier,
            p.segment,
            p.valid_from,
            p.valid_to,
            to_micros(p.created_at)
        ])?;
    Ok(())
}

pub(crate) fn get_price_list(conn: &Connection, id: Uuid) -> Result<PriceList> {
    conn.prepare_cached(&format!("SELECT {PRICE_LIST_COLUMNS} FROM price_list WHERE id = ?1"))?
        .query_row([id], price_list_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("price_list", id))
}

pub(crate) fn price_list_by_name(conn: &Connection, name: &str) -> Result<Option<PriceList>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PRICE_LIST_COLUMNS} FROM price_list WHERE name = ?1"))?
        .query_row([name], price_list_from_row)
        .optional()?)
}

pub(crate) fn price_lists(conn: &Connection) -> Result<Vec<PriceList>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {PRICE_LIST_COLUMNS} FROM price_list ORDER BY name"))?;
    let rows = stmt.query_map([], price_list_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn touch_price_list(tx: &Tx<'_>, id: Uuid) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE price_list SET updated_at = ?2, version = version + 1 WHERE id = ?1")?
        .execute(params![id, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn list_price(conn: &Connection, price_list_id: Uuid, product_id: Uuid) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT unit_price_minor FROM price_list_item WHERE price_list_id = ?1 AND product_id = ?2")?
        .query_row(params![price_list_id, product_id], |r| r.get(0))
        .optional()?)
}

pub(crate) fn list_items(conn: &Connection, price_list_id: Uuid) -> Result<Vec<(Product, i64)>> {
    let cols: String = PRODUCT_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {cols}, i.unit_price_minor FROM price_list_item i JOIN product p ON p.id = i.product_id
         WHERE i.price_list_id = ?1 ORDER BY p.sku"
    ))?;
    let rows = stmt.query_map([price_list_id], |r| Ok((product_from_row(r)?, r.get(10)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn set_price(conn: &Connection, price_list_id: Uuid, product_id: Uuid, amount: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO price_list_item (price_list_id, product_id, unit_price_minor) VALUES (?1, ?2, ?3)
         ON CONFLICT (product_id, price_list_id) DO UPDATE SET unit_price_minor = excluded.unit_price_minor",
    )?
    .execute(params![price_list_id, product_id, amount])?;
    Ok(())
}

pub(crate) fn price_for(
    conn: &Connection,
    product_id: Uuid,
    party_id: Option<Uuid>,
    date: NaiveDate,
    currency: &str,
) -> Result<Option<PriceQuote>> {
    let found: Option<(Uuid, i64)> = conn
        .prepare_cached(
            "SELECT pl.id, i.unit_price_minor
             FROM price_list_item i JOIN price_list pl ON pl.id = i.price_list_id
             WHERE i.product_id = ?1 AND pl.currency = ?2
               AND (pl.valid_from IS NULL OR pl.valid_from <= ?3)
               AND (pl.valid_to IS NULL OR pl.valid_to >= ?3)
               AND (pl.tier IS NULL OR EXISTS (
                     SELECT 1 FROM party_role r WHERE r.party_id = ?4 AND r.role = 'customer'
                       AND json_extract(r.details, '$.tier') = pl.tier
                       AND (r.valid_from IS NULL OR r.valid_from <= ?3)
                       AND (r.valid_to IS NULL OR r.valid_to >= ?3)))
               AND (pl.segment IS NULL OR EXISTS (
                     SELECT 1 FROM tag t WHERE t.party_id = ?4 AND t.tag = pl.segment))
             ORDER BY CASE WHEN pl.tier IS NOT NULL THEN 3 WHEN pl.segment IS NOT NULL THEN 2 ELSE 1 END DESC,
                      pl.valid_from DESC NULLS LAST, pl.id
             LIMIT 1",
        )?
        .query_row(params![product_id, currency, date, party_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(found.map(|(price_list_id, amount)| PriceQuote {
        product_id,
        price_list_id,
        unit_price: Money { amount, currency: currency.to_string() },
    }))
}

// ---------------------------------------------------------------- pipelines

fn stages_of(conn: &Connection, pipeline_id: Uuid) -> Result<Vec<Stage>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, position, probability, outcome FROM pipeline_stage WHERE pipeline_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([pipeline_id], |r| {
        Ok(Stage {
            id: r.get(0)?,
            name: r.get(1)?,
            position: r.get(2)?,
            probability: r.get(3)?,
            outcome: StageOutcome::parse(&r.get::<_, String>(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn pipeline_from_row(r: &Row<'_>) -> rusqlite::Result<Pipeline> {
    Ok(Pipeline {
        id: r.get(0)?,
        name: r.get(1)?,
        stages: Vec::new(),
        created_at: from_micros(r.get(2)?),
        updated_at: from_micros(r.get(3)?),
        version: r.get(4)?,
    })
}

pub(crate) fn insert_pipeline(tx: &Tx<'_>, p: &Pipeline) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached("INSERT INTO pipeline (id, name, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?3, 1)")?
        .execute(params![p.id, p.name, to_micros(p.created_at)])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO pipeline_stage (id, pipeline_id, name, position, probability, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in &p.stages {
        stmt.execute(params![s.id, p.id, s.name, s.position, s.probability, s.outcome.as_str()])?;
    }
    Ok(())
}

pub(crate) fn get_pipeline(conn: &Connection, id: Uuid) -> Result<Pipeline> {
    let mut p = conn
        .prepare_cached("SELECT id, name, created_at, updated_at, version FROM pipeline WHERE id = ?1")?
        .query_row([id], pipeline_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("pipeline", id))?;
    p.stages = stages_of(conn, id)?;
    Ok(p)
}

pub(crate) fn pipeline_by_name(conn: &Connection, name: &str) -> Result<Option<Uuid>> {
    Ok(conn.prepare_cached("SELECT id FROM pipeline WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?)
}

pub(crate) fn pipelines(conn: &Connection) -> Result<Vec<Pipeline>> {
    let ids: Vec<Uuid> = conn
        .prepare_cached("SELECT id FROM pipeline ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter().map(|id| get_pipeline(conn, id)).collect()
}

// ---------------------------------------------------------------- opportunities

const OPP_COLUMNS: &str = "o.id, o.name, o.account_id, o.pipeline_id, o.stage_id, o.status, o.amount_minor, o.currency, \
     o.probability, o.expected_close, o.owner, o.source, o.lead_id, o.close_reason, o.closed_at, o.created_at, \
     o.updated_at, o.version, s.probability";

fn opp_from_row(r: &Row<'_>) -> rusqlite::Result<Opportunity> {
    let amount: i64 = r.get(6)?;
    let own: Option<u8> = r.get(8)?;
    let stage_p: u8 = r.get(18)?;
    let p = own.unwrap_or(stage_p);
    Ok(Opportunity {
        id: r.get(0)?,
        name: r.get(1)?,
        account_id: r.get(2)?,
        pipeline_id: r.get(3)?,
        stage_id: r.get(4)?,
        status: OpportunityStatus::parse(&r.get::<_, String>(5)?),
        amount: Money { amount, currency: r.get(7)? },
        probability: own,
        effective_probability: p,
        weighted_amount: weighted(amount, p),
        expected_close: r.get(9)?,
        owner: r.get(10)?,
        source: r.get(11)?,
        lead_id: r.get(12)?,
        close_reason: r.get(13)?,
        closed_at: r.get::<_, Option<i64>>(14)?.map(from_micros),
        contacts: Vec::new(),
        partners: Vec::new(),
        stage_history: Vec::new(),
        created_at: from_micros(r.get(15)?),
        updated_at: from_micros(r.get(16)?),
        version: r.get(17)?,
    })
}

fn write_opp_people(conn: &Connection, o: &Opportunity) -> Result<()> {
    conn.prepare_cached("DELETE FROM opportunity_contact WHERE opportunity_id = ?1")?.execute([o.id])?;
    conn.prepare_cached("DELETE FROM opportunity_partner WHERE opportunity_id = ?1")?.execute([o.id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO opportunity_contact (opportunity_id, party_id, buying_role) VALUES (?1, ?2, ?3)",
    )?;
    for c in &o.contacts {
        stmt.execute(params![o.id, c.party_id, c.buying_role.as_str()])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO opportunity_partner (opportunity_id, party_id, partner_role, is_primary) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for p in &o.partners {
        stmt.execute(params![o.id, p.party_id, serde_json::to_value(p.partner_role)?.as_str(), p.primary])?;
    }
    Ok(())
}

pub(crate) fn insert_opportunity(tx: &Tx<'_>, o: &Opportunity) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached(
        "INSERT INTO opportunity (id, name, account_id, pipeline_id, stage_id, status, amount_minor, currency, probability,
             expected_close, owner, source, lead_id, close_reason, closed_at, stage_entered_at, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL, ?14, ?15, ?15, ?15, 1)",
    )?
    .execute(params![
        o.id,
        o.name,
        o.account_id,
        o.pipeline_id,
        o.stage_id,
        o.status.as_str(),
        o.amount.amount,
        o.amount.currency,
        o.probability,
        o.expected_close,
        o.owner,
        o.source,
        o.lead_id,
        o.closed_at.map(to_micros),
        to_micros(o.created_at)
    ])?;
    write_opp_people(conn, o)?;
    conn.prepare_cached(
        "INSERT INTO opportunity_stage_history (opportunity_id, entered_at, seq, stage_id, left_at) VALUES (?1, ?2, 1, ?3, NULL)",
    )?
    .execute(params![o.id, to_micros(o.created_at), o.stage_id])?;
    Ok(())
}

pub(crate) fn get_opportunity(conn: &Connection, id: Uuid) -> Result<Opportunity> {
    let mut o = conn
        .prepare_cached(&format!(
            "SELECT {OPP_COLUMNS} FROM opportunity o JOIN pipeline_stage s ON s.id = o.stage_id WHERE o.id = ?1"
        ))?
        .query_row([id], opp_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("opportunity", id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT party_id, buying_role FROM opportunity_contact WHERE opportunity_id = ?1 ORDER BY party_id",
    )?;
    o.contacts = stmt
        .query_map([id], |r| {
            Ok(OpportunityContact { party_id: r.get(0)?, buying_role: BuyingRole::parse(&r.get::<_, String>(1)?) })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT party_id, partner_role, is_primary FROM opportunity_partner WHERE opportunity_id = ?1 ORDER BY party_id",
    )?;
    o.partners = stmt
        .query_map([id], |r| {
            let role: String = r.get(1)?;
            Ok(OpportunityPartner {
                party_id: r.get(0)?,
                partner_role: serde_json::from_value::<PartnerType>(serde_json::Value::String(role))
                    .unwrap_or_default(),
                primary: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT stage_id, entered_at, left_at FROM opportunity_stage_history WHERE opportunity_id = ?1 ORDER BY seq",
    )?;
    o.stage_history = stmt
        .query_map([id], |r| {
            Ok(StageVisit {
                stage_id: r.get(0)?,
                entered_at: from_micros(r.get(1)?),
                left_at: r.get::<_, Option<i64>>(2)?.map(from_micros),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(o)
}

pub(crate) fn opportunities_of(conn: &Connection, account_id: Uuid) -> Result<Vec<Opportunity>> {
    let ids: Vec<Uuid> = conn
        .prepare_cached("SELECT id FROM opportunity WHERE account_id = ?1 ORDER BY created_at DESC, id DESC")?
        .query_map([account_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter().map(|id| get_opportunity(conn, id)).collect()
}

pub(crate) fn update_opportunity(tx: &Tx<'_>, o: &Opportunity) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE opportunity SET name = ?2, amount_minor = ?3, currency = ?4, probability = ?5, expected_close = ?6,
                 owner = ?7, updated_at = ?8, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            o.id,
            o.name,
            o.amount.amount,
            o.amount.currency,
            o.probability,
            o.expected_close,
            o.owner,
            to_micros(tx.now)
        ])?;
    write_opp_people(tx.conn(), o)
}

pub(crate) fn move_opportunity(
    tx: &Tx<'_>,
    id: Uuid,
    stage: &Stage,
    status: OpportunityStatus,
    reason: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let conn = tx.conn();
    let now = to_micros(at);
    let closed = status != OpportunityStatus::Open;
    conn.prepare_cached(
        "UPDATE opportunity SET stage_id = ?2, status = ?3, close_reason = ?4, closed_at = ?5, stage_entered_at = ?6,
             updated_at = ?7, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        id,
        stage.id,
        status.as_str(),
        if closed { reason } else { None },
        closed.then_some(now),
        now,
        to_micros(tx.now)
    ])?;
    conn.prepare_cached(
        "UPDATE opportunity_stage_history SET left_at = ?2 WHERE opportunity_id = ?1 AND left_at IS NULL",
    )?
    .execute(params![id, now])?;
    conn.prepare_cached(
        "INSERT INTO opportunity_stage_history (opportunity_id, entered_at, seq, stage_id, left_at)
         VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM opportunity_stage_history WHERE opportunity_id = ?1), ?3, NULL)",
    )?
    .execute(params![id, now, stage.id])?;
    Ok(())
}

pub(crate) fn pipeline_summary(conn: &Connection, pipeline_id: Uuid) -> Result<PipelineSummary> {
    let pipeline = get_pipeline(conn, pipeline_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.stage_id, o.currency, count(*), sum(o.amount_minor),
                sum((o.amount_minor * coalesce(o.probability, s.probability) + 50) / 100)
         FROM opportunity o JOIN pipeline_stage s ON s.id = o.stage_id
         WHERE o.pipeline_id = ?1
         GROUP BY o.stage_id, o.currency",
    )?;
    type PerCurrency = BTreeMap<String, i64>;
    let mut by_stage: BTreeMap<Uuid, (u64, PerCurrency, PerCurrency)> = BTreeMap::new();
    let rows = stmt.query_map([pipeline_id], |r| {
        Ok((
            r.get::<_, Uuid>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    for row in rows {
        let (stage, currency, count, amount, weighted) = row?;
        let e = by_stage.entry(stage).or_default();
        e.0 += count as u64;
        e.1.insert(currency.clone(), amount);
        e.2.insert(currency, weighted);
    }
    let stages = pipeline
        .stages
        .iter()
        .map(|s| {
            let (count, amount, weighted_amount) = by_stage.remove(&s.id).unwrap_or_default();
            StageSummary { stage_id: s.id, name: s.name.clone(), outcome: s.outcome, count, amount, weighted_amount }
        })
        .collect();
    Ok(PipelineSummary { pipeline_id, name: pipeline.name, stages })
}

// ---------------------------------------------------------------- leads

const LEAD_COLUMNS: &str = "id, status, source, campaign_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, \
     given_name, family_name, email, phone, company_name, title, country, notes, owner, score, disqualify_reason, \
     person_id, organization_id, opportunity_id, converted_at, created_at, updated_at, version";

fn lead_from_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
    Ok(Lead {
        id: r.get(0)?,
        status: LeadStatus::parse(&r.get::<_, String>(1)?),
        source: r.get(2)?,
        campaign_id: r.get(3)?,
        utm: Utm { source: r.get(4)?, medium: r.get(5)?, campaign: r.get(6)?, term: r.get(7)?, content: r.get(8)? },
        given_name: r.get(9)?,
        family_name: r.get(10)?,
        email: r.get(11)?,
        phone: r.get(12)?,
        company_name: r.get(13)?,
        title: r.get(14)?,
        country: r.get(15)?,
        notes: r.get(16)?,
        owner: r.get(17)?,
        score: r.get(18)?,
        disqualify_reason: r.get(19)?,
        person_id: r.get(20)?,
        organization_id: r.get(21)?,
        opportunity_id: r.get(22)?,
        converted_at: r.get::<_, Option<i64>>(23)?.map(from_micros),
        created_at: from_micros(r.get(24)?),
        updated_at: from_micros(r.get(25)?),
        version: r.get(26)?,
    })
}

pub(crate) fn insert_lead(tx: &Tx<'_>, l: &Lead) -> Result<()> {
    tx.conn()
        .prepare_cached(&format!(
            "INSERT INTO lead ({LEAD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                 ?16, ?17, ?18, ?19, NULL, NULL, NULL, NULL, NULL, ?20, ?20, 1)"
        ))?
        .execute(params![
            l.id,
            l.status.as_str(),
            l.source,
            l.campaign_id,
            l.utm.source,
            l.utm.medium,
            l.utm.campaign,
            l.utm.term,
            l.utm.content,
            l.given_name,
            l.family_name,
            l.email,
            l.phone,
            l.company_name,
            l.title,
            l.country,
            l.notes,
            l.owner,
            l.score,
            to_micros(l.created_at)
        ])?;
    Ok(())
}

pub(crate) fn get_lead(conn: &Connection, id: Uuid) -> Result<Lead> {
    conn.prepare_cached(&format!("SELECT {LEAD_COLUMNS} FROM lead WHERE id = ?1"))?
        .query_row([id], lead_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("lead", id))
}

pub(crate) fn leads(conn: &Connection, status: Option<LeadStatus>, limit: usize) -> Result<Vec<Lead>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LEAD_COLUMNS} FROM lead WHERE (?1 IS NULL OR status = ?1) ORDER BY created_at DESC, id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![status.map(LeadStatus::as_str), limit as i64], lead_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn update_lead(tx: &Tx<'_>, l: &Lead) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE lead SET status = ?2, given_name = ?3, family_name = ?4, email = ?5, phone = ?6, company_name = ?7,
                 title = ?8, owner = ?9, notes = ?10, score = ?11, disqualify_reason = ?12, updated_at = ?13,
                 version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            l.id,
            l.status.as_str(),
            l.given_name,
            l.family_name,
            l.email,
            l.phone,
            l.company_name,
            l.title,
            l.owner,
            l.notes,
            l.score,
            l.disqualify_reason,
            to_micros(tx.now)
        ])?;
    Ok(())
}

pub(crate) fn score_rules(conn: &Connection) -> Result<Vec<LeadScoreRule>> {
    let mut stmt = conn.prepare_cached("SELECT condition, points FROM lead_score_rule ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (cond, points) = row?;
        if let Ok(condition) = serde_json::from_str(&cond) {
            out.push(LeadScoreRule { condition, points });
        }
    }
    Ok(out)
}

pub(crate) fn replace_score_rules(tx: &Tx<'_>, rules: &[LeadScoreRule]) -> Result<()> {
    let conn = tx.conn();
    conn.execute("DELETE FROM lead_score_rule", [])?;
    let mut stmt =
        conn.prepare_cached("INSERT INTO lead_score_rule (id, condition, points, created_at) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, r) in rules.iter().enumerate() {
        stmt.execute(params![
            Uuid::now_v7(),
            serde_json::to_string(&r.condition)?,
            r.points,
            to_micros(tx.now) + i as i64
        ])?;
    }
    Ok(())
}

pub(crate) fn rescore_leads(tx: &Tx<'_>, rules: &[LeadScoreRule]) -> Result<()> {
    let conn = tx.conn();
    let leads: Vec<Lead> = conn
        .prepare(&format!("SELECT {LEAD_COLUMNS} FROM lead WHERE status <> 'converted'"))?
        .query_map([], lead_from_row)?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached("UPDATE lead SET score = ?2 WHERE id = ?1")?;
    for l in leads {
        let s = score(&l, rules);
        if s != l.score {
            stmt.execute(params![l.id, s])?;
        }
    }
    Ok(())
}

/// The lead's interactions get the person as a participant.
pub(crate) fn move_lead_interactions(tx: &Tx<'_>, lead_id: Uuid, person_id: Uuid) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT OR IGNORE INTO interaction_party (party_id, occurred_at, interaction_id, role, channel)
             SELECT ?2, occurred_at, id, CASE direction WHEN 'outbound' THEN 'to' ELSE 'from' END, channel
             FROM interaction WHERE lead_id = ?1",
        )?
        .execute(params![lead_id, person_id])?;
    Ok(())
}

pub(crate) fn lead_interactions(conn: &Connection, lead_id: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM interaction WHERE lead_id = ?1 ORDER BY occurred_at DESC, id DESC")?;
    let rows = stmt.query_map([lead_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn mark_converted(
    tx: &Tx<'_>,
    id: Uuid,
    person: Option<Uuid>,
    organization: Option<Uuid>,
    opportunity: Option<Uuid>,
) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE lead SET status = 'converted', person_id = ?2, organization_id = ?3, opportunity_id = ?4,
                 converted_at = ?5, updated_at = ?5, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![id, person, organization, opportunity, to_micros(tx.now)])?;
    Ok(())
}

// ---------------------------------------------------------------- orders

const ORDER_COLUMNS: &str = "id, channel, external_id, party_id, opportunity_id, price_list_id, currency, status, \
     subtotal_minor, discount_minor, tax_minor, total_minor, placed_at, created_at, updated_at, version";

fn order_from_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        channel: OrderChannel::parse(&r.get::<_, String>(1)?),
        external_id: r.get(2)?,
        party_id: r.get(3)?,
        opportunity_id: r.get(4)?,
        price_list_id: r.get(5)?,
        currency: r.get(6)?,
        status: OrderStatus::parse(&r.get::<_, String>(7)?),
        lines: Vec::new(),
        subtotal: r.get(8)?,
        discount: r.get(9)?,
        tax: r.get(10)?,
        total: r.get(11)?,
        placed_at: r.get::<_, Option<i64>>(12)?.map(from_micros),
        status_history: Vec::new(),
        created_at: from_micros(r.get(13)?),
        updated_at: from_micros(r.get(14)?),
        version: r.get(15)?,
    })
}

fn insert_lines(conn: &Connection, order_id: Uuid, lines: &[OrderLine]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO order_line (order_id, line_no, product_id, description, quantity, unit_price_minor, discount_minor,
             tax_rate_bp, net_minor, tax_minor, total_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for l in lines {
        stmt.execute(params![
            order_id,
            l.line_no,
            l.product_id,
            l.description,
            l.quantity,
            l.unit_price,
            l.discount,
            l.tax_rate_bp,
            l.net,
            l.tax,
            l.total
        ])?;
    }
    Ok(())
}

pub(crate) fn insert_order(tx: &Tx<'_>, o: &Order, content_hash: &str) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached(&format!(
        "INSERT INTO sales_order ({ORDER_COLUMNS}, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 1, ?15)"
    ))?
    .execute(params![
        o.id,
        o.channel.as_str(),
        o.external_id,
        o.party_id,
        o.opportunity_id,
        o.price_list_id,
        o.currency,
        o.status.as_str(),
        o.subtotal,
        o.discount,
        o.tax,
        o.total,
        o.placed_at.map(to_micros),
        to_micros(o.created_at),
        content_hash
    ])?;
    insert_lines(conn, o.id, &o.lines)?;
    conn.prepare_cached(
        "INSERT INTO order_status_history (order_id, seq, from_status, to_status, at, actor) VALUES (?1, 1, NULL, ?2, ?3, ?4)",
    )?
    .execute(params![o.id, o.status.as_str(), to_micros(o.created_at), tx.actor])?;
    Ok(())
}

pub(crate) fn get_order(conn: &Connection, id: Uuid) -> Result<Order> {
    let mut o = conn
        .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM sales_order WHERE id = ?1"))?
        .query_row([id], order_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("order", id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT line_no, product_id, description, quantity, unit_price_minor, discount_minor, tax_rate_bp, net_minor,
                tax_minor, total_minor FROM order_line WHERE order_id = ?1 ORDER BY line_no",
    )?;
    o.lines = stmt
        .query_map([id], |r| {
            Ok(OrderLine {
                line_no: r.get(0)?,
                product_id: r.get(1)?,
                description: r.get(2)?,
                quantity: r.get(3)?,
                unit_price: r.get(4)?,
                discount: r.get(5)?,
                tax_rate_bp: r.get(6)?,
                net: r.get(7)?,
                tax: r.get(8)?,
                total: r.get(9)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT from_status, to_status, at, actor FROM order_status_history WHERE order_id = ?1 ORDER BY seq",
    )?;
    o.status_history = stmt
        .query_map([id], |r| {
            Ok(OrderStatusChange {
                from: r.get::<_, Option<String>>(0)?.map(|s| OrderStatus::parse(&s)),
                to: OrderStatus::parse(&r.get::<_, String>(1)?),
                at: from_micros(r.get(2)?),
                actor: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(o)
}

pub(crate) fn order_by_external(
    conn: &Connection,
    channel: OrderChannel,
    external_id: &str,
) -> Result<Option<(Uuid, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, content_hash FROM sales_order WHERE channel = ?1 AND external_id = ?2")?
        .query_row(params![channel.as_str(), external_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub(crate) fn insert_status_change(tx: &Tx<'_>, id: Uuid, from: Option<OrderStatus>, to: OrderStatus) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO order_status_history (order_id, seq, from_status, to_status, at, actor)
             VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM order_status_history WHERE order_id = ?1), ?2, ?3, ?4, ?5)",
        )?
        .execute(params![id, from.map(OrderStatus::as_str), to.as_str(), to_micros(tx.now), tx.actor])?;
    Ok(())
}

pub(crate) fn set_order_status(tx: &Tx<'_>, id: Uuid, status: OrderStatus, stamp_placed: bool) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE sales_order SET status = ?2, placed_at = CASE WHEN ?3 THEN ?4 ELSE placed_at END, updated_at = ?4,
                 version = version + 1 WHERE id = ?1",
        )?
        .execute(params![id, status.as_str(), stamp_placed, to_micros(tx.now)])?;
    Ok(())
}

/// Replace an imported order's content with a changed version of it.
pub(crate) fn replace_order(tx: &Tx<'_>, id: Uuid, p: &Priced) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached(
        "UPDATE sales_order SET party_id = ?2, opportunity_id = ?3, price_list_id = ?4, currency = ?5, status = ?6,
             subtotal_minor = ?7, discount_minor = ?8, tax_minor = ?9, total_minor = ?10, placed_at = ?11,
             content_hash = ?12, updated_at = ?13, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![
        id,
        p.party_id,
        p.opportunity_id,
        p.price_list_id,
        p.currency,
        p.status.as_str(),
        p.subtotal,
        p.discount,
        p.tax,
        p.total,
        p.placed_at.map(to_micros),
        p.content_hash,
        to_micros(tx.now)
    ])?;
    conn.prepare_cached("DELETE FROM order_line WHERE order_id = ?1")?.execute([id])?;
    insert_lines(conn, id, &p.lines)
}

/// Ids and sort keys (placed, else created) of a page of orders, one more
/// than the limit to tell whether a next page exists.
pub(crate) fn order_keys(conn: &Connection, q: &OrderQuery, after: Option<&Cursor>) -> Result<Vec<(Uuid, i64)>> {
    let mut conds = vec!["1".to_string()];
    let mut params: Vec<Value> = Vec::new();
    let mut bind = |v: Value| {
        params.push(v);
        format!("?{}", params.len())
    };
    if let Some(p) = q.party_id {
        conds.push(format!("party_id = {}", bind(Value::Blob(p.as_bytes().to_vec()))));
    }
    if let Some(s) = q.status {
        conds.push(format!("status = {}", bind(Value::Text(s.as_str().into()))));
    }
    if let Some(t) = q.from {
        conds.push(format!("coalesce(placed_at, created_at) >= {}", bind(Value::Integer(to_micros(t)))));
    }
    if let Some(t) = q.to {
        conds.push(format!("coalesce(placed_at, created_at) < {}", bind(Value::Integer(to_micros(t)))));
    }
    if let Some(c) = after {
        let k = bind(c.key.to_sql());
        let i = bind(Value::Blob(c.id.as_bytes().to_vec()));
        conds.push(format!("(coalesce(placed_at, created_at), id) < ({k}, {i})"));
    }
    let l = bind(Value::Integer(q.limit as i64 + 1));
    let sql = format!(
        "SELECT id, coalesce(placed_at, created_at) AS at FROM sales_order WHERE {} ORDER BY at DESC, id DESC LIMIT {l}",
        conds.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
