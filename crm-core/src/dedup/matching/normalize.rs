//! Normalization of party fields into comparable forms.
//!
//! Every function here is pure and total: dirty input yields `None` (or an
//! empty string) rather than an error, because duplicate detection must keep
//! working on the data a CRM really holds. The one exception is
//! [`parse_birth_date`], which a caller uses on user input and which reports a
//! [`DedupError::Validation`].
//!
//! # Name folding
//!
//! [`fold_name`] turns a name into lower-case ASCII tokens separated by one
//! space:
//!
//! * Nordic and German letters that carry meaning are expanded first:
//!   `æ → ae`, `ø → oe`, `å → aa`, `ß → ss`, `œ → oe`, `þ → th`, `ł → l`,
//!   `đ`/`ð → d`, `ı → i`.
//! * Cyrillic is transliterated with a passport-style scheme close to
//!   ICAO 9303 (`ж → zh`, `х → kh`, `ц → ts`, `ч → ch`, `ш → sh`,
//!   `щ → shch`, `ю → iu`, `я → ia`, `й → i`, `ы → y`, `ь` dropped), with
//!   Bulgarian `ъ → a`, Ukrainian `і ї є ґ` and Serbian/Macedonian `ђ ј љ њ ћ џ`.
//! * Greek is transliterated letter by letter (`θ → th`, `χ → ch`, `ψ → ps`,
//!   `η → i`, `υ → y`, `ω → o` …), with the digraphs `ου → ou`,
//!   `αυ → av`, `ευ → ev`.
//! * Everything else goes through Unicode NFKD and loses its combining marks,
//!   so Latvian `ā ē ī ū č š ž ģ ķ ļ ņ`, Polish `ą ę ś ź ż ń ó ć`, French
//!   accents and German umlauts become their base letters.
//! * Anything that is not a letter or a digit separates tokens.
//!
//! [`name_skeleton`] goes one step further and removes the spelling
//! differences between transliteration schemes (`Dmitrij`, `Dmitriy`,
//! `Dmitry` and the folded `Дмитрий` all give `dmitri`), and
//! [`phonetic_key`] reduces a skeleton to a short consonant key used for
//! blocking (`Ivanov`, `Ivanova` and `Иванов` all give `ivnv`).

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::DedupError;

/// Transliteration of one lower-case Cyrillic letter, or `None` when `c` is
/// not one.
fn cyrillic(c: char) -> Option<&'static str> {
    let s = match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        // Bulgarian uses ъ as a vowel; in Russian names it is all but absent.
        'ъ' => "a",
        'ы' => "y",
        'ь' => "",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        // Ukrainian and Belarusian.
        'і' => "i",
        'ї' => "i",
        'є' => "ie",
        'ґ' => "g",
        'ў' => "u",
        // Serbian and Macedonian.
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' => "dz",
        'ѓ' => "gj",
        'ќ' => "kj",
        'ѕ' => "dz",
        _ => return None,
    };
    Some(s)
}

/// Transliteration of one lower-case Greek letter without accents, or `None`.
fn greek(c: char) -> Option<&'static str> {
    let s = match c {
        'α' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' => "e",
        'ζ' => "z",
        'η' => "i",
        'θ' => "th",
        'ι' => "i",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        'ω' => "o",
        _ => return None,
    };
    Some(s)
}

/// Letters whose meaning NFKD would lose or cannot reach.
fn special_latin(c: char) -> Option<&'static str> {
    let s = match c {
        'æ' => "ae",
        'ø' => "oe",
        'å' => "aa",
        'ß' => "ss",
        'œ' => "oe",
        'þ' => "th",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'ı' => "i",
        'ŀ' => "l",
        _ => return None,
    };
    Some(s)
}

/// Pushes `c` (already lower-case, without combining marks) to `out`,
/// transliterating it when needed, or a token separator when it is neither a
/// letter nor a digit.
fn push_folded(out: &mut String, c: char) {
    if c == 'υ' {
        // Greek digraphs: ου → ou, αυ → av, ευ → ev.
        let t = match out.chars().last() {
            Some('o') => 'u',
            Some('a' | 'e') => 'v',
            _ => 'y',
        };
        out.push(t);
    } else if let Some(s) = cyrillic(c).or_else(|| greek(c)).or_else(|| special_latin(c)) {
        out.push_str(s);
    } else if c.is_ascii_alphanumeric() {
        out.push(c);
    } else if c.is_alphanumeric() {
        // A letter of another script: keep it, it still compares exactly.
        out.push(c);
    } else {
        out.push(' ');
    }
}

