//! `crm demo`: build a realistic demo base through the public API.
//!
//! [`plan`] invents the base from a seed; this module creates it in
//! batches (one transaction per batch of parties), shows progress on a
//! terminal and prints a summary read back from the base.

mod load_sales;
pub mod names;
pub mod plan;
pub mod rng;
pub mod sales;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crm_core::{Crm, ErrorKind, NewRelationship, Options, PartyFilter, PartyKind, RoleDetails, RoleKind, Uuid};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::DemoArgs;
use crate::output;
use plan::{Plan, Ref};

/// What the demo made, read back from the base where the API can count it.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub db: String,
    pub seed: u64,
    pub parties: u64,
    pub persons: u64,
    pub organizations: u64,
    pub roles: BTreeMap<String, u64>,
    pub customer_stages: BTreeMap<String, u64>,
    pub vip_customers: u64,
    pub countries: BTreeMap<String, u64>,
    pub segments: BTreeMap<String, u64>,
    pub contact_points: BTreeMap<String, u64>,
    pub relationships: BTreeMap<String, u64>,
    pub relationships_total: u64,
    pub custom_fields: Vec<String>,
    pub sales: load_sales::SalesCounts,
    /// Revenue of the purchased orders (placed to delivered), per currency,
    /// in minor units.
    pub revenue: BTreeMap<String, i64>,
    pub pipelines: Vec<PipelineRow>,
    pub elapsed_seconds: f64,
    pub parties_per_second: f64,
    pub records_per_second: f64,
}

/// A pipeline's stages with their counts and amounts (minor units per
/// currency).
#[derive(Debug, Serialize)]
pub struct PipelineRow {
    pub name: String,
    pub stages: Vec<StageRow>,
}

#[derive(Debug, Serialize)]
pub struct StageRow {
    pub name: String,
    pub count: u64,
    pub amount: BTreeMap<String, i64>,
    pub weighted_amount: BTreeMap<String, i64>,
}

pub fn run(db: &Path, json: bool, args: &DemoArgs, out: &mut dyn Write) -> Result<()> {
    prepare_path(db, args.force)?;
    let started = Instant::now();
    let plan = plan::make(args.seed, args.persons as usize, args.organizations as usize);
    let sales_plan = sales::make(args.seed, &plan);
    let crm = Crm::open(db).with_context(|| format!("cannot create {}", db.display()))?.with_actor("demo");

    let total = (plan.orgs.len() + plan.persons.len() + plan.rels.len() + sales_plan.records()) as u64;
    let bar = progress_bar(total, json);
    let (rel_counts, org_ids, person_ids) = load(&crm, &plan, args.batch as usize, &bar)?;
    let sales = load_sales::load(&crm, &sales_plan, &org_ids, &person_ids, args.batch as usize, &bar)?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    let summary = summarize(&crm, db, args.seed, &plan, rel_counts, sales, elapsed)?;
    if json {
        return output::json(out, &summary);
    }
    print_summary(&summary, out)
}

/// Refuse to overwrite an existing file unless `--force`, and even then
/// delete only a CRM base (or an empty file), never some other file.
fn prepare_path(db: &Path, force: bool) -> Result<()> {
    if !db.exists() {
        return Ok(());
    }
    if !force {
        bail!(
            "{} already exists; pass --force to replace it (everything in it is lost) or choose another --db",
            db.display()
        );
    }
    let meta = std::fs::metadata(db).with_context(|| format!("cannot read {}", db.display()))?;
    if !meta.is_file() {
        bail!("{} is not a file; not replacing it", db.display());
    }
    if meta.len() > 0 {
        let options = Options { read_only: true, ..Options::default() };
        match Crm::open_with(db, options) {
            Ok(crm) => drop(crm),
            Err(e) if matches!(e.kind(), ErrorKind::Schema | ErrorKind::NotADatabase) => {
                bail!(
                    "{} is not a CRM database of this version ({e}); not deleting it — remove it yourself if you mean to",
                    db.display()
                );
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot check {}", db.display()));
            }
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot delete {}", Path::new(&p).display()));
            }
        }
    }
    Ok(())
}

