//! `crm rel …`: relate parties and walk the relationship graph.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use comfy_table::Table;
use crm_core::{Crm, Direction, Neighbour, NeighbourQuery, NewRelationship, PathStep, Uuid};
use serde::Serialize;

use super::{open_read, open_write, resolve};
use crate::cli::{DirectionArg, RelCommand};
use crate::output;

pub fn run(db: &Path, json: bool, cmd: &RelCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        RelCommand::Add { type_code, from, to, from_date, to_date, strength, notes } => {
            let crm = open_write(db)?;
            let new = NewRelationship {
                type_code: type_code.clone(),
                from_id: resolve(&crm, from)?,
                to_id: resolve(&crm, to)?,
                valid_from: *from_date,
                valid_to: *to_date,
                strength: *strength,
                notes: notes.clone(),
            };
            let rel = crm.create_relationship(new)?;
            if json {
                return output::json(out, &rel);
            }
            let names = names(&crm, &[rel.from_id, rel.to_id]);
            let label = crm
                .relationship_types()?
                .into_iter()
                .find(|t| t.code == rel.type_code)
                .map(|t| t.forward_label)
                .unwrap_or_else(|| rel.type_code.clone());
            writeln!(out, "Created: {} {label} {} ({})", name(&names, rel.from_id), name(&names, rel.to_id), rel.id)?;
            Ok(())
        }
        RelCommand::List { party, type_code, direction, at, include_archived } => {
            let crm = open_read(db)?;
            let id = resolve(&crm, party)?;
            let query = NeighbourQuery {
                type_code: type_code.clone(),
                direction: match direction {
                    DirectionArg::Outgoing => Direction::Outgoing,
                    DirectionArg::Incoming => Direction::Incoming,
                    DirectionArg::Both => Direction::Both,
                },
                at: *at,
                include_archived: *include_archived,
            };
            let list = crm.neighbours(id, &query)?;
            if json {
                return output::json(out, &list);
            }
            let me = crm.get_party(id)?;
            writeln!(out, "{} ({})", me.display_name, me.id)?;
            if list.is_empty() {
                writeln!(out, "No relationships match.")?;
                return Ok(());
            }
            output::print_table(out, &neighbours_table(&list))?;
            writeln!(out, "{} relationships", list.len())?;
            Ok(())
        }
        RelCommand::Types => {
            let crm = open_read(db)?;
            let types = crm.relationship_types()?;
            if json {
                return output::json(out, &types);
            }
            let mut t = output::table(&["code", "reads from → to", "reads to → from", "from", "to", "kind"]);
            for ty in &types {
                let kinds = |k: &[crm_core::PartyKind]| {
                    if k.is_empty() {
                        "any".to_string()
                    } else {
                        k.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                    }
                };
                let mut flags = Vec::new();
                if ty.symmetric {
                    flags.push("symmetric");
                }
                if ty.membership {
                    flags.push("membership");
                }
                if !ty.builtin {
                    flags.push("custom");
                }
                t.add_row(vec![
                    ty.code.clone(),
                    ty.forward_label.clone(),
                    ty.inverse_label.clone(),
                    kinds(&ty.from_kinds),
                    kinds(&ty.to_kinds),
                    flags.join(", "),
                ]);
            }
            output::print_table(out, &t)
        }
        RelCommand::Path { a, b, depth, at } => {
            let crm = open_read(db)?;
            let from = resolve(&crm, a)?;
            let to = resolve(&crm, b)?;
            let path = crm.shortest_path(from, to, *depth, *at)?;
            let mut ids = vec![from, to];
            if let Some(steps) = &path {
                ids.extend(steps.iter().map(|s| s.to_id));
            }
            let names = names(&crm, &ids);
            if json {
                #[derive(Serialize)]
                struct Step<'a> {
                    #[serde(flatten)]
                    step: &'a PathStep,
                    from_name: String,
                    to_name: String,
                }
                #[derive(Serialize)]
                struct PathJson<'a> {
                    found: bool,
                    hops: usize,
                    steps: Vec<Step<'a>>,
                }
                let steps: Vec<Step<'_>> = path
                    .iter()
                    .flatten()
                    .map(|s| Step { step: s, from_name: name(&names, s.from_id), to_name: name(&names, s.to_id) })
                    .collect();
                return output::json(out, &PathJson { found: path.is_some(), hops: steps.len(), steps });
            }
            match path {
                None => {
                    writeln!(out, "No path from {} to {} within {depth} hops.", name(&names, from), name(&names, to))?
                }
                Some(steps) if steps.is_empty() => writeln!(out, "{} is the same party.", name(&names, from))?,
                Some(steps) => {
                    writeln!(out, "{}", name(&names, from))?;
                    for s in &steps {
                        writeln!(out, "  └─ {} → {}", s.label, name(&names, s.to_id))?;
                    }
                    writeln!(out, "{} hops", steps.len())?;
                }
            }
            Ok(())
        }
        RelCommand::Members { org, at } => {
            let crm = open_read(db)?;
            let id = resolve(&crm, org)?;
            let members = crm.members(id, *at)?;
            if json {
                return output::json(out, &members);
            }
            let me = crm.get_party(id)?;
            writeln!(out, "{} ({})", me.display_name, me.id)?;
            if members.is_empty() {
                writeln!(out, "No members.")?;
                return Ok(());
            }
            output::print_table(out, &output::parties_table(&members))?;
            writeln!(out, "{} members", members.len())?;
            Ok(())
        }
    }
}

/// Display names by id (ids that cannot be read are left out).
fn names(crm: &Crm, ids: &[Uuid]) -> BTreeMap<Uuid, String> {
    ids.iter().filter_map(|&id| crm.get_party(id).ok().map(|p| (id, p.display_name))).collect()
}

fn name(names: &BTreeMap<Uuid, String>, id: Uuid) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// A table of a party's neighbours.
pub fn neighbours_table(list: &[Neighbour]) -> Table {
    let mut t = output::table(&["relationship", "party", "kind", "from", "to", "strength", "notes", "party id"]);
    for n in list {
        let r = &n.relationship;
        t.add_row(vec![
            n.label.clone(),
            n.display_name.clone(),
            n.kind.as_str().to_string(),
            output::date(r.valid_from),
            output::date(r.valid_to),
            r.strength.map(|s| format!("{s:.1}")).unwrap_or_default(),
            r.notes.clone().unwrap_or_default(),
            n.party_id.to_string(),
        ]);
    }
    t
}
