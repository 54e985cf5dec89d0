//! vCard 3.0 and 4.0 (RFC 6350, RFC 2426) import and export.
//!
//! Export writes vCard 4.0: FN, N, KIND, ORG (an organization's legal name,
//! or a person's organization), BDAY, LANG, EMAIL, TEL, ADR, URL, NOTE,
//! CATEGORIES (tags), UID (the party's id), with TYPE labels and PREF for
//! primary contact points, lines folded at 75 octets and text escaped. What
//! vCard has no property for (roles, custom fields, VAT and registration
//! numbers, industry, size, social identities, verified flags) travels in
//! `X-CRM-*` properties, so that export then import loses nothing the model
//! holds. Import reads 3.0 and 4.0: unfolding, unescaping, grouped
//! properties, quoted parameters.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Crm;
use crate::custom::CustomValue;
use crate::error::{Error, Result};
use crate::party::{
    ContactValue, NewContactPoint, NewParty, NewRole, OrganizationSize, Party, PartyFilter, PartyKind, PartyQuery,
    PostalAddress,
};

/// What a vCard import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VcardReport {
    /// Cards read.
    pub cards: u64,
    /// Parties created.
    pub created: u64,
    /// Parties updated (same UID, or the key matched).
    pub updated: u64,
    /// Cards rejected, with the line where each began and why.
    pub rejects: Vec<super::Reject>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Split a structured value on unescaped `sep`, unescaping each part.
fn split_escaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
        } else if c == sep {
            parts.push(unescape(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    parts.push(unescape(&cur));
    parts
}

/// Write one content line, folded at 75 octets on character boundaries.
fn write_line(out: &mut dyn Write, line: &str) -> Result<()> {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.write_all(b"\r\n ")?;
            width = 1;
        }
        let mut buf = [0u8; 4];
        out.write_all(c.encode_utf8(&mut buf).as_bytes())?;
        width += n;
    }
    out.write_all(b"\r\n")?;
    Ok(())
}