fn progress_bar(total: u64, json: bool) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if json || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    bar.set_draw_target(ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg:<14} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The relationships created by type, and the ids of the organizations and
/// persons of the plan.
type Loaded = (BTreeMap<String, u64>, Vec<Uuid>, Vec<Uuid>);

/// Create the parties and relationships of the plan.
fn load(crm: &Crm, plan: &Plan, batch: usize, bar: &ProgressBar) -> Result<Loaded> {
    bar.set_message("custom fields");
    for f in &plan.fields {
        crm.define_field(f.clone()).with_context(|| format!("cannot define the custom field {}", f.name))?;
    }
    // Ids are given up front, so that sub-organizations, people and
    // managers can name parties created in the same or an earlier batch.
    let org_ids: Vec<Uuid> = plan.orgs.iter().map(|_| Uuid::now_v7()).collect();
    let person_ids: Vec<Uuid> = plan.persons.iter().map(|_| Uuid::now_v7()).collect();
    let id_of = |r: Ref| match r {
        Ref::Org(i) => org_ids[i],
        Ref::Person(i) => person_ids[i],
    };

    bar.set_message("organizations");
    let org_depth = depths(plan.orgs.iter().map(|s| s.parent));
    for batch_ix in batches(&plan.orgs, &org_depth, batch) {
        let parties = batch_ix
            .iter()
            .map(|&i| {
                let spec = &plan.orgs[i];
                let mut p = spec.new.clone();
                p.id = Some(org_ids[i]);
                p.parent_id = spec.parent.map(|i| org_ids[i]);
                p
            })
            .collect::<Vec<_>>();
        let first = batch_ix.iter().min().copied().unwrap_or_default();
        crm.create_parties(parties).with_context(|| format!("cannot create organizations {}..", first + 1))?;
        bar.inc(batch_ix.len() as u64);
    }

    bar.set_message("persons");
    let person_depth = depths(plan.persons.iter().map(|s| s.manager));
    for batch_ix in batches(&plan.persons, &person_depth, batch) {
        let parties = batch_ix
            .iter()
            .map(|&i| {
                let spec = &plan.persons[i];
                let mut p = spec.new.clone();
                p.id = Some(person_ids[i]);
                p.parent_id = spec.parent.map(|i| org_ids[i]);
                if let Some(m) = spec.manager {
                    for r in &mut p.roles {
                        if let RoleDetails::Employee(e) = &mut r.details {
                            e.manager_id = Some(person_ids[m]);
                        }
                    }
                }
                p
            })
            .collect::<Vec<_>>();
        let first = batch_ix.iter().min().copied().unwrap_or_default();
        crm.create_parties(parties).with_context(|| format!("cannot create persons {}..", first + 1))?;
        bar.inc(batch_ix.len() as u64);
    }

    bar.set_message("relationships");
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for r in &plan.rels {
        let new = NewRelationship {
            type_code: r.type_code.to_string(),
            from_id: id_of(r.from),
            to_id: id_of(r.to),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            strength: r.strength,
            notes: r.notes.clone(),
        };
        crm.create_relationship(new).with_context(|| format!("cannot create a {} relationship", r.type_code))?;
        *counts.entry(r.type_code.to_string()).or_default() += 1;
        bar.inc(1);
    }
    Ok((counts, org_ids, person_ids))
}

/// Each party's depth below the parties it refers to (a parent, a
/// manager), given that every reference points to an earlier party.
fn depths(refs: impl Iterator<Item = Option<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for r in refs {
        let d = r.and_then(|i| out.get(i)).map_or(0, |d| d + 1);
        out.push(d);
    }
    out
}

