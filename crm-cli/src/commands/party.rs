//! `crm party …`: add, show, list and find parties.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use crm_core::{
    ArchivedFilter, AuditEntry, CompetitorRole, ContactValue, Crm, CustomValue, CustomerRole, EmployeeRole, FieldType,
    LifecycleStage, NeighbourQuery, NewContactPoint, NewParty, NewRole, PartnerRole, PartnerType, Party, PartyFilter,
    PartyKind, PartyQuery, PartySort, PostalAddress, RoleDetails, RoleKind, StakeholderRole, StakeholderType,
    SupplierRole,
};
use serde::Serialize;

use super::{PartyRef, looks_like_phone, open_read, open_write, parse_ref, resolve};
use crate::cli::{
    AddArgs, ArchivedArg, KindArg, ListArgs, PartnerTypeArg, PartyCommand, RoleArg, SortArg, StageArg,
    StakeholderTypeArg,
};
use crate::output;

pub fn run(db: &Path, json: bool, cmd: &PartyCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        PartyCommand::Add(args) => add(db, json, args, out),
        PartyCommand::Show { party, history } => show(db, json, party, *history, out),
        PartyCommand::List(args) => list(db, json, args, out),
        PartyCommand::Find { text, region, limit } => find(db, json, text, region.as_deref(), *limit, out),
    }
}

pub fn kind(k: KindArg) -> PartyKind {
    match k {
        KindArg::Person => PartyKind::Person,
        KindArg::Organization => PartyKind::Organization,
    }
}

pub fn role_kind(r: RoleArg) -> RoleKind {
    match r {
        RoleArg::Customer => RoleKind::Customer,
        RoleArg::Partner => RoleKind::Partner,
        RoleArg::Supplier => RoleKind::Supplier,
        RoleArg::Employee => RoleKind::Employee,
        RoleArg::Stakeholder => RoleKind::Stakeholder,
        RoleArg::Competitor => RoleKind::Competitor,
    }
}

fn stage(s: StageArg) -> LifecycleStage {
    match s {
        StageArg::Subscriber => LifecycleStage::Subscriber,
        StageArg::Lead => LifecycleStage::Lead,
        StageArg::Prospect => LifecycleStage::Prospect,
        StageArg::Customer => LifecycleStage::Customer,
        StageArg::Churned => LifecycleStage::Churned,
    }
}

fn partner_type(t: PartnerTypeArg) -> PartnerType {
    match t {
        PartnerTypeArg::Reseller => PartnerType::Reseller,
        PartnerTypeArg::Referral => PartnerType::Referral,
        PartnerTypeArg::Distributor => PartnerType::Distributor,
        PartnerTypeArg::Technology => PartnerType::Technology,
        PartnerTypeArg::Integrator => PartnerType::Integrator,
        PartnerTypeArg::Other => PartnerType::Other,
    }
}

fn stakeholder_type(t: StakeholderTypeArg) -> StakeholderType {
    match t {
        StakeholderTypeArg::Investor => StakeholderType::Investor,
        StakeholderTypeArg::Regulator => StakeholderType::Regulator,
        StakeholderTypeArg::Community => StakeholderType::Community,
        StakeholderTypeArg::Media => StakeholderType::Media,
        StakeholderTypeArg::Government => StakeholderType::Government,
        StakeholderTypeArg::Union => StakeholderType::Union,
        StakeholderTypeArg::Other => StakeholderType::Other,
    }
}

/// The role a `--role` flag asks for, with the detail flags that apply.
fn role(r: RoleArg, a: &AddArgs) -> RoleDetails {
    match r {
        RoleArg::Customer => RoleDetails::Customer(CustomerRole {
            tier: a.tier.clone(),
            vip: a.vip,
            lifecycle_stage: a.stage.map(stage).unwrap_or_default(),
            customer_number: None,
        }),
        RoleArg::Partner => RoleDetails::Partner(PartnerRole {
            partner_type: a.partner_type.map(partner_type).unwrap_or_default(),
            tier: a.tier.clone(),
        }),
        RoleArg::Supplier => RoleDetails::Supplier(SupplierRole {
            category: a.category.clone(),
            preferred: false,
            supplier_number: None,
        }),
        RoleArg::Employee => RoleDetails::Employee(EmployeeRole {
            department: a.department.clone(),
            title: a.title.clone(),
            manager_id: None,
            employee_number: None,
        }),
        RoleArg::Stakeholder => RoleDetails::Stakeholder(StakeholderRole {
            stakeholder_type: a.stakeholder_type.map(stakeholder_type).unwrap_or_default(),
            ..Default::default()
        }),
        RoleArg::Competitor => RoleDetails::Competitor(CompetitorRole::default()),
    }
}

