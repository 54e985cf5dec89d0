//! Blocking: which pairs of a base are worth scoring.
//!
//! Each record yields a handful of **blocking keys**; two records are a
//! candidate pair when they share at least one key. Keys are prefixed by
//! the party kind (`P` or `O`), so persons and organizations never pair.
//!
//! | key | persons | organizations |
//! |-----|---------|---------------|
//! | `e:` normalized e-mail | yes | yes |
//! | `w:` Gmail-style folded e-mail, when it differs | yes | yes |
//! | `p:` phone (E.164) | yes | yes |
//! | `v:` VAT core (no country prefix) | yes | yes |
//! | `a:` normalized address line | yes | yes |
//! | `n:` [phonetic key](super::normalize::phonetic_key) of one name token + initial of another (and of its nickname group's canonical name) | every ordered pair of the first four tokens, so swapped names meet | — |
//! | `t:` sorted skeletons of all name tokens | yes | — |
//! | `d:` birth date | yes | — |
//! | `o:` skeleton of the whole name without legal form | — | yes |
//! | `ow:` phonetic key of each significant name word | — | yes |
//!
//! **Large blocks are capped.** A block of more than
//! [`BlockingConfig::max_block_size`] records (a switchboard phone, a
//! frequent surname phonetic key, the word "Nordic") is not compared pair
//! by pair: its records are sorted by their name skeleton and each is
//! compared with the [`BlockingConfig::window`] records that follow it (the
//! sorted-neighbourhood method). The cost of a block is then linear in its
//! size, and similar names inside it still meet. Pairs that only a large
//! block could have produced, with dissimilar names, are lost; those are
//! the pairs the name gate would reject anyway.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::compare::Prepared;
use super::normalize::phonetic_key;
use super::{BlockingConfig, MatchRecord, PartyKind, nicknames, prepare_all};

/// How many name tokens feed the `n:` keys.
const MAX_NAME_TOKENS: usize = 4;

/// The blocking keys of one record, as text (for inspection and tests).
///
/// ```
/// use crm_core::dedup::matching::{MatchRecord, PartyKind, blocking_keys};
/// let r = MatchRecord {
///     given_name: Some("Bill".into()),
///     family_name: Some("Smith".into()),
///     ..MatchRecord::new("1", PartyKind::Person)
/// };
/// let keys = blocking_keys(&r);
/// assert!(keys.contains(&"P n:smt:b".to_string()));
/// assert!(keys.contains(&"P n:smt:v".to_string())); // William's initial
/// ```
pub fn blocking_keys(record: &MatchRecord) -> Vec<String> {
    keys_prepared(&Prepared::new(record))
}

pub(crate) fn keys_prepared(p: &Prepared) -> Vec<String> {
    let kind = match p.kind {
        PartyKind::Person => 'P',
        PartyKind::Organization => 'O',
    };
    let mut keys: Vec<String> = Vec::with_capacity(16);
    for e in &p.emails {
        keys.push(format!("{kind} e:{e}"));
    }
    for w in &p.weak_emails {
        if !p.emails.contains(w) {
            keys.push(format!("{kind} w:{w}"));
        }
    }
    for ph in &p.phones {
        keys.push(format!("{kind} p:{ph}"));
    }
    if let Some(v) = &p.vat {
        keys.push(format!("{kind} v:{v}"));
    }
    for a in &p.addresses {
        keys.push(format!("{kind} a:{}", a.line));
    }
    match p.kind {
        PartyKind::Person => {
            let toks: Vec<_> = p.all.iter().take(MAX_NAME_TOKENS).collect();
            for (i, x) in toks.iter().enumerate() {
                if x.folded.len() < 2 {
                    continue;
                }
                let px = phonetic_key(&x.folded);
                for (j, y) in toks.iter().enumerate() {
                    if i == j {
                        continue;
                    }
                    let mut initials: Vec<char> = y.skel.chars().take(1).collect();
                    for c in nicknames::canonical_skeletons(&y.skel) {
                        initials.extend(c.chars().take(1));
                    }
                    initials.sort_unstable();
                    initials.dedup();
                    for c in initials {
                        keys.push(format!("{kind} n:{px}:{c}"));
                    }
                }
                if toks.len() == 1 {
                    keys.push(format!("{kind} n:{px}"));
                }
            }
            if !p.all.is_empty() {
                let mut sk: Vec<&str> = p.all.iter().map(|t| t.skel.as_str()).collect();
                sk.sort_unstable();
                keys.push(format!("{kind} t:{}", sk.join(" ")));
            }
            if let Some(d) = p.birth_date {
                keys.push(format!("{kind} d:{d}"));
            }
        }
        PartyKind::Organization => {
            if !p.sort_key.is_empty() {
                keys.push(format!("{kind} o:{}", p.sort_key));
            }
            for t in &p.org {
                if t.folded.len() >= 3 {
                    keys.push(format!("{kind} ow:{}", phonetic_key(&t.folded)));
                }
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn key_hash(k: &str) -> u64 {
    let mut h = DefaultHasher::new();
    k.hash(&mut h);
    h.finish()
}

/// The candidate pairs `(i, j)`, `i < j`, of `records`: those sharing a
/// blocking key, with large blocks capped as the module documentation
/// describes. Sorted and without repeats.
pub fn candidate_pairs(records: &[MatchRecord], config: &BlockingConfig) -> Vec<(usize, usize)> {
    candidate_pairs_prepared(&prepare_all(records), config)
}

pub(crate) fn candidate_pairs_prepared(prepared: &[Prepared], config: &BlockingConfig) -> Vec<(usize, usize)> {
    let max_block = config.max_block_size.max(2);
    let window = config.window.max(1);
    let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        let Ok(i) = u32::try_from(i) else { break };
        for k in keys_prepared(p) {
            blocks.entry(key_hash(&k)).or_default().push(i);
        }
    }
    let mut pairs: Vec<u64> = Vec::new();
    let push = |pairs: &mut Vec<u64>, a: u32, b: u32| {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        if lo != hi {
            pairs.push((u64::from(lo) << 32) | u64::from(hi));
        }
    };
    for members in blocks.values_mut() {
        if members.len() < 2 {
            continue;
        }
        if members.len() <= max_block {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    push(&mut pairs, a, b);
                }
            }
        } else {
            members.sort_by(|&a, &b| {
                let ka = prepared.get(a as usize).map_or("", |p| p.sort_key.as_str());
                let kb = prepared.get(b as usize).map_or("", |p| p.sort_key.as_str());
                ka.cmp(kb)
            });
            for (x, &a) in members.iter().enumerate() {
                for &b in members.iter().skip(x + 1).take(window) {
                    push(&mut pairs, a, b);
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs.into_iter().map(|v| ((v >> 32) as usize, (v & 0xffff_ffff) as usize)).collect()
}