/// Folds a name for comparison: lower-case ASCII tokens separated by single
/// spaces (see the module documentation for the exact rules).
///
/// ```
/// use crm_core::dedup::matching::normalize::fold_name;
/// assert_eq!(fold_name("Иванов"), "ivanov");
/// assert_eq!(fold_name("Jānis  Bērziņš"), "janis berzins");
/// assert_eq!(fold_name("Bjørn Ærø-Sæther"), "bjoern aeroe saether");
/// assert_eq!(fold_name("Straße"), "strasse");
/// ```
pub fn fold_name(input: &str) -> String {
    let mut raw = String::with_capacity(input.len() + 8);
    for upper in input.chars() {
        for c in upper.to_lowercase() {
            if let Some(s) = cyrillic(c).or_else(|| special_latin(c)) {
                raw.push_str(s);
                continue;
            }
            for d in std::iter::once(c).nfkd() {
                if is_combining_mark(d) {
                    continue;
                }
                for l in d.to_lowercase() {
                    push_folded(&mut raw, l);
                }
            }
        }
    }
    let mut out = String::with_capacity(raw.len());
    for token in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

/// Splits a folded name into its tokens.
pub fn name_tokens(input: &str) -> Vec<String> {
    fold_name(input).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// Reduces one folded token to a spelling skeleton that absorbs the usual
/// differences between transliteration schemes and spelling habits.
///
/// Rules, in order: `shch`/`sch`→`s`, `zh`→`z`, `kh`→`h`, `ts`/`tz`→`c`,
/// `ch`/`sh`→`c`/`s`, `ph`→`f`, `ck`/`q`→`k`, `x`→`ks`, `w`→`v`, `j`/`y`→`i`,
/// a leading `ie` becomes `e` (Jelena, Yelena, Elena), and runs of one letter
/// collapse to one.
///
/// ```
/// use crm_core::dedup::matching::normalize::{fold_name, name_skeleton};
/// let forms = ["Dmitrij", "Dmitriy", "Dmitry", "Дмитрий"];
/// for f in forms {
///     assert_eq!(name_skeleton(&fold_name(f)), "dmitri");
/// }
/// assert_eq!(name_skeleton("jekaterina"), name_skeleton("ekaterina"));
/// ```
pub fn name_skeleton(folded_token: &str) -> String {
    let b = folded_token.as_bytes();
    let mut tmp: Vec<u8> = Vec::with_capacity(b.len() + 2);
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"shch") {
            tmp.push(b's');
            i += 4;
        } else if rest.starts_with(b"sch") {
            tmp.push(b's');
            i += 3;
        } else if rest.starts_with(b"zh") {
            tmp.push(b'z');
            i += 2;
        } else if rest.starts_with(b"kh") {
            tmp.push(b'h');
            i += 2;
        } else if rest.starts_with(b"ts") || rest.starts_with(b"tz") || rest.starts_with(b"ch") {
            tmp.push(b'c');
            i += 2;
        } else if rest.starts_with(b"sh") {
            tmp.push(b's');
            i += 2;
        } else if rest.starts_with(b"ph") {
            tmp.push(b'f');
            i += 2;
        } else if rest.starts_with(b"ck") {
            tmp.push(b'k');
            i += 2;
        } else {
            match b[i] {
                b'q' => tmp.push(b'k'),
                b'x' => tmp.extend_from_slice(b"ks"),
                b'w' => tmp.push(b'v'),
                b'j' | b'y' => tmp.push(b'i'),
                other => tmp.push(other),
            }
            i += 1;
        }
    }
    if tmp.starts_with(b"ie") && tmp.len() > 3 {
        tmp.remove(0);
    }
    tmp.dedup();
    String::from_utf8_lossy(&tmp).into_owned()
}