fn card_of(p: &Party, org_name: Option<&str>, notes: &[String]) -> Vec<String> {
    let mut l = vec!["BEGIN:VCARD".to_string(), "VERSION:4.0".to_string(), format!("UID:urn:uuid:{}", p.id)];
    l.push(format!("KIND:{}", if p.kind == PartyKind::Organization { "org" } else { "individual" }));
    l.push(format!("FN:{}", escape(&p.display_name)));
    if p.kind == PartyKind::Person {
        l.push(format!(
            "N:{};{};;;",
            escape(p.family_name.as_deref().unwrap_or("")),
            escape(p.given_name.as_deref().unwrap_or(""))
        ));
    }
    match (p.kind, org_name) {
        (PartyKind::Organization, _) => {
            if let Some(n) = &p.legal_name {
                l.push(format!("ORG:{}", escape(n)));
            }
        }
        (PartyKind::Person, Some(n)) => l.push(format!("ORG:{}", escape(n))),
        _ => {}
    }
    if let Some(d) = p.birth_date {
        l.push(format!("BDAY:{}", d.format("%Y%m%d")));
    }
    if let Some(lang) = &p.language {
        l.push(format!("LANG:{lang}"));
    }
    for c in &p.contact_points {
        let mut params = String::new();
        if let Some(label) = &c.label {
            params.push_str(&format!(";TYPE={}", label.replace([';', ':', ','], " ")));
        }
        if c.primary {
            params.push_str(";PREF=1");
        }
        if c.verified {
            params.push_str(";X-CRM-VERIFIED=true");
        }
        match &c.value {
            ContactValue::Email { address } => l.push(format!("EMAIL{params}:{}", escape(address))),
            ContactValue::Phone { number, .. } => l.push(format!("TEL{params};VALUE=uri:tel:{number}")),
            ContactValue::Address(a) => l.push(format!(
                "ADR{params}:;{};{};{};{};{};{}",
                escape(a.street2.as_deref().unwrap_or("")),
                escape(a.street.as_deref().unwrap_or("")),
                escape(a.city.as_deref().unwrap_or("")),
                escape(a.region.as_deref().unwrap_or("")),
                escape(a.postal_code.as_deref().unwrap_or("")),
                escape(&a.country)
            )),
            ContactValue::Web { url } => l.push(format!("URL{params}:{url}")),
            ContactValue::Social { network, handle } => {
                l.push(format!("X-CRM-SOCIAL{params};NETWORK={network}:{}", escape(handle)))
            }
        }
    }
    if !p.tags.is_empty() {
        l.push(format!("CATEGORIES:{}", p.tags.iter().map(|t| escape(t)).collect::<Vec<_>>().join(",")));
    }
    for n in notes {
        l.push(format!("NOTE:{}", escape(n)));
    }
    for (prop, v) in
        [("X-CRM-VAT", &p.vat_number), ("X-CRM-REGISTRATION", &p.registration_number), ("X-CRM-INDUSTRY", &p.industry)]
    {
        if let Some(v) = v {
            l.push(format!("{prop}:{}", escape(v)));
        }
    }
    if let Some(s) = p.size {
        l.push(format!("X-CRM-SIZE:{}", s.as_str()));
    }
    if p.kind == PartyKind::Organization && p.display_name != p.legal_name.clone().unwrap_or_default() {
        l.push(format!("X-CRM-DISPLAY-NAME:{}", escape(&p.display_name)));
    }
    for r in &p.roles {
        let role = NewRole { details: r.details.clone(), valid_from: r.valid_from, valid_to: r.valid_to };
        if let Ok(json) = serde_json::to_string(&role) {
            l.push(format!("X-CRM-ROLE:{}", escape(&json)));
        }
    }
    for (name, v) in &p.custom {
        if let Ok(json) = serde_json::to_string(v) {
            l.push(format!("X-CRM-CUSTOM;NAME={name}:{}", escape(&json)));
        }
    }
    l.push("END:VCARD".to_string());
    l
}

/// One parsed content line.
struct Prop {
    name: String,
    params: BTreeMap<String, String>,
    value: String,
}

