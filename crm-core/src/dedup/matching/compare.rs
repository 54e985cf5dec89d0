//! Field comparators and the scoring of one pair of records.
//!
//! Every comparator returns a similarity in `[0, 1]` and the kind of
//! [`Comparison`] that produced it. Records are first turned into a
//! [`Prepared`] form (folded tokens, skeletons, normalized identifiers) so
//! that a scan over many pairs normalizes each record once.

use chrono::NaiveDate;
use strsim::{jaro_winkler, normalized_levenshtein};

use super::normalize::{
    date_digits, fold_name, is_generic_email, name_skeleton, normalize_address, normalize_email, normalize_phone,
    normalize_vat, vat_core, weak_email,
};
use super::{Comparison, Field, KindRules, MatchRecord, MatchResult, PartyKind, Reason, nicknames};

/// Jaro-Winkler values at or below this floor count as no similarity at all;
/// above it they are stretched linearly to `(0, 1]`. Unrelated names
/// commonly reach 0.6–0.7 with Jaro-Winkler, so the raw value overstates
/// agreement.
const JW_FLOOR: f64 = 0.7;

/// Similarity given to two tokens with one spelling skeleton
/// (`Dmitrij`/`Dmitry`, `Иванов`/`Ivanov`).
const SIM_SKELETON: f64 = 0.97;
/// Similarity given to two nickname-equivalent given names.
const SIM_NICKNAME: f64 = 0.93;
/// Similarity given to an initial against a name with that initial.
const SIM_INITIAL: f64 = 0.8;
/// Factor applied to a pairing of given with family name (swapped fields).
const SWAP_FACTOR: f64 = 0.98;
/// Factor applied to the order-free comparison of all name tokens.
const TOKEN_SET_FACTOR: f64 = 0.96;
/// Penalty per name token of the longer name left unmatched (a middle name).
const EXTRA_TOKEN_PENALTY: f64 = 0.04;

/// Normalized Levenshtein similarities of whole organization names at or
/// below this floor count as none.
const ORG_LEV_FLOOR: f64 = 0.5;

/// Legal-form and filler tokens ignored when comparing organization names.
const ORG_STOP_TOKENS: &[&str] = &[
    "as",
    "asa",
    "sa",
    "ab",
    "oy",
    "oyj",
    "aps",
    "gmbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "ev",
    "mbh",
    "co",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "inc",
    "corp",
    "corporation",
    "company",
    "sia",
    "ik",
    "sarl",
    "sas",
    "sasu",
    "eurl",
    "sp",
    "z",
    "o",
    "oo",
    "spzoo",
    "bv",
    "nv",
    "srl",
    "spa",
    "ood",
    "eood",
    "ad",
    "ead",
    "et",
    "ooo",
    "zao",
    "oao",
    "pao",
    "ao",
    "ip",
    "da",
    "ans",
    "enk",
    "the",
    "and",
    "und",
    "og",
    "och",
    "un",
    "de",
    "of",
    "i",
    "a",
];

/// A folded name token with its spelling skeleton.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub(crate) folded: String,
    pub(crate) skel: String,
    /// Nickname groups of the token (empty for most names).
    pub(crate) groups: &'static [u16],
}

impl Tok {
    fn new(folded: &str) -> Self {
        let skel = name_skeleton(folded);
        Tok { folded: folded.to_owned(), groups: nicknames::groups_of_skeleton(&skel), skel }
    }
}

fn toks(s: &str) -> Vec<Tok> {
    fold_name(s).split(' ').filter(|t| !t.is_empty()).map(Tok::new).collect()
}

/// A normalized address.
#[derive(Debug, Clone)]
pub(crate) struct Addr {
    pub(crate) line: String,
    words: Vec<Tok>,
    numbers: Vec<String>,
}

/// A record normalized once for many comparisons.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) kind: PartyKind,
    pub(crate) given: Vec<Tok>,
    pub(crate) family: Vec<Tok>,
    /// Every name token: given then family, or the display name's tokens.
    pub(crate) all: Vec<Tok>,
    /// Organization name tokens without legal forms and filler words.
    pub(crate) org: Vec<Tok>,
    /// Skeletons of `all` (or `org`) joined without spaces, for sorting.
    pub(crate) sort_key: String,
    /// Organization: skeletons of every name token, legal forms included,
    /// joined without spaces (survives typos that split or merge words).
    pub(crate) org_concat: String,
    pub(crate) emails: Vec<String>,
    pub(crate) weak_emails: Vec<String>,
    pub(crate) phones: Vec<String>,
    pub(crate) vat: Option<String>,
    pub(crate) addresses: Vec<Addr>,
    pub(crate) birth_date: Option<NaiveDate>,
}

