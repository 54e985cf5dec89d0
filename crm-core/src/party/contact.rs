//! Contact points: emails, phones, postal addresses, web sites and social
//! identities, validated and normalized on every write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The kind of a contact point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// An email address.
    Email,
    /// A phone number (E.164).
    Phone,
    /// A postal address.
    Address,
    /// A web site.
    Web,
    /// An identity on a social network.
    Social,
}

impl ContactKind {
    /// The name stored and shown: "email", "phone", ….
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Email => "email",
            ContactKind::Phone => "phone",
            ContactKind::Address => "address",
            ContactKind::Web => "web",
            ContactKind::Social => "social",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ContactKind> {
        Some(match s {
            "email" => ContactKind::Email,
            "phone" => ContactKind::Phone,
            "address" => ContactKind::Address,
            "web" => ContactKind::Web,
            "social" => ContactKind::Social,
            _ => return None,
        })
    }
}

/// A structured postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostalAddress {
    /// Street and number.
    pub street: Option<String>,
    /// A second address line (building, floor, c/o).
    pub street2: Option<String>,
    /// City or town.
    pub city: Option<String>,
    /// State, province, county.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code ("LV", "NO"); alpha-3 is accepted
    /// on input and stored as alpha-2.
    pub country: String,
}

/// What a contact point holds; the `kind` tag selects the variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContactValue {
    /// An email address, stored lower-case.
    Email {
        /// The address.
        address: String,
    },
    /// A phone number, stored in E.164 (`+37120000001`).
    Phone {
        /// The number; any common written form on input.
        number: String,
        /// On input, the region to read a number without `+country` in
        /// (defaults to the base's default region); on output, the region
        /// the number belongs to.
        #[serde(default)]
        region: Option<String>,
    },
    /// A postal address.
    Address(PostalAddress),
    /// A web site (http or https).
    Web {
        /// The URL; `https://` is assumed when no scheme is given.
        url: String,
    },
    /// An identity on a social network.
    Social {
        /// The network, lower-case ("linkedin", "x", "facebook", "telegram").
        network: String,
        /// The handle or profile URL.
        handle: String,
    },
}

impl ContactValue {
    /// An email address.
    pub fn email(address: impl Into<String>) -> Self {
        ContactValue::Email { address: address.into() }
    }

    /// A phone number.
    pub fn phone(number: impl Into<String>) -> Self {
        ContactValue::Phone { number: number.into(), region: None }
    }

    /// The kind of this value.
    pub fn kind(&self) -> ContactKind {
        match self {
            ContactValue::Email { .. } => ContactKind::Email,
            ContactValue::Phone { .. } => ContactKind::Phone,
            ContactValue::Address(_) => ContactKind::Address,
            ContactValue::Web { .. } => ContactKind::Web,
            ContactValue::Social { .. } => ContactKind::Social,
        }
    }

    /// The normalized key used for lookups and duplicate detection: the
    /// lower-case email, the E.164 number, the URL, `network:handle`, or the
    /// address on one line.
    pub fn key(&self) -> String {
        match self {
            ContactValue::Email { address } => address.clone(),
            ContactValue::Phone { number, .. } => number.clone(),
            ContactValue::Web { url } => url.clone(),
            ContactValue::Social { network, handle } => {
                format!("{network}:{}", handle.to_lowercase())
            }
            ContactValue::Address(a) => [
                a.street.as_deref(),
                a.street2.as_deref(),
                a.postal_code.as_deref(),
                a.city.as_deref(),
                a.region.as_deref(),
                Some(a.country.as_str()),
            ]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(", "),
        }
    }

    /// Validate and normalize; returns the normalized value and the raw text
    /// that was given where it differs (emails and phones).
    pub(crate) fn normalize(self, default_region: Option<&str>) -> Result<(ContactValue, Option<String>)> {
        match self {
            ContactValue::Email { address } => {
                let raw = address.clone();
                let norm = normalize_email(&address).map_err(|e| e.in_field("address"))?;
                let raw = (raw != norm).then_some(raw);
                Ok((ContactValue::Email { address: norm }, raw))
            }
            ContactValue::Phone { number, region } => {
                let region = match region {
                    Some(r) => Some(normalize_country(&r).map_err(|e| e.in_field("region"))?),
                    None => default_region.map(str::to_string),
                };
                let (e164, found_region) =
                    normalize_phone(&number, region.as_deref()).map_err(|e| e.in_field("number"))?;
                let raw = (number != e164).then_some(number);
                Ok((ContactValue::Phone { number: e164, region: found_region }, raw))
            }
            ContactValue::Address(a) => Ok((ContactValue::Address(normalize_address(a)?), None)),
            ContactValue::Web { url } => {
                let norm = normalize_url(&url).map_err(|e| e.in_field("url"))?;
                let raw = (norm != url).then_some(url);
                Ok((ContactValue::Web { url: norm }, raw))
            }
            ContactValue::Social { network, handle } => {
                let network = network.trim().to_lowercase();
                if network.is_empty()
                    || network.len() > 40
                    || !network.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                {
                    return Err(Error::validation(
                        "network",
                        "must be a short name of letters, digits, '-', '_' or '.' (e.g. \"linkedin\")",
                    ));
                }
                let handle = handle.trim().to_string();
                if handle.is_empty() || handle.len() > 500 || handle.chars().any(char::is_control) {
                    return Err(Error::validation("handle", "must be 1 to 500 printable characters"));
                }
                Ok((ContactValue::Social { network, handle }, None))
            }
        }
    }

