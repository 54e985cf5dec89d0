//! `crm search` and `crm dedup …`: find parties by any word, find the ones
//! that are likely one, merge them and undo a merge.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use crm_core::{MatchConfig, MergeRequest, PartyFilter, SearchQuery};
use serde::Serialize;

use super::party::{custom_values, kind, role_kind};
use super::{invalid, name_of, names, open_read, open_write, parse_id, resolve};
use crate::cli::{DedupCommand, SearchArgs};
use crate::output;

pub fn search(db: &Path, json: bool, a: &SearchArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let filter = PartyFilter {
        kind: a.kind.map(kind),
        role: a.role.map(role_kind),
        tag: a.tag.clone(),
        country: a.country.clone(),
        custom: custom_values(&crm, a.kind.map(kind), &a.custom)?,
        ..Default::default()
    };
    let query = SearchQuery { text: a.text.clone(), filter, limit: a.limit };
    if a.light {
        return suggest(&crm, json, &query, out);
    }
    let hits = crm.search_parties(&query)?;
    if json {
        return output::json(out, &hits);
    }
    if hits.is_empty() {
        writeln!(out, "Nothing matches {:?}.", a.text)?;
        return Ok(());
    }
    let mut t = output::table(&["score", "name", "kind", "country", "roles", "email", "id"]);
    for h in &hits {
        let p = &h.party;
        t.add_row(vec![
            format!("{:.2}", h.score),
            p.display_name.clone(),
            p.kind.as_str().to_string(),
            p.country.clone().unwrap_or_default(),
            output::roles_short(&p.roles),
            output::primary_email(p),
            p.id.to_string(),
        ]);
    }
    output::print_table(out, &t)?;
    writeln!(out, "{} hits", hits.len())?;
    Ok(())
}

/// `crm search --light`: the same hits, as suggestions.
fn suggest(crm: &crm_core::Crm, json: bool, query: &SearchQuery, out: &mut dyn Write) -> Result<()> {
    let found = crm.suggest_parties(query)?;
    if json {
        return output::json(out, &found);
    }
    if found.is_empty() {
        writeln!(out, "Nothing matches {:?}.", query.text)?;
        return Ok(());
    }
    let mut t = output::table(&["score", "name", "kind", "id"]);
    for s in &found {
        t.add_row(vec![
            format!("{:.2}", s.score),
            s.display_name.clone(),
            s.kind.as_str().to_string(),
            s.id.to_string(),
        ]);
    }
    output::print_table(out, &t)?;
    writeln!(out, "{} hits", found.len())?;
    Ok(())
}

pub fn dedup(db: &Path, json: bool, cmd: &DedupCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        DedupCommand::Scan { kind: k, limit } => {
            let crm = open_read(db)?;
            let mut pairs = crm.find_duplicates(k.map(kind), &MatchConfig::default())?;
            let total = pairs.len();
            pairs.truncate(*limit);
            if json {
                #[derive(Serialize)]
                struct Scan<'a> {
                    total: usize,
                    pairs: &'a [crm_core::DuplicatePair],
                }
                return output::json(out, &Scan { total, pairs: &pairs });
            }
            if pairs.is_empty() {
                writeln!(out, "No likely duplicates.")?;
                return Ok(());
            }
            let names = names(&crm, pairs.iter().flat_map(|p| [p.a, p.b]));
            let mut t = output::table(&["score", "party", "other", "why", "party id", "other id"]);
            for p in &pairs {
                let why: Vec<String> = p
                    .result
                    .reasons
                    .iter()
                    .filter(|r| r.similarity >= 0.5)
                    .map(|r| format!("{} {:.2}", output::word(&r.field), r.similarity))
                    .collect();
                t.add_row(vec![
                    format!("{:.2}", p.result.score),
                    name_of(&names, p.a),
                    name_of(&names, p.b),
                    why.join(", "),
                    p.a.to_string(),
                    p.b.to_string(),
                ]);
            }
            output::print_table(out, &t)?;
            writeln!(
                out,
                "{} of {total} likely duplicate pairs; merge with `crm dedup merge <party> <other>`",
                pairs.len()
            )?;
            Ok(())
        }
        DedupCommand::Merge { survivor, others, choose } => {
            let crm = open_write(db)?;
            let survivor_id = resolve(&crm, survivor)?;
            let mut merged_ids = Vec::new();
            for o in others {
                merged_ids.push(resolve(&crm, o)?);
            }
            let mut chosen = BTreeMap::new();
            for c in choose {
                let (field, party) = c
                    .split_once('=')
                    .filter(|(f, _)| !f.trim().is_empty())
                    .ok_or_else(|| invalid("choose", format!("{c:?} is not field=party")))?;
                chosen.insert(field.trim().to_string(), resolve(&crm, party)?);
            }
            let outcome = crm.merge_parties(&MergeRequest { survivor_id, merged_ids, choose: chosen })?;
            if json {
                return output::json(out, &outcome);
            }
            writeln!(
                out,
                "Merged {} parties into {} ({}); merge id {}",
                others.len(),
                outcome.survivor.display_name,
                outcome.survivor.id,
                outcome.merge_id
            )?;
            writeln!(
                out,
                "{} contact points and {} relationships folded; undo with `crm dedup undo {}`",
                outcome.contact_points_folded, outcome.relationships_folded, outcome.merge_id
            )?;
            Ok(())
        }
        DedupCommand::Undo { merge_id } => {
            let crm = open_write(db)?;
            let party = crm.undo_merge(parse_id("merge_id", merge_id)?)?;
            if json {
                return output::json(out, &party);
            }
            writeln!(out, "Undone: {} ({}) is as it was before the merge", party.display_name, party.id)?;
            Ok(())
        }
    }
}
