//! How results are printed: readable tables on a terminal, JSON with
//! `--json`. Every function writes to the stream it is given, so that a
//! closed pipe is an error to handle rather than a panic.

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use comfy_table::{ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, presets};
use crm_core::{ContactValue, CustomValue, Party, Role, RoleDetails};
use serde::Serialize;

/// Write a value as pretty JSON and a newline.
pub fn json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Lines above, below and under the header; none between rows.
const STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::none().fill('─').junction('─'))
    .header_separator(LineStyle::none().fill('─').junction('─'))
    .bottom_border(LineStyle::none().fill('─').junction('─'));

/// An empty table with these column headers.
pub fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(STYLE).set_header(headers.iter().copied());
    arrange(&mut t);
    // Ids are copied and pasted: never wrap them.
    for (i, h) in headers.iter().enumerate() {
        if h.ends_with("id")
            && let Some(c) = t.column_mut(i)
        {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    t
}

/// Fit a table to the terminal; where the terminal reports no usable width
/// (a pseudo-terminal of width 0), print it at its natural width.
fn arrange(t: &mut Table) {
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if t.width().is_some_and(|w| w < 60) {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
}

/// A two-column table of names and values, without a header.
pub fn fields_table(rows: &[(&str, String)]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    arrange(&mut t);
    for (k, v) in rows {
        if !v.is_empty() {
            t.add_row(vec![k.to_string(), v.clone()]);
        }
    }
    t
}

/// Print a table and a newline.
pub fn print_table(out: &mut dyn Write, t: &Table) -> Result<()> {
    writeln!(out, "{t}")?;
    Ok(())
}

/// A heading above a section.
pub fn heading(out: &mut dyn Write, text: &str) -> Result<()> {
    writeln!(out)?;
    writeln!(out, "{text}")?;
    Ok(())
}

/// A date or nothing.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A contact value on one line.
pub fn contact(v: &ContactValue) -> String {
    match v {
        ContactValue::Email { address } => address.clone(),
        ContactValue::Phone { number, region } => match region {
            Some(r) => format!("{number} ({r})"),
            None => number.clone(),
        },
        ContactValue::Address(a) => [
            a.street.as_deref(),
            a.street2.as_deref(),
            a.postal_code.as_deref(),
            a.city.as_deref(),
            a.region.as_deref(),
            Some(a.country.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
        ContactValue::Web { url } => url.clone(),
        ContactValue::Social { network, handle } => format!("{network}: {handle}"),
    }
}

/// A snake_case enum value as serde writes it ("mid_market", "reseller").
pub fn word(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A role's details in a few words.
pub fn role_details(r: &RoleDetails) -> String {
    let mut parts: Vec<String> = Vec::new();
    match r {
        RoleDetails::Customer(c) => {
            parts.push(format!("stage {}", word(&c.lifecycle_stage)));
            if let Some(t) = &c.tier {
                parts.push(format!("tier {t}"));
            }
            if c.vip {
                parts.push("VIP".into());
            }
            if let Some(n) = &c.customer_number {
                parts.push(format!("no. {n}"));
            }
        }
        RoleDetails::Partner(p) => {
            parts.push(word(&p.partner_type));
            if let Some(t) = &p.tier {
                parts.push(format!("tier {t}"));
            }
        }
        RoleDetails::Supplier(s) => {
            if let Some(c) = &s.category {
                parts.push(c.clone());
            }
            if s.preferred {
                parts.push("preferred".into());
            }
            if let Some(n) = &s.supplier_number {
                parts.push(format!("no. {n}"));
            }
        }
        RoleDetails::Employee(e) => {
            if let Some(t) = &e.title {
                parts.push(t.clone());
            }
            if let Some(d) = &e.department {
                parts.push(d.clone());
            }
            if let Some(m) = &e.manager_id {
                parts.push(format!("manager {m}"));
            }
            if let Some(n) = &e.employee_number {
                parts.push(format!("no. {n}"));
            }
        }
        RoleDetails::Stakeholder(s) => {
            parts.push(word(&s.stakeholder_type));
            parts.push(format!("influence {}", word(&s.influence)));
            parts.push(format!("interest {}", word(&s.interest)));
        }
        RoleDetails::Competitor(c) => {
            parts.push(format!("threat {}", word(&c.threat)));
            if !c.markets.is_empty() {
                parts.push(format!("markets {}", c.markets.join(", ")));
            }
        }
    }
    parts.join(", ")
}

/// A party's roles in one short cell: "customer (gold, VIP), partner".
pub fn roles_short(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| match &r.details {
            RoleDetails::Customer(c) => {
                let mut extra = Vec::new();
                if !matches!(c.lifecycle_stage, crm_core::LifecycleStage::Customer) {
                    extra.push(word(&c.lifecycle_stage));
                }
                if let Some(t) = &c.tier {
                    extra.push(t.clone());
                }
                if c.vip {
                    extra.push("VIP".into());
                }
                if extra.is_empty() { "customer".to_string() } else { format!("customer ({})", extra.join(", ")) }
            }
            other => other.kind().as_str().to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A custom value as text.
pub fn custom(v: &CustomValue) -> String {
    match v {
        CustomValue::Text(s) | CustomValue::Decimal(s) | CustomValue::Choice(s) => s.clone(),
        CustomValue::Integer(i) => i.to_string(),
        CustomValue::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        CustomValue::Date(d) => d.to_string(),
        CustomValue::Choices(items) => items.join(", "),
    }
}

/// The primary email of a party, if any.
pub fn primary_email(p: &Party) -> String {
    p.primary(crm_core::ContactKind::Email).map(|c| contact(&c.value)).unwrap_or_default()
}

/// A table of parties, one row each.
pub fn parties_table(parties: &[Party]) -> Table {
    let mut t = table(&["id", "name", "kind", "country", "roles", "email"]);
    for p in parties {
        t.add_row(vec![
            p.id.to_string(),
            p.display_name.clone(),
            p.kind.as_str().to_string(),
            p.country.clone().unwrap_or_default(),
            roles_short(&p.roles),
            primary_email(p),
        ]);
    }
    t
}