impl Prepared {
    /// Normalizes `r`. Unusable values (an address without `@`, a phone
    /// without a country code) are dropped.
    pub(crate) fn new(r: &MatchRecord) -> Self {
        let given = r.given_name.as_deref().map(toks).unwrap_or_default();
        let family = r.family_name.as_deref().map(toks).unwrap_or_default();
        let mut all: Vec<Tok> = given.iter().chain(family.iter()).cloned().collect();
        if all.is_empty() {
            all = r.display_name.as_deref().map(toks).unwrap_or_default();
        }
        let mut org_concat = String::new();
        let org: Vec<Tok> = if r.kind == PartyKind::Organization {
            let source = match r.display_name.as_deref() {
                Some(d) if !d.trim().is_empty() => toks(d),
                _ => all.clone(),
            };
            org_concat = source.iter().map(|t| t.skel.as_str()).collect();
            let kept: Vec<Tok> =
                source.iter().filter(|t| !ORG_STOP_TOKENS.contains(&t.folded.as_str())).cloned().collect();
            if kept.is_empty() { source } else { kept }
        } else {
            Vec::new()
        };
        let sort_key = if r.kind == PartyKind::Organization {
            org.iter().map(|t| t.skel.as_str()).collect::<String>()
        } else {
            let mut s: Vec<&str> = all.iter().map(|t| t.skel.as_str()).collect();
            s.sort_unstable();
            s.concat()
        };
        let mut emails: Vec<String> = r.emails.iter().filter_map(|e| normalize_email(e)).collect();
        emails.sort_unstable();
        emails.dedup();
        let mut weak_emails: Vec<String> = emails.iter().map(|e| weak_email(e)).collect();
        weak_emails.sort_unstable();
        weak_emails.dedup();
        let mut phones: Vec<String> = r.phones.iter().filter_map(|p| normalize_phone(p)).collect();
        phones.sort_unstable();
        phones.dedup();
        let vat = r.vat_number.as_deref().and_then(normalize_vat).map(|v| vat_core(&v).to_owned());
        let addresses = r
            .addresses
            .iter()
            .map(|a| normalize_address(a))
            .filter(|l| !l.is_empty())
            .map(|line| {
                let mut words = Vec::new();
                let mut numbers = Vec::new();
                for t in line.split(' ') {
                    if t.chars().any(|c| c.is_ascii_digit()) {
                        numbers.push(t.to_owned());
                    } else {
                        words.push(Tok::new(t));
                    }
                }
                numbers.sort_unstable();
                numbers.dedup();
                Addr { line, words, numbers }
            })
            .collect();
        Prepared {
            kind: r.kind,
            given,
            family,
            all,
            org,
            sort_key,
            org_concat,
            emails,
            weak_emails,
            phones,
            vat,
            addresses,
            birth_date: r.birth_date,
        }
    }
}

/// Stretches a Jaro-Winkler value above [`JW_FLOOR`] to `[0, 1]`.
fn stretch(jw: f64) -> f64 {
    ((jw - JW_FLOOR) / (1.0 - JW_FLOOR)).clamp(0.0, 1.0)
}

