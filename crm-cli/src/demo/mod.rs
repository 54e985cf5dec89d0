//! `crm demo`: build a realistic demo base through the public API.
//!
//! [`plan`] invents the base from a seed; this module creates it in
//! batches (one transaction per batch of parties), shows progress on a
//! terminal and prints a summary read back from the base.

pub mod names;
pub mod plan;
pub mod rng;

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
    pub elapsed_seconds: f64,
    pub parties_per_second: f64,
    pub records_per_second: f64,
}

pub fn run(db: &Path, json: bool, args: &DemoArgs, out: &mut dyn Write) -> Result<()> {
    prepare_path(db, args.force)?;
    let started = Instant::now();
    let plan = plan::make(args.seed, args.persons as usize, args.organizations as usize);
    let crm = Crm::open(db).with_context(|| format!("cannot create {}", db.display()))?.with_actor("demo");

    let total = (plan.orgs.len() + plan.persons.len() + plan.rels.len()) as u64;
    let bar = progress_bar(total, json);
    let rel_counts = load(&crm, &plan, args.batch as usize, &bar)?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();

    let summary = summarize(&crm, db, args.seed, &plan, rel_counts, elapsed)?;
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

/// Create everything in the plan; returns the relationships created by type.
fn load(crm: &Crm, plan: &Plan, batch: usize, bar: &ProgressBar) -> Result<BTreeMap<String, u64>> {
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
    Ok(counts)
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
        elapsed_seconds: (secs * 1000.0).round() / 1000.0,
        parties_per_second: (parties as f64 / secs).round(),
        records_per_second: ((parties + relationships_total) as f64 / secs).round(),
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
    writeln!(out)?;
    writeln!(
        out,
        "Created in {:.2} s: {} parties/s, {} records/s (parties and relationships)",
        s.elapsed_seconds, s.parties_per_second, s.records_per_second
    )?;
    Ok(())
}