    /// The country this value places the party in (addresses only).
    pub(crate) fn country(&self) -> Option<&str> {
        match self {
            ContactValue::Address(a) => Some(&a.country),
            _ => None,
        }
    }

    /// The variant's fields as JSON, stored beside the key.
    pub(crate) fn data_json(&self) -> Option<String> {
        match self {
            ContactValue::Address(a) => serde_json::to_string(a).ok(),
            ContactValue::Phone { region: Some(r), .. } => Some(r.clone()),
            ContactValue::Social { network, handle } => serde_json::to_string(&(network, handle)).ok(),
            _ => None,
        }
    }

    /// A value read back from its stored kind, key and data; a row that
    /// does not make one (an unknown kind, data that does not parse) reads
    /// as a web address holding the key, rather than failing the read.
    pub(crate) fn from_stored(kind: Option<ContactKind>, value: String, data: Option<&str>) -> ContactValue {
        let parsed = match kind {
            Some(ContactKind::Email) => return ContactValue::Email { address: value },
            Some(ContactKind::Phone) => {
                return ContactValue::Phone { number: value, region: data.map(str::to_string) };
            }
            Some(ContactKind::Web) | None => None,
            Some(ContactKind::Address) => data.and_then(|d| serde_json::from_str(d).ok()).map(ContactValue::Address),
            Some(ContactKind::Social) => data
                .and_then(|d| serde_json::from_str::<(String, String)>(d).ok())
                .map(|(network, handle)| ContactValue::Social { network, handle }),
        };
        parsed.unwrap_or(ContactValue::Web { url: value })
    }
}

/// A contact point of a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactPoint {
    /// Its id.
    pub id: Uuid,
    /// The party it belongs to.
    pub party_id: Uuid,
    /// The normalized value, tagged by `kind`.
    #[serde(flatten)]
    pub value: ContactValue,
    /// The text as it was given, where normalization changed it.
    pub raw: Option<String>,
    /// A label: "work", "home", "mobile", "billing", ….
    pub label: Option<String>,
    /// The party's preferred contact point of this kind (one at most).
    pub primary: bool,
    /// Confirmed to reach the party.
    pub verified: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// A contact point to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewContactPoint {
    /// The value, tagged by `kind`.
    #[serde(flatten)]
    pub value: ContactValue,
    /// A label: "work", "home", "mobile", ….
    #[serde(default)]
    pub label: Option<String>,
    /// Make it the preferred one of its kind (the first of a kind always is).
    #[serde(default)]
    pub primary: bool,
    /// Confirmed to reach the party.
    #[serde(default)]
    pub verified: bool,
}

impl NewContactPoint {
    /// A contact point with this value and no label.
    pub fn new(value: ContactValue) -> Self {
        NewContactPoint { value, label: None, primary: false, verified: false }
    }

    /// Set the label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// Changes to a contact point; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactPointPatch {
    /// A new value (of any kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ContactValue>,
    /// A new label; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub label: Option<Option<String>>,
    /// Make it (or stop it being) the preferred one of its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Mark it verified or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// Trim and validate an email address; the result is lower-case.
pub fn normalize_email(input: &str) -> Result<String> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Error::validation("", "an email address is required"));
    }
    if s.len() > 254 {
        return Err(Error::validation("", "an email address has at most 254 characters"));
    }
    let lower = s.to_lowercase();
    // The crate checks RFC 5322 syntax; a CRM also needs a domain with a dot
    // (mail to `user@localhost` is never a customer's address).
    let parsed = email_address::EmailAddress::parse_with_options(&lower, email_address::Options::default())
        .map_err(|e| Error::validation("", format!("{s:?} is not a valid email address: {e}")))?;
    let domain = parsed.domain();
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') || domain.starts_with('[') {
        return Err(Error::validation("", format!("{s:?} is not a valid email address: the domain needs a dot")));
    }
    if parsed.display_part() != "" {
        return Err(Error::validation("", format!("{s:?}: give the bare address, without a display name")));
    }
    Ok(parsed.email())
}