/// A short phonetic key of a folded token for blocking: the first letter of
/// its [`name_skeleton`], then its consonants (vowels and `h` dropped, runs
/// collapsed), at most `6` letters in all.
///
/// ```
/// use crm_core::dedup::matching::normalize::{fold_name, phonetic_key};
/// assert_eq!(phonetic_key(&fold_name("Иванов")), "ivnv");
/// assert_eq!(phonetic_key("ivanova"), "ivnv");
/// assert_eq!(phonetic_key("petrova"), phonetic_key("petrov"));
/// ```
pub fn phonetic_key(folded_token: &str) -> String {
    let skel = name_skeleton(folded_token);
    let mut out = String::with_capacity(6);
    let mut last: Option<char> = None;
    for (i, c) in skel.chars().enumerate() {
        let keep = i == 0 || !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'h');
        if keep && last != Some(c) {
            out.push(c);
            if out.len() >= 6 {
                break;
            }
        }
        if keep {
            last = Some(c);
        }
    }
    out
}

/// Normalizes an e-mail address: trimmed and lower-cased, `None` unless it
/// has exactly one `@` with text on both sides.
///
/// ```
/// use crm_core::dedup::matching::normalize::normalize_email;
/// assert_eq!(normalize_email(" Anna.Berg@Example.COM ").as_deref(), Some("anna.berg@example.com"));
/// assert_eq!(normalize_email("not-an-address"), None);
/// ```
pub fn normalize_email(input: &str) -> Option<String> {
    let s = input.trim().to_lowercase();
    let (local, domain) = s.split_once('@')?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') || s.contains(' ') {
        return None;
    }
    Some(s)
}

/// A weaker, provider-style fold of an already [normalized](normalize_email)
/// address: a `+tag` is dropped from the local part for every domain, and
/// for Gmail (`gmail.com`, `googlemail.com`) the dots of the local part are
/// dropped and the domain becomes `gmail.com`.
///
/// Two different addresses with one weak fold are a weak signal only: many
/// providers treat dots as significant.
///
/// ```
/// use crm_core::dedup::matching::normalize::weak_email;
/// assert_eq!(weak_email("j.o.hn+crm@googlemail.com"), "john@gmail.com");
/// assert_eq!(weak_email("anna+news@firm.no"), "anna@firm.no");
/// ```
pub fn weak_email(normalized: &str) -> String {
    let Some((local, domain)) = normalized.split_once('@') else {
        return normalized.to_owned();
    };
    let local = local.split('+').next().unwrap_or(local);
    if domain == "gmail.com" || domain == "googlemail.com" {
        let local: String = local.chars().filter(|c| *c != '.').collect();
        format!("{local}@gmail.com")
    } else {
        format!("{local}@{domain}")
    }
}

/// Local parts that name a function rather than a person (`info@`,
/// `post@`, `sales@` …). Such an address is shared by the staff of a firm.
const GENERIC_LOCAL_PARTS: &[&str] = &[
    "info",
    "office",
    "post",
    "postmottak",
    "mail",
    "email",
    "contact",
    "kontakt",
    "kontor",
    "hello",
    "hallo",
    "sales",
    "salg",
    "support",
    "service",
    "admin",
    "billing",
    "invoice",
    "faktura",
    "accounts",
    "accounting",
    "team",
    "reception",
    "birojs",
    "pasts",
    "biuro",
    "bureau",
    "noreply",
    "no-reply",
    "webmaster",
    "hr",
    "jobs",
    "orders",
];

/// Whether a normalized address is a role address such as `info@firm.lv`.
///
/// ```
/// use crm_core::dedup::matching::normalize::is_generic_email;
/// assert!(is_generic_email("info@nordictrade.no"));
/// assert!(!is_generic_email("anna.berg@nordictrade.no"));
/// ```
pub fn is_generic_email(normalized: &str) -> bool {
    match normalized.split_once('@') {
        Some((local, _)) => {
            let local = local.split('+').next().unwrap_or(local);
            GENERIC_LOCAL_PARTS.contains(&local)
        }
        None => false,
    }
}

/// Normalizes a phone number to E.164 (`+` and 8 to 15 digits).
///
/// Separators (spaces, dots, dashes, brackets) are removed, and a leading
/// `00` becomes `+`. A number without a country code cannot be placed and
/// gives `None`.
///
/// ```
/// use crm_core::dedup::matching::normalize::normalize_phone;
/// assert_eq!(normalize_phone("+47 912 34 567").as_deref(), Some("+4791234567"));
/// assert_eq!(normalize_phone("00371-2912-3456").as_deref(), Some("+37129123456"));
/// assert_eq!(normalize_phone("912 34 567"), None);
/// ```
pub fn normalize_phone(input: &str) -> Option<String> {
    let t = input.trim();
    let (had_plus, rest) = if let Some(r) = t.strip_prefix('+') {
        (true, r)
    } else if let Some(r) = t.strip_prefix("00") {
        (true, r)
    } else {
        (false, t)
    };
    if !had_plus {
        return None;
    }
    let mut digits = String::with_capacity(16);
    digits.push('+');
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}') {
            return None;
        }
    }
    let n = digits.len() - 1;
    if (8..=15).contains(&n) && !digits[1..].starts_with('0') { Some(digits) } else { None }
}