fn parse_prop(line: &str) -> Option<Prop> {
    // The value starts at the first ':' outside a quoted parameter value.
    let mut quoted = false;
    let mut split = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let i = split?;
    let (head, value) = (&line[..i], &line[i + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim();
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let mut params = BTreeMap::new();
    for p in parts {
        let (k, v) = p.split_once('=').unwrap_or(("TYPE", p));
        let v = v.trim_matches('"').to_string();
        params
            .entry(k.trim().to_ascii_uppercase())
            .and_modify(|old: &mut String| {
                old.push(',');
                old.push_str(&v);
            })
            .or_insert(v);
    }
    Some(Prop { name, params, value: value.to_string() })
}

/// A card read: its UID, the party, a person's ORG name, its notes.
type Card = (Option<Uuid>, NewParty, Option<String>, Vec<String>);

/// Turn one card's lines into a party (and its ORG name and notes).
fn party_of(props: &[Prop]) -> std::result::Result<Card, String> {
    let version = props.iter().find(|p| p.name == "VERSION").map(|p| p.value.trim().to_string());
    match version.as_deref() {
        Some("3.0" | "4.0") => {}
        Some(v) => return Err(format!("vCard version {v:?} is not read (3.0 and 4.0 are)")),
        None => return Err("the card has no VERSION".into()),
    }
    let get = |n: &str| props.iter().find(|p| p.name == n);
    let kind_org = get("KIND").is_some_and(|k| k.value.trim().eq_ignore_ascii_case("org"))
        || (get("N").is_none() && get("ORG").is_some() && get("X-CRM-ROLE").is_none() && get("KIND").is_none());
    let mut p =
        NewParty { kind: if kind_org { PartyKind::Organization } else { PartyKind::Person }, ..Default::default() };
    let mut org = None;
    let mut notes = Vec::new();
    let mut id = None;
    for prop in props {
        let label = prop
            .params
            .get("TYPE")
            .map(|t| {
                t.split(',')
                    .filter(|x| !x.eq_ignore_ascii_case("pref") && !x.eq_ignore_ascii_case("voice"))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .filter(|t| !t.is_empty())
            .map(|t| t.to_lowercase());
        let primary = prop.params.get("PREF").is_some_and(|v| v.trim() == "1")
            || prop.params.get("TYPE").is_some_and(|t| t.split(',').any(|x| x.eq_ignore_ascii_case("pref")));
        let verified = prop.params.get("X-CRM-VERIFIED").is_some_and(|v| v == "true");
        let contact = |value: ContactValue| NewContactPoint { value, label: label.clone(), primary, verified };
        let v = prop.value.as_str();
        match prop.name.as_str() {
            "UID" => id = Uuid::parse_str(v.trim().trim_start_matches("urn:uuid:")).ok(),
            "FN" => p.display_name = Some(unescape(v)),
            "X-CRM-DISPLAY-NAME" => p.display_name = Some(unescape(v)),
            "N" if !kind_org => {
                let parts = split_escaped(v, ';');
                p.family_name = parts.first().filter(|s| !s.is_empty()).cloned();
                p.given_name = parts.get(1).filter(|s| !s.is_empty()).cloned();
            }
            "ORG" => {
                let name = split_escaped(v, ';').into_iter().next().unwrap_or_default();
                if kind_org {
                    p.legal_name = Some(name);
                } else {
                    org = Some(name);
                }
            }
            "BDAY" => {
                let d = v.trim().replace('-', "");
                p.birth_date = chrono::NaiveDate::parse_from_str(&d, "%Y%m%d").ok();
                if p.birth_date.is_none() {
                    return Err(format!("BDAY {v:?} is not a date"));
                }
            }
            "LANG" => p.language = Some(v.trim().to_string()),
            "EMAIL" => p.contact_points.push(contact(ContactValue::email(unescape(v)))),
            "TEL" => p.contact_points.push(contact(ContactValue::phone(v.trim().trim_start_matches("tel:")))),
            "ADR" => {
                let a = split_escaped(v, ';');
                let f = |i: usize| a.get(i).filter(|s| !s.is_empty()).cloned();
                let street2 = f(1).or(f(0));
                p.contact_points.push(contact(ContactValue::Address(PostalAddress {
                    street: f(2),
                    street2,
                    city: f(3),
                    region: f(4),
                    postal_code: f(5),
                    country: f(6).unwrap_or_default(),
                })));
            }
            "URL" => p.contact_points.push(contact(ContactValue::Web { url: v.trim().to_string() })),
            "X-CRM-SOCIAL" | "X-SOCIALPROFILE" => {
                let network = prop.params.get("NETWORK").cloned().or(label.clone()).unwrap_or_else(|| "social".into());
                let c = NewContactPoint {
                    label: if prop.params.contains_key("NETWORK") { label.clone() } else { None },
                    ..contact(ContactValue::Social { network, handle: unescape(v) })
                };
                p.contact_points.push(c);
            }
            "CATEGORIES" => p.tags.extend(split_escaped(v, ',').into_iter().filter(|t| !t.trim().is_empty())),
            "NOTE" => notes.push(unescape(v)),
            "X-CRM-VAT" => p.vat_number = Some(unescape(v)),
            "X-CRM-REGISTRATION" => p.registration_number = Some(unescape(v)),
            "X-CRM-INDUSTRY" => p.industry = Some(unescape(v)),
            "X-CRM-SIZE" => p.size = OrganizationSize::parse(v.trim()),
            "X-CRM-ROLE" => {
                let role: NewRole = serde_json::from_str(&unescape(v)).map_err(|e| format!("X-CRM-ROLE: {e}"))?;
                p.roles.push(role);
            }
            "X-CRM-CUSTOM" => {
                let name = prop.params.get("NAME").cloned().ok_or("X-CRM-CUSTOM needs a NAME")?;
                let value: CustomValue =
                    serde_json::from_str(&unescape(v)).map_err(|e| format!("X-CRM-CUSTOM: {e}"))?;
                p.custom.insert(name, value);
            }
            _ => {}
        }
    }
    if kind_org && p.legal_name.is_none() {
        p.legal_name = p.display_name.clone();
    }
    if p.kind == PartyKind::Person && p.given_name.is_none() && p.family_name.is_none() && p.display_name.is_none() {
        return Err("the card has neither FN nor N".into());
    }
    Ok((id, p, org, notes))
}

impl Crm {
    /// Write the parties matching a filter as vCard 4.0.
    pub fn export_vcard(&self, filter: &PartyFilter, out: &mut dyn Write) -> Result<u64> {
        let mut q = PartyQuery { filter: filter.clone(), limit: 500, ..Default::default() };
        let mut n = 0;
        loop {
            let page = self.list_parties(&q)?;
            for p in &page.items {
                let org = match (p.kind, p.parent_id) {
                    (PartyKind::Person, Some(parent)) => Some(self.get_party(parent)?.display_name),
                    _ => None,
                };
                let mut notes: Vec<String> = self.notes(p.id)?.into_iter().map(|n| n.body).collect();
                notes.reverse();
                for line in card_of(p, org.as_deref(), &notes) {
                    write_line(out, &line)?;
                }
                n += 1;
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        out.flush()?;
        Ok(n)
    }

    /// Read vCards (3.0 or 4.0). A card whose UID is a party's id updates
    /// that party (missing fields, contact points, tags and roles are
    /// added); others create parties with that id. A person's ORG links it
    /// to the organization of that name, created if there is none. Bad cards
    /// are reported with the line they begin on; good ones import.
    pub fn import_vcard(&self, input: impl BufRead) -> Result<VcardReport> {
        // Unfold: a line starting with a space or tab continues the previous one.
        let mut logical: Vec<(u64, String)> = Vec::new();
        for (i, l) in input.lines().enumerate() {
            let l = l?;
            let l = l.strip_suffix('\r').unwrap_or(&l).to_string();
            if let Some(rest) = l.strip_prefix([' ', '\t']) {
                match logical.last_mut() {
                    Some((_, prev)) => prev.push_str(rest),
                    None => logical.push((i as u64 + 1, l)),
                }
            } else if !l.is_empty() {
                logical.push((i as u64 + 1, l));
            }
        }
        let mut report = VcardReport::default();
        let mut cards: Vec<(u64, std::result::Result<Vec<Prop>, String>)> = Vec::new();
        let mut current: Option<(u64, std::result::Result<Vec<Prop>, String>)> = None;
        for (no, l) in logical {
            let upper = l.trim().to_ascii_uppercase();
            if upper == "BEGIN:VCARD" {
                if let Some((start, _)) = current.take() {
                    cards.push((start, Err("the card has no END:VCARD".into())));
                }
                current = Some((no, Ok(Vec::new())));
            } else if upper == "END:VCARD" {
                if let Some(c) = current.take() {
                    cards.push(c);
                } else {
                    report.rejects.push(super::Reject {
                        line: no,
                        field: None,
                        reason: "END:VCARD without BEGIN:VCARD".into(),
                    });
                }
            } else if let Some((_, Ok(props))) = current.as_mut() {
                match parse_prop(&l) {
                    Some(p) => props.push(p),
                    None => {
                        let reason = format!(
                            "line {no} is not a property (broken folding?): {:?}",
                            l.chars().take(60).collect::<String>()
                        );
                        current = current.map(|(s, _)| (s, Err(reason)));
                    }
                }
            } else if current.is_none() {
                report.rejects.push(super::Reject {
                    line: no,
                    field: None,
                    reason: "text outside BEGIN:VCARD … END:VCARD".into(),
                });
            }
        }
        if let Some((start, _)) = current {
            cards.push((start, Err("the card has no END:VCARD".into())));
        }
        let region = self.store.options.default_region.clone();
        // Organizations first, so that a person's ORG finds the organization
        // of the same file (by its UID) rather than making a second one.
        let mut parsed_cards: Vec<(u64, std::result::Result<Card, String>)> =
            cards.into_iter().map(|(line, card)| (line, card.and_then(|props| party_of(&props)))).collect();
        parsed_cards
            .sort_by_key(|(line, c)| (!matches!(c, Ok((_, p, _, _)) if p.kind == PartyKind::Organization), *line));
        for (line, parsed) in parsed_cards {
            report.cards += 1;
            let (id, mut party, org, notes) = match parsed {
                Ok(x) => x,
                Err(reason) => {
                    report.rejects.push(super::Reject { line, field: None, reason });
                    continue;
                }
            };
            let outcome = self.store.write(&self.actor, |tx| {
                if let Some(name) = &org {
                    let found: Option<Uuid> = tx
                        .conn()
                        .query_row(
                            "SELECT id FROM party WHERE kind = 'organization' AND display_name = ?1 AND merged_into IS NULL
                             ORDER BY created_at LIMIT 1",
                            [name],
                            |r| r.get(0),
                        )
                        .map(Some)
                        .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })?;
                    party.parent_id = Some(match found {
                        Some(o) => o,
                        None => crate::party::create_in(tx, NewParty::organization(name.clone()), region.as_deref())?.id,
                    });
                }
                let existing = match id {
                    Some(id) => crate::party::sql::head(tx.conn(), id)?.map(|_| id),
                    None => None,
                };
                let (party_id, created) = match existing {
                    Some(pid) => {
                        let old = crate::party::sql::get_for_write(tx.conn(), pid)?;
                        crate::party::upsert_into(tx, &old, party, region.as_deref())?;
                        (pid, false)
                    }
                    None => {
                        party.id = id;
                        (crate::party::create_in(tx, party, region.as_deref())?.id, true)
                    }
                };
                for body in &notes {
                    let body = body.trim();
                    if !body.is_empty() && !super::sql::has_note(tx.conn(), party_id, body)? {
                        let note = crate::party::sql::insert_note(tx, party_id, body)?;
                        crate::search::sql::reindex_party(tx.conn(), party_id)?;
                        let json = serde_json::to_string(&note)?;
                        tx.record("note", &note.id, crate::AuditAction::Created, &json, &json)?;
                    }
                }
                Ok(created)
            });
            match outcome {
                Ok(true) => report.created += 1,
                Ok(false) => report.updated += 1,
                Err(Error::Validation { field, reason }) => {
                    report.rejects.push(super::Reject { line, field: Some(field), reason })
                }
                Err(Error::NotFound { entity, id }) => {
                    report.rejects.push(super::Reject { line, field: None, reason: format!("{entity} {id} not found") })
                }
                Err(e) => return Err(e),
            }
        }
        report.rejects.sort_by_key(|r| r.line);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        let s = "a,b;c\\d\ne";
        assert_eq!(unescape(&escape(s)), s);
        assert_eq!(split_escaped("Doe;John\\;Jr;;;", ';')[1], "John;Jr");
    }

    #[test]
    fn lines_fold_at_75_octets_on_character_boundaries() {
        let mut out = Vec::new();
        write_line(&mut out, &format!("NOTE:{}", "ā".repeat(60))).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(text.replace("\r\n ", "").trim_end(), format!("NOTE:{}", "ā".repeat(60)));
    }

    #[test]
    fn properties_with_groups_and_quoted_parameters() {
        let p = parse_prop("item1.EMAIL;TYPE=\"work,pref\":a@b.lv").unwrap();
        assert_eq!((p.name.as_str(), p.value.as_str()), ("EMAIL", "a@b.lv"));
        assert_eq!(p.params["TYPE"], "work,pref");
        assert!(parse_prop("no colon here").is_none());
    }
}