/// Parse a phone number to E.164, reading numbers without `+country` in
/// `region`; returns the number and the region it belongs to.
pub fn normalize_phone(input: &str, region: Option<&str>) -> Result<(String, Option<String>)> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Error::validation("", "a phone number is required"));
    }
    if s.len() > 64 {
        return Err(Error::validation("", "a phone number has at most 64 characters"));
    }
    let country = match region {
        Some(r) => Some(
            r.parse::<phonenumber::country::Id>()
                .map_err(|_| Error::validation("", format!("{r:?} is not a region with phone numbers")))?,
        ),
        None => None,
    };
    if country.is_none() && !s.starts_with('+') && !s.starts_with("00") {
        return Err(Error::validation(
            "",
            format!("{s:?} has no +country prefix and no region was given to read it in"),
        ));
    }
    let number = phonenumber::parse(country, s)
        .map_err(|e| Error::validation("", format!("{s:?} is not a phone number: {e}")))?;
    if !phonenumber::is_valid(&number) {
        return Err(Error::validation("", format!("{s:?} is not a valid phone number")));
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    let found = number.country().id().map(|id| format!("{id:?}"));
    Ok((e164, found))
}

/// Validate an ISO 3166-1 country code (alpha-2 or alpha-3, any case) and
/// return its alpha-2 form.
pub fn normalize_country(input: &str) -> Result<String> {
    let s = input.trim();
    let found = match s.len() {
        2 => celes::Country::from_alpha2(s).ok(),
        3 => celes::Country::from_alpha3(s).ok(),
        _ => None,
    };
    match found {
        Some(c) => Ok(c.alpha2.to_string()),
        None => Err(Error::validation("", format!("{s:?} is not an ISO 3166-1 country code"))),
    }
}

fn clean_line(field: &str, v: Option<String>) -> Result<Option<String>> {
    match v {
        None => Ok(None),
        Some(s) => {
            let t = s.trim();
            if t.chars().any(char::is_control) || t.len() > 200 {
                return Err(Error::validation(field, "must be at most 200 characters, without control characters"));
            }
            Ok((!t.is_empty()).then(|| t.to_string()))
        }
    }
}

fn normalize_address(a: PostalAddress) -> Result<PostalAddress> {
    let out = PostalAddress {
        street: clean_line("street", a.street)?,
        street2: clean_line("street2", a.street2)?,
        city: clean_line("city", a.city)?,
        region: clean_line("region", a.region)?,
        postal_code: clean_line("postal_code", a.postal_code)?,
        country: normalize_country(&a.country).map_err(|e| e.in_field("country"))?,
    };
    if out.street.is_none() && out.city.is_none() && out.postal_code.is_none() {
        return Err(Error::validation("street", "an address needs at least a street, a city or a postal code"));
    }
    Ok(out)
}

fn normalize_url(input: &str) -> Result<String> {
    let s = input.trim();
    if s.is_empty() || s.len() > 2000 {
        return Err(Error::validation("", "a URL of 1 to 2000 characters is required"));
    }
    let with_scheme = if s.contains("://") { s.to_string() } else { format!("https://{s}") };
    let u = url::Url::parse(&with_scheme).map_err(|e| Error::validation("", format!("{s:?} is not a URL: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(Error::validation("", format!("{s:?}: only http and https sites are accepted")));
    }
    match u.host_str() {
        Some(h) if h.contains('.') => {}
        _ => {
            return Err(Error::validation("", format!("{s:?} has no public host name")));
        }
    }
    Ok(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(normalize_email("  Anna@Example.LV ").unwrap(), "anna@example.lv");
        for bad in ["", "anna", "anna@", "@x.lv", "anna@localhost", "a b@x.lv", "Anna <anna@x.lv>"] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(normalize_phone("+371 2000 0001", None).unwrap(), ("+37120000001".into(), Some("LV".into())));
        assert_eq!(normalize_phone("22 33 44 55", Some("NO")).unwrap().0, "+4722334455");
        assert_eq!(normalize_phone("(415) 555-2671", Some("US")).unwrap().0, "+14155552671");
        assert!(normalize_phone("2000 0001", None).is_err());
        assert!(normalize_phone("+371 1", None).is_err());
        assert!(normalize_phone("call me", Some("LV")).is_err());
        assert!(normalize_phone("123", Some("XX")).is_err());
    }

    #[test]
    fn countries() {
        assert_eq!(normalize_country("lv").unwrap(), "LV");
        assert_eq!(normalize_country("NOR").unwrap(), "NO");
        assert_eq!(normalize_country("BG").unwrap(), "BG");
        assert!(normalize_country("XX").is_err());
        assert!(normalize_country("").is_err());
        assert!(normalize_country("Latvia").is_err());
    }

    #[test]
    fn urls() {
        assert_eq!(normalize_url("acme.lv").unwrap(), "https://acme.lv/");
        assert!(normalize_url("ftp://acme.lv").is_err());
        assert!(normalize_url("http://localhost").is_err());
    }
}