/// Compares two name tokens.
///
/// Exact fold → 1; same skeleton → [`SIM_SKELETON`] (transliteration or
/// spelling variant); nickname-equivalent given names → [`SIM_NICKNAME`];
/// an initial against a name → [`SIM_INITIAL`]; otherwise the stretched
/// Jaro-Winkler of the folded forms or of the skeletons, whichever is higher.
pub(crate) fn token_similarity(a: &Tok, b: &Tok, given_names: bool) -> (f64, Comparison) {
    if a.folded == b.folded {
        return (1.0, Comparison::Exact);
    }
    if a.skel == b.skel && !a.skel.is_empty() {
        return (SIM_SKELETON, Comparison::Transliteration);
    }
    if given_names && a.groups.iter().any(|g| b.groups.contains(g)) {
        return (SIM_NICKNAME, Comparison::Nickname);
    }
    let (la, lb) = (a.folded.len(), b.folded.len());
    if (la == 1 || lb == 1) && a.folded.chars().next() == b.folded.chars().next() {
        return (SIM_INITIAL, Comparison::Initial);
    }
    if la == 1 || lb == 1 {
        return (0.0, Comparison::Mismatch);
    }
    let mut jw = jaro_winkler(&a.folded, &b.folded);
    if jw < 1.0 && (a.skel != a.folded || b.skel != b.folded) {
        jw = jw.max(jaro_winkler(&a.skel, &b.skel));
    }
    let s = stretch(jw);
    (s, if s > 0.0 { Comparison::Fuzzy } else { Comparison::Mismatch })
}

/// Ranks comparisons from the most to the least telling, so that a
/// combined comparison reports its most notable part.
fn rank(c: Comparison) -> u8 {
    match c {
        Comparison::Mismatch => 0,
        Comparison::Fuzzy => 1,
        Comparison::Initial => 2,
        Comparison::Nickname => 3,
        Comparison::Transliteration => 4,
        Comparison::TokenSet => 5,
        Comparison::Swapped => 6,
        _ => 7,
    }
}

fn weaker(a: Comparison, b: Comparison) -> Comparison {
    if rank(a) <= rank(b) { a } else { b }
}

/// Order-free soft comparison of two token lists: each token of the shorter
/// list is paired greedily with its best unused partner in the longer one;
/// the mean of those similarities is reduced by [`EXTRA_TOKEN_PENALTY`] per
/// token of the longer list left over.
fn soft_token_set(a: &[Tok], b: &[Tok], given_names: bool) -> (f64, Comparison) {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return (0.0, Comparison::Mismatch);
    }
    let mut used_small = [false; 16];
    let mut used_large = Vec::new();
    let used: &mut [bool] = if long.len() <= used_small.len() {
        &mut used_small[..long.len()]
    } else {
        used_large.resize(long.len(), false);
        &mut used_large
    };
    let mut sum = 0.0;
    let mut comparison = Comparison::Exact;
    for s in short {
        let mut best = (0.0, Comparison::Mismatch, usize::MAX);
        for (j, l) in long.iter().enumerate() {
            if used.get(j).copied().unwrap_or(true) {
                continue;
            }
            let (sim, c) = token_similarity(s, l, given_names);
            if sim > best.0 {
                best = (sim, c, j);
            }
        }
        if let Some(u) = used.get_mut(best.2) {
            *u = true;
        }
        sum += best.0;
        comparison = weaker(comparison, best.1);
    }
    let extra = (long.len() - short.len()) as f64;
    let sim = (sum / short.len() as f64 - EXTRA_TOKEN_PENALTY * extra).max(0.0);
    (sim, comparison)
}

/// Compares one name part (given or family) that may hold several tokens.
fn part_similarity(a: &[Tok], b: &[Tok], given_names: bool) -> (f64, Comparison) {
    match (a, b) {
        ([x], [y]) => token_similarity(x, y, given_names),
        _ => {
            let (mut sim, mut c) = soft_token_set(a, b, given_names);
            // "Anne-Marie" vs "Annemarie", "Van Dijk" vs "Vandijk".
            if sim < 0.99 && a.len() != b.len() {
                let ja = a.iter().flat_map(|t| t.folded.bytes());
                let jb = b.iter().flat_map(|t| t.folded.bytes());
                if ja.eq(jb) {
                    sim = 0.99;
                    c = Comparison::Exact;
                }
            }
            (sim, c)
        }
    }
}