/// Split `name=value`.
fn split_custom(arg: &str) -> Result<(&str, &str)> {
    match arg.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim(), v)),
        _ => bail!("invalid custom: {arg:?} is not name=value"),
    }
}

/// Read `name=value` arguments as values of the fields' types (the base
/// checks them; this only turns text into the type the field expects).
pub fn custom_values(crm: &Crm, kind: Option<PartyKind>, args: &[String]) -> Result<BTreeMap<String, CustomValue>> {
    let mut out = BTreeMap::new();
    if args.is_empty() {
        return Ok(out);
    }
    let defs = crm.fields(kind.map(PartyKind::as_str))?;
    for arg in args {
        let (name, text) = split_custom(arg)?;
        let field_type = defs.iter().find(|d| d.name == name).map(|d| d.field_type);
        let value = match field_type {
            Some(FieldType::Integer) => CustomValue::Integer(
                text.trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("invalid custom.{name}: {text:?} is not an integer"))?,
            ),
            Some(FieldType::Bool) => CustomValue::Bool(match text.trim() {
                "true" | "yes" | "1" | "on" => true,
                "false" | "no" | "0" | "off" => false,
                _ => bail!("invalid custom.{name}: {text:?} is not true or false"),
            }),
            Some(FieldType::Choices) => {
                CustomValue::Choices(text.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            }
            _ => CustomValue::Text(text.to_string()),
        };
        out.insert(name.to_string(), value);
    }
    Ok(out)
}

fn add(db: &Path, json: bool, a: &AddArgs, out: &mut dyn Write) -> Result<()> {
    let k = match a.kind {
        Some(k) => kind(k),
        None if a.given.is_some() || a.family.is_some() => PartyKind::Person,
        None if a.name.is_some() => PartyKind::Organization,
        None => bail!("give --given/--family for a person or --name for an organization"),
    };
    let crm = open_write(db)?;
    let mut p = NewParty { kind: k, ..Default::default() };
    match k {
        PartyKind::Person => {
            p.given_name = a.given.clone();
            p.family_name = a.family.clone();
            p.display_name = a.name.clone();
            p.birth_date = a.birth_date;
        }
        PartyKind::Organization => {
            if a.given.is_some() || a.family.is_some() {
                bail!("invalid given_name: only persons have given and family names");
            }
            p.legal_name = a.name.clone();
        }
    }
    p.language = a.language.clone();
    p.vat_number = a.vat.clone();
    p.registration_number = a.registration.clone();
    p.industry = a.industry.clone();
    for e in &a.emails {
        p.contact_points.push(NewContactPoint::new(ContactValue::email(e)));
    }
    for n in &a.phones {
        p.contact_points
            .push(NewContactPoint::new(ContactValue::Phone { number: n.clone(), region: a.region.clone() }));
    }
    if a.street.is_some() || a.city.is_some() || a.postal.is_some() || a.country.is_some() {
        p.contact_points.push(NewContactPoint::new(ContactValue::Address(PostalAddress {
            street: a.street.clone(),
            street2: None,
            city: a.city.clone(),
            region: a.state.clone(),
            postal_code: a.postal.clone(),
            country: a.country.clone().unwrap_or_default(),
        })));
    }
    if let Some(w) = &a.web {
        p.contact_points.push(NewContactPoint::new(ContactValue::Web { url: w.clone() }));
    }
    for s in &a.socials {
        let Some((network, handle)) = s.split_once(':') else {
            bail!("invalid social: {s:?} is not network:handle (e.g. linkedin:in/anna)");
        };
        p.contact_points.push(NewContactPoint::new(ContactValue::Social {
            network: network.to_string(),
            handle: handle.to_string(),
        }));
    }
    for r in &a.roles {
        p.roles.push(NewRole::from(role(*r, a)));
    }
    p.tags = a.tags.clone();
    p.custom = custom_values(&crm, Some(k), &a.custom)?;
    if let Some(parent) = &a.parent {
        p.parent_id = Some(resolve(&crm, parent)?);
    }
    let party = crm.create_party(p)?;
    if json {
        return output::json(out, &party);
    }
    writeln!(out, "Created {} {} ({})", party.kind.as_str(), party.display_name, party.id)?;
    print_party(&crm, &party, false, out)
}

/// What `crm party show --json` prints.
#[derive(Serialize)]
struct ShowJson<'a> {
    party: &'a Party,
    relationships: Vec<crm_core::Neighbour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<AuditEntry>>,
}

