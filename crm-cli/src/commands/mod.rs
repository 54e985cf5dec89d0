//! The commands on parties and relationships, and what they share: opening
//! the base and naming a party on the command line.

pub mod party;
pub mod rel;

use std::path::Path;

use anyhow::{Context, Result, bail};
use crm_core::{ContactValue, Crm, Options, Uuid};

/// Open the base for reading; a missing file is an error (opening would
/// create an empty one).
pub fn open_read(db: &Path) -> Result<Crm> {
    if !db.exists() {
        bail!("no database at {}: create one with `crm demo` or `crm party add`, or pass --db", db.display());
    }
    let options = Options { read_only: true, ..Options::default() };
    Crm::open_with(db, options).with_context(|| format!("cannot open {}", db.display()))
}

/// Open (or create) the base for writing.
pub fn open_write(db: &Path) -> Result<Crm> {
    Crm::open(db).map(|c| c.with_actor("cli")).with_context(|| format!("cannot open {}", db.display()))
}

/// What a party argument is read as.
pub enum PartyRef {
    Id(Uuid),
    Contact(ContactValue),
}

/// Read a party argument: its id, an email address or a +phone number.
pub fn parse_ref(text: &str) -> Result<PartyRef> {
    let t = text.trim();
    if let Ok(id) = Uuid::parse_str(t) {
        return Ok(PartyRef::Id(id));
    }
    if t.contains('@') {
        return Ok(PartyRef::Contact(ContactValue::email(t)));
    }
    if looks_like_phone(t) {
        return Ok(PartyRef::Contact(ContactValue::phone(t)));
    }
    bail!("{text:?} is not a party id (a UUID), an email address or a phone number")
}

/// Whether the text reads as a phone number: digits with the usual
/// separators, at least five digits.
pub fn looks_like_phone(t: &str) -> bool {
    let digits = t.chars().filter(char::is_ascii_digit).count();
    digits >= 5 && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.' | '/'))
}

/// The id of the one party a command-line argument names.
pub fn resolve(crm: &Crm, text: &str) -> Result<Uuid> {
    match parse_ref(text)? {
        PartyRef::Id(id) => Ok(id),
        PartyRef::Contact(value) => {
            let found = crm.find_by_contact(value)?;
            match found.as_slice() {
                [] => bail!("no party has the contact point {text:?}"),
                [one] => Ok(one.id),
                many => {
                    let ids: Vec<String> = many.iter().map(|p| format!("{} ({})", p.id, p.display_name)).collect();
                    bail!("{} parties have the contact point {text:?}; name one by id: {}", many.len(), ids.join(", "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_arguments() {
        assert!(matches!(parse_ref("0190c1a2-7b3e-7d4f-8a9b-123456789abc"), Ok(PartyRef::Id(_))));
        assert!(matches!(parse_ref("anna@example.lv"), Ok(PartyRef::Contact(ContactValue::Email { .. }))));
        assert!(matches!(parse_ref("+371 2612 3456"), Ok(PartyRef::Contact(ContactValue::Phone { .. }))));
        assert!(parse_ref("Anna").is_err());
        assert!(looks_like_phone("(415) 555-2671"));
        assert!(!looks_like_phone("12"));
        assert!(!looks_like_phone("Acme 12345"));
    }
}