/// Person name similarity and how it was reached.
///
/// With given and family names on both sides the result is the best of:
/// the direct pairing, the swapped pairing (given against family, times
/// [`SWAP_FACTOR`]), and an order-free comparison of all tokens (times
/// [`TOKEN_SET_FACTOR`]). A pairing combines its parts by geometric mean,
/// so a clear disagreement on either part sinks it. Without parts on one
/// side (a display name only) the order-free comparison is used.
pub(crate) fn person_name_similarity(a: &Prepared, b: &Prepared) -> (f64, Comparison) {
    let mut best = (0.0, Comparison::Mismatch);
    let consider = |best: &mut (f64, Comparison), sim: f64, c: Comparison| {
        if sim > best.0 {
            *best = (sim, c);
        }
    };
    let parts = !a.given.is_empty() && !a.family.is_empty() && !b.given.is_empty() && !b.family.is_empty();
    if parts {
        let (g, cg) = part_similarity(&a.given, &b.given, true);
        let (f, cf) = part_similarity(&a.family, &b.family, false);
        consider(&mut best, (g * f).sqrt(), weaker(cg, cf));
        if best.0 < SWAP_FACTOR {
            let (g2, _) = part_similarity(&a.given, &b.family, true);
            if g2 > 0.0 {
                let (f2, _) = part_similarity(&a.family, &b.given, true);
                consider(&mut best, (g2 * f2).sqrt() * SWAP_FACTOR, Comparison::Swapped);
            }
        }
        if best.0 < 0.999 && (a.all.len() > 2 || b.all.len() > 2) {
            let (s, _) = soft_token_set(&a.all, &b.all, true);
            consider(&mut best, s * TOKEN_SET_FACTOR, Comparison::TokenSet);
        }
    } else if !a.all.is_empty() && !b.all.is_empty() {
        let (s, c) = soft_token_set(&a.all, &b.all, true);
        let c = if c == Comparison::Exact && a.all.len() != b.all.len() { Comparison::TokenSet } else { c };
        // A single surname against a full name says little.
        let penalty = if a.all.len() == 1 || b.all.len() == 1 { 0.85 } else { 1.0 };
        consider(&mut best, s * penalty, c);
    }
    best
}

/// Organization name similarity: legal forms and filler words removed,
/// then each side's tokens matched softly against the other's, and the
/// lower of the two coverages kept, so that an extra distinguishing word
/// ("Nordic Trade" vs "Nordic Trade Group") costs a third of the score.
/// When higher, the normalized Levenshtein similarity of the whole names
/// (skeletons without spaces, legal forms kept), stretched above
/// [`ORG_LEV_FLOOR`], is used instead.
pub(crate) fn org_name_similarity(a: &Prepared, b: &Prepared) -> (f64, Comparison) {
    if a.org.is_empty() || b.org.is_empty() {
        return (0.0, Comparison::Mismatch);
    }
    let exact = a.org.len() == b.org.len() && a.org.iter().zip(&b.org).all(|(x, y)| x.folded == y.folded);
    if exact {
        return (1.0, Comparison::Exact);
    }
    // `sort_key` of an organization is its skeleton without legal forms.
    if a.sort_key == b.sort_key {
        return (SIM_SKELETON, Comparison::Transliteration);
    }
    let coverage = |x: &[Tok], y: &[Tok]| -> (f64, Comparison) {
        let mut sum = 0.0;
        let mut c = Comparison::Exact;
        for t in x {
            let mut best = (0.0, Comparison::Mismatch);
            for u in y {
                let r = token_similarity(t, u, false);
                if r.0 > best.0 {
                    best = r;
                }
            }
            sum += best.0;
            c = weaker(c, best.1);
        }
        (sum / x.len() as f64, c)
    };
    let (sa, ca) = coverage(&a.org, &b.org);
    let (sb, cb) = coverage(&b.org, &a.org);
    let c = if a.org.len() != b.org.len() { Comparison::TokenSet } else { weaker(ca, cb) };
    let tokens = sa.min(sb);
    if tokens >= 0.95 {
        return (tokens, c);
    }
    // Typos that split or merge words, or hit the legal form, defeat the
    // token comparison; the edit distance of the whole name does not.
    let (la, lb) = (a.org_concat.len(), b.org_concat.len());
    let length_bound = la.min(lb) as f64 / la.max(lb).max(1) as f64;
    let whole = if length_bound <= ORG_LEV_FLOOR.max(tokens) {
        0.0
    } else {
        ((normalized_levenshtein(&a.org_concat, &b.org_concat) - ORG_LEV_FLOOR) / (1.0 - ORG_LEV_FLOOR)).clamp(0.0, 1.0)
    };
    if whole > tokens { (whole, Comparison::Fuzzy) } else { (tokens, c) }
}