/// The plan's parties in batches of `size`, in plan order, each batch
/// sorted by depth (so a party comes after the one it refers to) and then
/// by country. Numbers of one country in a row keep the phone library's
/// small regex cache warm; in plan order (countries mixed) it recompiles
/// its patterns for almost every number.
fn batches(specs: &[plan::PartySpec], depth: &[usize], size: usize) -> Vec<Vec<usize>> {
    let ids: Vec<usize> = (0..specs.len()).collect();
    ids.chunks(size.max(1))
        .map(|chunk| {
            let mut v = chunk.to_vec();
            v.sort_by_key(|&i| (depth[i], specs[i].country, i));
            v
        })
        .collect()
}

fn summarize(
    crm: &Crm,
    db: &Path,
    seed: u64,
    plan: &Plan,
    relationships: BTreeMap<String, u64>,
    sales: load_sales::SalesCounts,
    elapsed: Duration,
) -> Result<Summary> {
    let count = |f: PartyFilter| crm.count_parties(&f);
    let persons = count(PartyFilter { kind: Some(PartyKind::Person), ..Default::default() })?;
    let organizations = count(PartyFilter { kind: Some(PartyKind::Organization), ..Default::default() })?;
    let mut roles = BTreeMap::new();
    for kind in RoleKind::ALL {
        roles.insert(kind.as_str().to_string(), count(PartyFilter { role: Some(kind), ..Default::default() })?);
    }
    let mut countries = BTreeMap::new();
    for c in names::COUNTRIES {
        let n = count(PartyFilter { country: Some(c.code.to_string()), ..Default::default() })?;
        if n > 0 {
            countries.insert(c.code.to_string(), n);
        }
    }
    let mut segments = BTreeMap::new();
    for s in plan::SEGMENTS {
        let mut f = PartyFilter::default();
        f.custom.insert("segment".into(), (*s).into());
        segments.insert(s.to_string(), count(f)?);
    }
    let mut customer_stages = BTreeMap::new();
    let mut vip_customers = 0;
    let mut contact_points = BTreeMap::new();
    for spec in plan.orgs.iter().chain(&plan.persons) {
        for r in &spec.new.roles {
            if let RoleDetails::Customer(c) = &r.details {
                *customer_stages.entry(output::word(&c.lifecycle_stage)).or_insert(0u64) += 1;
                vip_customers += u64::from(c.vip);
            }
        }
        for cp in &spec.new.contact_points {
            *contact_points.entry(cp.value.kind().as_str().to_string()).or_insert(0u64) += 1;
        }
    }
    let parties = persons + organizations;
    let relationships_total = relationships.values().sum();
    let mut revenue = BTreeMap::new();
    let by_year = crm_core::analytics::RevenueQuery { period: crm_core::analytics::Period::Year, ..Default::default() };
    for r in crm.revenue(&by_year)? {
        *revenue.entry(r.currency).or_insert(0i64) += r.amount;
    }
    let mut pipelines = Vec::new();
    for p in crm.pipelines()? {
        let summary = crm.pipeline_summary(p.id)?;
        let stages = summary
            .stages
            .into_iter()
            .map(|s| StageRow { name: s.name, count: s.count, amount: s.amount, weighted_amount: s.weighted_amount })
            .collect();
        pipelines.push(PipelineRow { name: summary.name, stages });
    }
    let records = parties
        + relationships_total
        + sales.products
        + sales.prices
        + sales.leads.values().sum::<u64>()
        + sales.opportunities.values().sum::<u64>()
        + sales.orders
        + sales.interactions
        + sales.tasks;
    let secs = elapsed.as_secs_f64().max(1e-9);
    Ok(Summary {
        db: db.display().to_string(),
        seed,
        parties,
        persons,
        organizations,
        roles,
        customer_stages,
        vip_customers,
        countries,
        segments,
        contact_points,
        relationships,
        relationships_total,
        custom_fields: plan.fields.iter().map(|f| f.name.clone()).collect(),
        sales,
        revenue,
        pipelines,
        elapsed_seconds: (secs * 1000.0).round() / 1000.0,
        parties_per_second: (parties as f64 / secs).round(),
        records_per_second: (records as f64 / secs).round(),
    })
}