/// Normalizes a VAT or company registration number to upper-case ASCII
/// letters and digits (`"no 912 345 678 mva"` → `"NO912345678MVA"`); `None`
/// when fewer than 5 characters remain.
pub fn normalize_vat(input: &str) -> Option<String> {
    let s: String = input.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    if s.len() >= 5 { Some(s) } else { None }
}

/// The core of a normalized VAT number: without a leading two-letter
/// country prefix and without the Norwegian `MVA` suffix, so that
/// `NO912345678MVA` and `912345678` compare equal.
pub fn vat_core(normalized: &str) -> &str {
    let b = normalized.as_bytes();
    let mut s = normalized;
    if b.len() > 4 && b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic() && b[2].is_ascii_digit() {
        s = &s[2..];
    }
    if let Some(stripped) = s.strip_suffix("MVA")
        && !stripped.is_empty()
    {
        s = stripped;
    }
    s
}

/// Street-type and other abbreviations expanded in addresses, after
/// folding. A modest list for the languages of our customers.
const ADDRESS_ABBREVIATIONS: &[(&str, &str)] = &[
    ("st", "street"),
    ("str", "strasse"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("blvd", "boulevard"),
    ("ln", "lane"),
    ("sq", "square"),
    ("gt", "gate"),
    ("vn", "veien"),
    ("vei", "veien"),
    ("pl", "plass"),
    ("iel", "iela"),
    ("ul", "ulica"),
    ("al", "aleja"),
    ("bd", "boulevard"),
    ("bul", "bulevard"),
    ("pr", "prospekt"),
    ("r", "rue"),
    ("apt", "apartment"),
    ("dz", "dzivoklis"),
    ("no", "nr"),
];

/// Normalizes an address to one folded line: [`fold_name`] rules, common
/// abbreviations expanded (`str.` → `strasse`, `gt.` → `gate`, `iel.` →
/// `iela`, `ul.` → `ulica` …), and a street type glued to its name
/// (`Haupt Strasse` and `Hauptstraße` both give `hauptstrasse`).
///
/// ```
/// use crm_core::dedup::matching::normalize::normalize_address;
/// assert_eq!(normalize_address("Hauptstr. 5, 10115 Berlin"), "hauptstrasse 5 10115 berlin");
/// assert_eq!(normalize_address("Brīvības iel. 12-3, Rīga"), "brivibas iela 12 3 riga");
/// ```
pub fn normalize_address(input: &str) -> String {
    let folded = fold_name(input);
    let mut tokens: Vec<String> = Vec::new();
    for t in folded.split(' ').filter(|t| !t.is_empty()) {
        let expanded = ADDRESS_ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == t).map_or(t, |(_, full)| *full);
        // "hauptstr" → "hauptstrasse", "storgt" → "storgate".
        let mut word = expanded.to_owned();
        for (suffix, full) in [("str", "strasse"), ("gt", "gate"), ("vn", "veien")] {
            if word.len() > suffix.len() + 2 && word.ends_with(suffix) {
                word.truncate(word.len() - suffix.len());
                word.push_str(full);
                break;
            }
        }
        let glue = matches!(word.as_str(), "strasse" | "gate" | "veien" | "gasse" | "weg")
            && tokens.last().is_some_and(|p| p.chars().all(char::is_alphabetic));
        if glue && let Some(prev) = tokens.last_mut() {
            prev.push_str(&word);
            continue;
        }
        tokens.push(word);
    }
    tokens.join(" ")
}