/// Best e-mail agreement: exact normalized address, or equal under
/// [`weak_email`]. Returns the similarity, the comparison and whether the
/// shared address is a role address (`info@`).
fn email_similarity(a: &Prepared, b: &Prepared) -> (f64, Comparison, bool) {
    if let Some(shared) = a.emails.iter().find(|e| b.emails.contains(e)) {
        let generic = is_generic_email(shared);
        return (1.0, Comparison::Exact, generic);
    }
    if a.weak_emails.iter().any(|e| b.weak_emails.contains(e)) {
        return (1.0, Comparison::Weak, false);
    }
    (0.0, Comparison::Mismatch, false)
}

/// Address similarity: equal lines → 1; otherwise `0.6 × words + 0.4 ×
/// numbers`, the Dice coefficient of the word skeletons and the Jaccard
/// index of the number tokens (house, flat, postcode), or `0.8 × words`
/// when one side has no number.
fn address_similarity(a: &Addr, b: &Addr) -> (f64, Comparison) {
    if a.line == b.line {
        return (1.0, Comparison::Exact);
    }
    let words = if a.words.is_empty() || b.words.is_empty() {
        0.0
    } else {
        // Dice coefficient over word skeletons: addresses differ by
        // formatting far more often than by typos, and this is cheap.
        let shared = a.words.iter().filter(|w| b.words.iter().any(|v| v.skel == w.skel)).count() as f64;
        (2.0 * shared / (a.words.len() + b.words.len()) as f64).min(1.0)
    };
    let sim = if a.numbers.is_empty() || b.numbers.is_empty() {
        words * 0.8
    } else {
        let shared = a.numbers.iter().filter(|n| b.numbers.contains(n)).count() as f64;
        let union = (a.numbers.len() + b.numbers.len()) as f64 - shared;
        let numbers = if union > 0.0 { shared / union } else { 0.0 };
        0.6 * words + 0.4 * numbers
    };
    (sim, if sim > 0.0 { Comparison::Fuzzy } else { Comparison::Mismatch })
}

/// Birth-date comparison: equal → 1; day and month swapped → 0.8; one
/// digit of `YYYYMMDD` wrong, or two adjacent digits transposed → 0.7;
/// otherwise 0.
pub(crate) fn birth_date_similarity(a: NaiveDate, b: NaiveDate) -> (f64, Comparison) {
    use chrono::Datelike;
    if a == b {
        return (1.0, Comparison::Exact);
    }
    if a.year() == b.year() && a.day() == b.month() && a.month() == b.day() {
        return (0.8, Comparison::NearDate);
    }
    let (da, db) = (date_digits(a), date_digits(b));
    let diff: Vec<usize> = (0..8).filter(|&i| da[i] != db[i]).collect();
    let near = match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && da[*i] == db[*j] && da[*j] == db[*i],
        _ => false,
    };
    if near { (0.7, Comparison::NearDate) } else { (0.0, Comparison::Mismatch) }
}

/// Effective weight of a comparison: the disagreement weight at similarity
/// 0 rising linearly to the agreement weight at similarity 1.
fn effective_weight(sim: f64, agree: f64, disagree: f64) -> f64 {
    disagree + (agree - disagree) * sim
}