fn show(db: &Path, json: bool, party: &str, history: bool, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let id = resolve(&crm, party)?;
    let p = crm.get_party(id)?;
    if json {
        let relationships = crm.neighbours(id, &NeighbourQuery { include_archived: true, ..Default::default() })?;
        let history = if history { Some(full_history(&crm, &p)?) } else { None };
        return output::json(out, &ShowJson { party: &p, relationships, history });
    }
    print_party(&crm, &p, history, out)
}

/// The audit entries of a party and of its roles, contact points and
/// relationships, in order.
fn full_history(crm: &Crm, p: &Party) -> Result<Vec<AuditEntry>> {
    let mut ids = vec![p.id];
    ids.extend(p.roles.iter().map(|r| r.id));
    ids.extend(p.contact_points.iter().map(|c| c.id));
    let rels = crm.neighbours(p.id, &NeighbourQuery { include_archived: true, ..Default::default() })?;
    ids.extend(rels.iter().map(|n| n.relationship.id));
    let mut all = Vec::new();
    for id in ids {
        all.extend(crm.history(id)?);
    }
    all.sort_by_key(|e| e.seq);
    all.dedup_by_key(|e| e.seq);
    Ok(all)
}

fn print_party(crm: &Crm, p: &Party, history: bool, out: &mut dyn Write) -> Result<()> {
    let parent = match p.parent_id {
        Some(id) => match crm.get_party(id) {
            Ok(parent) => format!("{} ({id})", parent.display_name),
            Err(_) => id.to_string(),
        },
        None => String::new(),
    };
    let commercial = if p.commercial_id == p.id || Some(p.commercial_id) == p.parent_id {
        String::new()
    } else {
        match crm.get_party(p.commercial_id) {
            Ok(top) => format!("{} ({})", top.display_name, top.id),
            Err(_) => p.commercial_id.to_string(),
        }
    };
    writeln!(out)?;
    writeln!(out, "{}", p.display_name)?;
    let fields = output::fields_table(&[
        ("id", p.id.to_string()),
        ("kind", p.kind.as_str().to_string()),
        ("given name", p.given_name.clone().unwrap_or_default()),
        ("family name", p.family_name.clone().unwrap_or_default()),
        ("legal name", p.legal_name.clone().unwrap_or_default()),
        ("birth date", output::date(p.birth_date)),
        ("language", p.language.clone().unwrap_or_default()),
        ("country", p.country.clone().unwrap_or_default()),
        ("industry", p.industry.clone().unwrap_or_default()),
        ("size", p.size.map(|s| output::word(&s)).unwrap_or_default()),
        ("VAT number", p.vat_number.clone().unwrap_or_default()),
        ("registration", p.registration_number.clone().unwrap_or_default()),
        ("belongs to", parent),
        ("rolls up to", commercial),
        ("archived", p.archived_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
        ("created", p.created_at.to_rfc3339()),
        ("updated", p.updated_at.to_rfc3339()),
        ("version", p.version.to_string()),
    ]);
    output::print_table(out, &fields)?;

    if !p.roles.is_empty() {
        output::heading(out, "Roles")?;
        let mut t = output::table(&["role", "details", "from", "to"]);
        for r in &p.roles {
            t.add_row(vec![
                r.details.kind().as_str().to_string(),
                output::role_details(&r.details),
                output::date(r.valid_from),
                output::date(r.valid_to),
            ]);
        }
        output::print_table(out, &t)?;
    }
    if !p.contact_points.is_empty() {
        output::heading(out, "Contact points")?;
        let mut t = output::table(&["kind", "value", "label", "primary", "verified"]);
        for c in &p.contact_points {
            t.add_row(vec![
                c.value.kind().as_str().to_string(),
                output::contact(&c.value),
                c.label.clone().unwrap_or_default(),
                if c.primary { "yes" } else { "" }.to_string(),
                if c.verified { "yes" } else { "" }.to_string(),
            ]);
        }
        output::print_table(out, &t)?;
    }
    if !p.tags.is_empty() {
        output::heading(out, "Tags")?;
        writeln!(out, "{}", p.tags.join(", "))?;
    }
    if !p.custom.is_empty() {
        output::heading(out, "Custom fields")?;
        let mut t = output::table(&["field", "value"]);
        for (k, v) in &p.custom {
            t.add_row(vec![k.clone(), output::custom(v)]);
        }
        output::print_table(out, &t)?;
    }
    let rels = crm.neighbours(p.id, &NeighbourQuery { include_archived: true, ..Default::default() })?;
    if !rels.is_empty() {
        output::heading(out, &format!("Relationships ({})", rels.len()))?;
        output::print_table(out, &super::rel::neighbours_table(&rels))?;
    }
    if history {
        let entries = full_history(crm, p)?;
        output::heading(out, &format!("History ({})", entries.len()))?;
        let mut t = output::table(&["seq", "at", "actor", "record", "action", "changes"]);
        for e in &entries {
            t.add_row(vec![
                e.seq.to_string(),
                e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                e.actor.clone(),
                e.entity.clone(),
                output::word(&e.action),
                changes_summary(e),
            ]);
        }
        output::print_table(out, &t)?;
    }
    Ok(())
}

/// The changed fields of an update, or a word for other actions.
fn changes_summary(e: &AuditEntry) -> String {
    match (&e.action, e.changes.as_object()) {
        (crm_core::AuditAction::Updated, Some(map)) => map
            .iter()
            .map(|(k, v)| match v.as_array().map(Vec::as_slice) {
                Some([old, new]) => format!("{k}: {} → {}", short(old), short(new)),
                _ => k.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => String::new(),
    }
}

fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(39).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn list(db: &Path, json: bool, a: &ListArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let mut filter = PartyFilter {
        kind: a.kind.map(kind),
        role: a.role.map(role_kind),
        tag: a.tag.clone(),
        country: a.country.clone(),
        name_prefix: a.name_prefix.clone(),
        archived: match a.archived {
            ArchivedArg::Exclude => ArchivedFilter::Exclude,
            ArchivedArg::Include => ArchivedFilter::Include,
            ArchivedArg::Only => ArchivedFilter::Only,
        },
        ..Default::default()
    };
    if let Some(parent) = &a.parent {
        filter.parent_id = Some(resolve(&crm, parent)?);
    }
    if !a.custom.is_empty() {
        filter.custom = custom_values(&crm, filter.kind, &a.custom)?;
    }
    let query = PartyQuery {
        filter: filter.clone(),
        sort: match a.sort {
            SortArg::Name => PartySort::Name,
            SortArg::Created => PartySort::Created,
            SortArg::Updated => PartySort::Updated,
        },
        descending: a.desc,
        limit: a.limit,
        after: a.after.clone(),
    };
    let page = crm.list_parties(&query)?;
    let total = if a.count { Some(crm.count_parties(&filter)?) } else { None };
    if json {
        #[derive(Serialize)]
        struct ListJson<'a> {
            items: &'a [Party],
            next: &'a Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            total: Option<u64>,
        }
        return output::json(out, &ListJson { items: &page.items, next: &page.next, total });
    }
    if page.items.is_empty() {
        writeln!(out, "No parties match.")?;
    } else {
        output::print_table(out, &output::parties_table(&page.items))?;
    }
    if let Some(t) = total {
        writeln!(out, "{t} matching in all")?;
    }
    if let Some(next) = &page.next {
        writeln!(out, "next: {next}")?;
    }
    Ok(())
}

fn find(db: &Path, json: bool, text: &str, region: Option<&str>, limit: usize, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let t = text.trim();
    let by_contact = t.contains('@') || looks_like_phone(t);
    let (matched_by, items) = if by_contact {
        let value = match parse_ref(t)? {
            PartyRef::Contact(ContactValue::Phone { number, .. }) => {
                ContactValue::Phone { number, region: region.map(str::to_string) }
            }
            PartyRef::Contact(v) => v,
            PartyRef::Id(_) => ContactValue::email(t),
        };
        let by = if matches!(value, ContactValue::Email { .. }) { "email" } else { "phone" };
        (by, crm.find_by_contact(value)?)
    } else if let Ok(id) = crm_core::Uuid::parse_str(t) {
        ("id", vec![crm.get_party(id)?])
    } else {
        let query = PartyQuery {
            filter: PartyFilter { name_prefix: Some(t.to_string()), ..Default::default() },
            limit,
            ..Default::default()
        };
        ("name_prefix", crm.list_parties(&query)?.items)
    };
    if json {
        #[derive(Serialize)]
        struct FindJson<'a> {
            matched_by: &'a str,
            items: &'a [Party],
        }
        return output::json(out, &FindJson { matched_by, items: &items });
    }
    if items.is_empty() {
        writeln!(out, "Nothing found by {}.", matched_by.replace('_', " "))?;
        return Ok(());
    }
    output::print_table(out, &output::parties_table(&items)).context("cannot print the matches")?;
    Ok(())
}