/// Parses a birth date given as `YYYY-MM-DD`, `YYYYMMDD`, `DD.MM.YYYY` or
/// `DD/MM/YYYY` (day first, the European order).
///
/// # Errors
///
/// [`DedupError::Validation`] with field `birth_date` when the text is none
/// of these forms, is not a calendar date, or lies outside 1850–2200.
///
/// ```
/// use crm_core::dedup::matching::normalize::parse_birth_date;
/// let d = parse_birth_date("07.03.1981")?;
/// assert_eq!(d.to_string(), "1981-03-07");
/// assert!(parse_birth_date("31.02.1981").is_err());
/// # Ok::<(), crm_core::dedup::matching::DedupError>(())
/// ```
pub fn parse_birth_date(input: &str) -> Result<NaiveDate, DedupError> {
    let t = input.trim();
    let invalid =
        |reason: &str| DedupError::Validation { field: "birth_date".to_owned(), reason: format!("{reason}: {t:?}") };
    let nums: Vec<&str> = t.split(['-', '.', '/', ' ']).filter(|p| !p.is_empty()).collect();
    let parse = |s: &str| s.parse::<u32>().map_err(|_| invalid("not a number"));
    let (y, m, d) = match nums.as_slice() {
        [one] if one.len() == 8 => (parse(&one[0..4])?, parse(&one[4..6])?, parse(&one[6..8])?),
        [a, b, c] if a.len() == 4 => (parse(a)?, parse(b)?, parse(c)?),
        [a, b, c] if c.len() == 4 => (parse(c)?, parse(b)?, parse(a)?),
        _ => return Err(invalid("unrecognized date format")),
    };
    let year = i32::try_from(y).map_err(|_| invalid("year out of range"))?;
    if !(1850..=2200).contains(&year) {
        return Err(invalid("year out of range"));
    }
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| invalid("not a calendar date"))
}

/// The eight digits `YYYYMMDD` of a date, for digit-level comparison.
pub(crate) fn date_digits(d: NaiveDate) -> [u8; 8] {
    let s = format!("{:04}{:02}{:02}", d.year().clamp(0, 9999), d.month(), d.day());
    let mut out = [0u8; 8];
    for (o, b) in out.iter_mut().zip(s.bytes()) {
        *o = b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_scripts() {
        assert_eq!(fold_name("Петрова"), "petrova");
        assert_eq!(fold_name("Дмитрий Иванов"), "dmitrii ivanov");
        assert_eq!(fold_name("Γιώργος Παπαδόπουλος"), "giorgos papadopoulos");
        assert_eq!(fold_name("Łukasz Wójcik"), "lukasz wojcik");
        assert_eq!(fold_name("François  d'Aubigné"), "francois d aubigne");
        assert_eq!(fold_name("Ģirts Ķēniņš"), "girts kenins");
        assert_eq!(fold_name("Ålesund"), "aalesund");
        assert_eq!(fold_name("Янчев Ъглов"), "ianchev aglov");
    }

    #[test]
    fn skeletons_merge_transliterations() {
        for (a, b) in [
            ("Юлия", "Julia"),
            ("Юлия", "Yulia"),
            ("Александр", "Aleksandr"),
            ("Александр", "Alexandr"),
            ("Щукин", "Shchukin"),
            ("Хрущёв", "Khrushchev"),
            ("Елена", "Jelena"),
            ("Елена", "Yelena"),
        ] {
            let fa = fold_name(a);
            let fb = fold_name(b);
            assert_eq!(name_skeleton(&fa), name_skeleton(&fb), "{a} vs {b}");
        }
    }

    #[test]
    fn phones_and_vat() {
        assert_eq!(normalize_phone("+44 (20) 7946-0958").as_deref(), Some("+442079460958"));
        assert_eq!(normalize_phone("+12"), None);
        assert_eq!(normalize_phone("+47 abc"), None);
        assert_eq!(normalize_vat("lv 4000-3012345").as_deref(), Some("LV40003012345"));
        assert_eq!(vat_core("NO912345678MVA"), "912345678");
        assert_eq!(vat_core("912345678"), "912345678");
        assert_eq!(vat_core("DE123456789"), "123456789");
    }

    #[test]
    fn dates() {
        assert!(parse_birth_date("1981-03-07").is_ok());
        assert!(parse_birth_date("19810307").is_ok());
        assert!(parse_birth_date("07/03/1981").is_ok());
        assert!(parse_birth_date("1700-01-01").is_err());
        assert!(parse_birth_date("yesterday").is_err());
        let d = NaiveDate::from_ymd_opt(1981, 3, 7);
        assert_eq!(d.map(date_digits), Some(*b"19810307"));
    }
}