/// Scores two prepared records of the same kind with `rules`; see the
/// module documentation of [`super`] for the formula.
pub(crate) fn score_prepared(a: &Prepared, b: &Prepared, rules: &KindRules) -> MatchResult {
    let mut reasons: Vec<Reason> = Vec::with_capacity(6);
    if a.kind != b.kind {
        return MatchResult { score: 0.0, is_match: false, reasons };
    }
    let mut push = |field: Field, sim: f64, comparison: Comparison, agree: f64, disagree: f64| {
        let weight = effective_weight(sim, agree, disagree);
        if weight > 0.0 {
            reasons.push(Reason { field, comparison, similarity: sim, weight });
        }
    };

    let name = if a.kind == PartyKind::Organization { org_name_similarity(a, b) } else { person_name_similarity(a, b) };
    let names_present = if a.kind == PartyKind::Organization {
        !a.org.is_empty() && !b.org.is_empty()
    } else {
        !a.all.is_empty() && !b.all.is_empty()
    };
    if names_present {
        push(Field::Name, name.0, name.1, rules.name.agree, rules.name.disagree);
    }

    // An exact agreement of a personal identifier relaxes the name gate.
    let mut personal_agreement = false;
    if !a.emails.is_empty() && !b.emails.is_empty() {
        let (sim, c, generic) = email_similarity(a, b);
        personal_agreement |= sim >= 1.0 && c == Comparison::Exact && !generic;
        let (mut agree, disagree) = (rules.email.agree, rules.email.disagree);
        let c = if generic {
            agree *= rules.generic_email_factor;
            Comparison::Generic
        } else if c == Comparison::Weak {
            agree *= rules.weak_email_factor;
            c
        } else {
            c
        };
        push(Field::Email, sim, c, agree, disagree.min(agree));
    }
    if !a.phones.is_empty() && !b.phones.is_empty() {
        let shared = a.phones.iter().any(|p| b.phones.contains(p));
        let (sim, c) = if shared { (1.0, Comparison::Exact) } else { (0.0, Comparison::Mismatch) };
        push(Field::Phone, sim, c, rules.phone.agree, rules.phone.disagree);
    }
    if let (Some(va), Some(vb)) = (&a.vat, &b.vat) {
        let (sim, c) = if va == vb { (1.0, Comparison::Exact) } else { (0.0, Comparison::Mismatch) };
        personal_agreement |= sim >= 1.0;
        push(Field::Vat, sim, c, rules.vat.agree, rules.vat.disagree);
    }
    if !a.addresses.is_empty() && !b.addresses.is_empty() {
        let mut best = (0.0, Comparison::Mismatch);
        for x in &a.addresses {
            for y in &b.addresses {
                let r = address_similarity(x, y);
                if r.0 > best.0 {
                    best = r;
                }
            }
        }
        push(Field::Address, best.0, best.1, rules.address.agree, rules.address.disagree);
    }
    if let (Some(da), Some(db)) = (a.birth_date, b.birth_date) {
        let (sim, c) = birth_date_similarity(da, db);
        personal_agreement |= sim >= 1.0;
        push(Field::BirthDate, sim, c, rules.birth_date.agree, rules.birth_date.disagree);
    }

    let (num, den) = reasons.iter().fold((0.0, 0.0), |(n, d), r| (n + r.weight * r.similarity, d + r.weight));
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    // Name gate: shared identifiers never carry two clearly different names.
    let gate = if personal_agreement {
        rules.min_name_similarity.min(rules.relaxed_name_similarity)
    } else {
        rules.min_name_similarity
    };
    let gated = names_present && name.0 < gate;
    if gated {
        score = score.min(name.0);
    }
    // One field alone is too little evidence, however well it agrees.
    let enough = den >= rules.min_evidence_weight;
    let is_match = !gated && enough && score >= rules.threshold;
    MatchResult { score, is_match, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(s: &str) -> Tok {
        Tok::new(&fold_name(s))
    }

    #[test]
    fn tokens() {
        assert_eq!(token_similarity(&tok("Иванов"), &tok("Ivanov"), false).0, 1.0);
        let (s, c) = token_similarity(&tok("Dmitriy"), &tok("Дмитрий"), true);
        assert_eq!((s, c), (SIM_SKELETON, Comparison::Transliteration));
        let (s, c) = token_similarity(&tok("Bill"), &tok("William"), true);
        assert_eq!((s, c), (SIM_NICKNAME, Comparison::Nickname));
        let (s, _) = token_similarity(&tok("Kowalski"), &tok("Kowalsky"), false);
        assert!(s > 0.8, "{s}");
        let (s, _) = token_similarity(&tok("Anna"), &tok("Maria"), true);
        assert!(s < 0.3, "{s}");
    }

    #[test]
    fn dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(birth_date_similarity(d(1980, 3, 7), d(1980, 7, 3)).0, 0.8);
        assert_eq!(birth_date_similarity(d(1980, 3, 7), d(1981, 3, 7)).0, 0.7);
        assert_eq!(birth_date_similarity(d(1980, 3, 12), d(1980, 3, 21)).0, 0.7);
        assert_eq!(birth_date_similarity(d(1980, 3, 7), d(1975, 11, 20)).0, 0.0);
    }
}