fn counts_table(title: &str, counts: &BTreeMap<String, u64>, by_count: bool) -> comfy_table::Table {
    let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
    if by_count {
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    }
    let mut t = output::table(&[title, "count"]);
    for (k, v) in rows {
        t.add_row(vec![k.clone(), v.to_string()]);
    }
    t
}

fn print_sales(s: &Summary, out: &mut dyn Write) -> Result<()> {
    let c = &s.sales;
    output::heading(out, "Sales")?;
    let rows = [
        ("products", c.products.to_string()),
        ("price lists", format!("{} ({} prices)", c.price_lists, c.prices)),
        ("pipelines", c.pipelines.to_string()),
        ("leads", c.leads.values().sum::<u64>().to_string()),
        ("opportunities", c.opportunities.values().sum::<u64>().to_string()),
        ("orders", c.orders.to_string()),
        ("interactions", c.interactions.to_string()),
        (
            "tasks",
            format!("{} ({} open, {} of them overdue; {} done)", c.tasks, c.tasks_open, c.tasks_overdue, c.tasks_done),
        ),
    ];
    output::print_table(out, &output::fields_table(&rows))?;
    output::heading(out, "Leads by status")?;
    output::print_table(out, &counts_table("status", &c.leads, true))?;
    output::heading(out, "Opportunities by status")?;
    output::print_table(out, &counts_table("status", &c.opportunities, true))?;
    output::heading(out, "Orders by channel")?;
    output::print_table(out, &counts_table("channel", &c.orders_by_channel, true))?;
    output::heading(out, "Orders by status")?;
    output::print_table(out, &counts_table("status", &c.orders_by_status, true))?;
    output::heading(out, "Interactions by channel")?;
    output::print_table(out, &counts_table("channel", &c.interactions_by_channel, true))?;
    output::heading(out, "Revenue by currency (placed to delivered, tax included)")?;
    let mut t = output::table(&["currency", "revenue"]);
    for (cur, amount) in &s.revenue {
        t.add_row(vec![cur.clone(), crate::commands::money(*amount, cur)]);
    }
    output::print_table(out, &t)?;
    for p in &s.pipelines {
        output::heading(out, &format!("Pipeline {}", p.name))?;
        let mut t = output::table(&["stage", "opportunities", "amount", "weighted"]);
        for st in &p.stages {
            t.add_row(vec![
                st.name.clone(),
                st.count.to_string(),
                crate::commands::sales::amounts(&st.amount),
                crate::commands::sales::amounts(&st.weighted_amount),
            ]);
        }
        output::print_table(out, &t)?;
    }
    Ok(())
}

fn print_summary(s: &Summary, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Demo base {} (seed {}): {} parties — {} persons, {} organizations — and {} relationships",
        s.db, s.seed, s.parties, s.persons, s.organizations, s.relationships_total
    )?;
    output::heading(out, "Parties by role")?;
    output::print_table(out, &counts_table("role", &s.roles, false))?;
    output::heading(out, "Customers by lifecycle stage")?;
    output::print_table(out, &counts_table("stage", &s.customer_stages, false))?;
    writeln!(out, "VIP customers: {}", s.vip_customers)?;
    output::heading(out, "Parties by country (of the primary address)")?;
    output::print_table(out, &counts_table("country", &s.countries, true))?;
    output::heading(out, "Parties by segment (custom field)")?;
    output::print_table(out, &counts_table("segment", &s.segments, true))?;
    output::heading(out, "Contact points by kind")?;
    output::print_table(out, &counts_table("kind", &s.contact_points, true))?;
    output::heading(out, "Relationships by type")?;
    output::print_table(out, &counts_table("type", &s.relationships, true))?;
    print_sales(s, out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Created in {:.2} s: {} parties/s, {} records/s (every record made)",
        s.elapsed_seconds, s.parties_per_second, s.records_per_second
    )?;
    Ok(())
}
