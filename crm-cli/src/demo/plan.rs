//! The demo base as data: every party, field and relationship to create,
//! drawn from a seeded generator. Nothing here touches a database, so the
//! same seed gives the same plan everywhere.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use crm_core::{
    CompetitorRole, ContactValue, CustomValue, CustomerRole, EmployeeRole, FieldType, Level, LifecycleStage,
    NewContactPoint, NewFieldDef, NewParty, NewRole, OrganizationSize, PartnerRole, PartnerType, PostalAddress,
    RoleDetails, StakeholderRole, StakeholderType, SupplierRole,
};

use super::names::{CONTACT_TITLES, COUNTRIES, Country, DEPARTMENTS, INDUSTRIES, TAGS, native, slug};
use super::rng::Rng;

/// A party of the plan and the parties it refers to, by index.
#[derive(Debug, Clone)]
pub struct PartySpec {
    /// The party, without its id, parent or manager.
    pub new: NewParty,
    /// The organization it belongs to (an index into [`Plan::orgs`]).
    pub parent: Option<usize>,
    /// The manager of its employee role (an index into [`Plan::persons`]).
    pub manager: Option<usize>,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: &'static str,
}

/// A party of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ref {
    /// An index into [`Plan::orgs`].
    Org(usize),
    /// An index into [`Plan::persons`].
    Person(usize),
}

/// A relationship of the plan.
#[derive(Debug, Clone)]
pub struct RelSpec {
    pub type_code: &'static str,
    pub from: Ref,
    pub to: Ref,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub strength: Option<f64>,
    pub notes: Option<String>,
}

/// Everything the demo creates, in an order that the base accepts:
/// parents before their sub-organizations, managers before their staff.
#[derive(Debug, Clone)]
pub struct Plan {
    pub fields: Vec<NewFieldDef>,
    pub orgs: Vec<PartySpec>,
    pub persons: Vec<PartySpec>,
    pub rels: Vec<RelSpec>,
}

/// The day the demo's dates are counted back from, so that a plan does not
/// depend on the day it is made.
pub fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or(NaiveDate::MIN)
}

/// Segments of the `segment` custom field.
pub const SEGMENTS: &[&str] = &["consumer", "smb", "mid_market", "enterprise", "public_sector"];

/// The custom fields of the demo base.
pub fn fields() -> Vec<NewFieldDef> {
    let mut loyalty = NewFieldDef::new("person", "loyalty_points", FieldType::Integer);
    loyalty.label = Some("Loyalty points".into());
    let mut segment = NewFieldDef::new("party", "segment", FieldType::Choice);
    segment.label = Some("Segment".into());
    segment.choices = SEGMENTS.iter().map(|s| s.to_string()).collect();
    let mut newsletter = NewFieldDef::new("party", "newsletter", FieldType::Bool);
    newsletter.label = Some("Newsletter opt-in".into());
    let mut revenue = NewFieldDef::new("organization", "annual_revenue_eur", FieldType::Decimal);
    revenue.label = Some("Annual revenue (EUR)".into());
    vec![loyalty, segment, newsletter, revenue]
}

/// Fill a pattern: `#` any digit, `%` a digit from 2 to 9, `@` a capital
/// letter; other characters stay.
pub fn fill(rng: &mut Rng, pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.below(10) as u8),
            '%' => char::from(b'2' + rng.below(8) as u8),
            '@' => char::from(b'A' + rng.below(26) as u8),
            other => other,
        })
        .collect()
}

/// A phone number of the country, written the way people there write it.
pub fn phone(rng: &mut Rng, country: &Country) -> String {
    let pattern = *rng.pick(country.phones);
    fill(rng, pattern)
}

fn date_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + chrono::Days::new(rng.range(0, days) as u64)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

struct Gen {
    rng: Rng,
    emails: BTreeSet<String>,
    domains: BTreeSet<String>,
    legal_names: BTreeSet<String>,
    handles: BTreeSet<String>,
    customer_seq: u32,
    supplier_seq: u32,
    employee_seq: u32,
}

/// Per organization, what later steps need to know.
struct OrgInfo {
    country: usize,
    domain: String,
    stem: &'static str,
    is_customer: bool,
    partner: Option<PartnerType>,
    supplier: bool,
    competitor: bool,
}

/// Per person, what later steps need to know.
struct PersonInfo {
    country: usize,
    org: Option<usize>,
    employee: bool,
    customer: bool,
    stakeholder: Option<StakeholderType>,
}

impl Gen {
    fn country(&mut self) -> usize {
        let weights: Vec<u32> = COUNTRIES.iter().map(|c| c.weight).collect();
        self.rng.weighted(&weights)
    }

    fn unique(set: &mut BTreeSet<String>, base: String, make: impl Fn(u32) -> String) -> String {
        if set.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = make(n);
            if set.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    fn email(&mut self, given: &str, family: &str, domain: &str) -> String {
        let g = slug(given, ".");
        let f = slug(family, ".");
        let initial: String = g.chars().take(1).collect();
        let local = match self.rng.below(10) {
            0..=5 => format!("{g}.{f}"),
            6 | 7 => format!("{initial}.{f}"),
            8 => format!("{g}{f}"),
            _ => format!("{g}_{f}"),
        };
        let base = format!("{local}@{domain}");
        Self::unique(&mut self.emails, base, |n| format!("{local}{n}@{domain}"))
    }

    fn address(&mut self, country: &Country) -> ContactValue {
        let city = self.rng.pick(country.cities);
        let street = *self.rng.pick(country.streets);
        let n = self.rng.range(1, 120).to_string();
        let m = self.rng.range(1, 9).to_string();
        let line = country.street_format.replace("{s}", street).replace("{n}", &n).replace("{m}", &m);
        let postal = fill(&mut self.rng, city.postal);
        ContactValue::Address(PostalAddress {
            street: Some(line),
            street2: None,
            city: Some(city.name.to_string()),
            region: city.region.map(str::to_string),
            postal_code: Some(postal),
            country: country.code.to_string(),
        })
    }

    fn tags(&mut self, max: usize) -> Vec<String> {
        let n = self.rng.below(max + 1);
        let mut out = BTreeSet::new();
        for _ in 0..n {
            out.insert(self.rng.pick(TAGS).to_string());
        }
        out.into_iter().collect()
    }

    fn customer_role(&mut self, stage: LifecycleStage) -> NewRole {
        self.customer_seq += 1;
        let tier = match self.rng.weighted(&[45, 30, 18, 7]) {
            0 => "bronze",
            1 => "silver",
            2 => "gold",
            _ => "platinum",
        };
        let is_customer = matches!(stage, LifecycleStage::Customer | LifecycleStage::Churned);
        let since = date_between(&mut self.rng, ymd(2012, 1, 1), anchor());
        NewRole {
            details: RoleDetails::Customer(CustomerRole {
                tier: is_customer.then(|| tier.to_string()),
                vip: is_customer && self.rng.chance(0.06),
                lifecycle_stage: stage,
                customer_number: is_customer.then(|| format!("C-{:06}", self.customer_seq)),
            }),
            valid_from: Some(since),
            valid_to: None,
        }
    }

    fn customer_stage(&mut self) -> LifecycleStage {
        match self.rng.weighted(&[8, 10, 12, 60, 10]) {
            0 => LifecycleStage::Subscriber,
            1 => LifecycleStage::Lead,
            2 => LifecycleStage::Prospect,
            3 => LifecycleStage::Customer,
            _ => LifecycleStage::Churned,
        }
    }

    fn stakeholder_type(&mut self, org: bool) -> StakeholderType {
        let options: &[StakeholderType] = if org {
            &[
                StakeholderType::Regulator,
                StakeholderType::Government,
                StakeholderType::Media,
                StakeholderType::Union,
                StakeholderType::Investor,
                StakeholderType::Community,
            ]
        } else {
            &[StakeholderType::Investor, StakeholderType::Media, StakeholderType::Community, StakeholderType::Other]
        };
        *self.rng.pick(options)
    }

    fn level(&mut self) -> Level {
        *self.rng.pick(&[Level::Low, Level::Medium, Level::High])
    }
}

/// Make the plan of a demo base of `persons` persons and `organizations`
/// organizations (at least one: our own company).
pub fn make(seed: u64, persons: usize, organizations: usize) -> Plan {
    let mut g = Gen {
        rng: Rng::new(seed),
        emails: BTreeSet::new(),
        domains: BTreeSet::new(),
        legal_names: BTreeSet::new(),
        handles: BTreeSet::new(),
        customer_seq: 0,
        supplier_seq: 0,
        employee_seq: 0,
    };
    let mut orgs = Vec::with_capacity(organizations);
    let mut org_info = Vec::with_capacity(organizations);
    make_orgs(&mut g, organizations.max(1), &mut orgs, &mut org_info);
    let mut people = Vec::with_capacity(persons);
    let mut person_info = Vec::with_capacity(persons);
    make_persons(&mut g, persons, &org_info, &mut people, &mut person_info);
    let rels = make_relationships(&mut g, &orgs, &org_info, &people, &person_info);
    Plan { fields: fields(), orgs, persons: people, rels }
}

const OWN_COUNTRY: usize = 0; // Latvia

fn make_orgs(g: &mut Gen, n: usize, out: &mut Vec<PartySpec>, info: &mut Vec<OrgInfo>) {
    // Our own company comes first: employees, resellers and suppliers
    // relate to it.
    let own = &COUNTRIES[OWN_COUNTRY];
    g.domains.insert("aurora-retail.lv".into());
    g.legal_names.insert("Aurora Retail Group SIA".into());
    let mut own_party = NewParty::organization("Aurora Retail Group SIA")
        .with_vat_number("LV40003123456")
        .with_contact(NewContactPoint::new(ContactValue::email("info@aurora-retail.lv")).label("office"))
        .with_contact(NewContactPoint::new(ContactValue::phone("+371 2612 3456")).label("office"))
        .with_contact(NewContactPoint::new(ContactValue::Web { url: "https://www.aurora-retail.lv/".into() }))
        .with_tag("own-company")
        .with_custom("segment", "enterprise")
        .with_custom("annual_revenue_eur", CustomValue::Decimal("48250000".into()));
    own_party.registration_number = Some("40003123456".into());
    own_party.industry = Some("Retail & wholesale".into());
    own_party.size = Some(OrganizationSize::Large);
    own_party.language = Some("lv".into());
    own_party.contact_points.push(NewContactPoint::new(ContactValue::Address(PostalAddress {
        street: Some("Brīvības iela 88".into()),
        street2: None,
        city: Some("Rīga".into()),
        region: None,
        postal_code: Some("LV-1001".into()),
        country: own.code.into(),
    })));
    out.push(PartySpec { new: own_party, parent: None, manager: None, country: own.code });
    info.push(OrgInfo {
        country: OWN_COUNTRY,
        domain: "aurora-retail.lv".into(),
        stem: "Aurora",
        is_customer: false,
        partner: None,
        supplier: false,
        competitor: false,
    });

    for i in 1..n {
        // About one organization in five is a subsidiary of an earlier one
        // (never of our own company), which makes chains up to a few levels.
        let parent = (i > 3 && g.rng.chance(0.2)).then(|| 1 + g.rng.below(i - 1));
        let (country_ix, stem) = match parent {
            Some(p) if g.rng.chance(0.6) => (info[p].country, info[p].stem),
            Some(p) => {
                let c = g.country();
                (c, info[p].stem)
            }
            None => {
                let c = g.country();
                (c, *g.rng.pick(COUNTRIES[c].org_stems))
            }
        };
        let c = &COUNTRIES[country_ix];
        let industry = g.rng.below(INDUSTRIES.len());
        let word = c.org_words[industry];
        let form = *g.rng.pick(c.legal_forms);
        let compose = |extra: &str| {
            let core = if extra.is_empty() {
                format!("{} {}", native(stem), native(word))
            } else {
                format!("{} {} {}", native(stem), native(word), extra)
            };
            if c.form_first { format!("{form}{}", core.replace(' ', "")) } else { format!("{core} {form}") }
        };
        let base = compose("");
        let city_names: Vec<&str> = c.cities.iter().map(|x| x.name).collect();
        let legal = if g.legal_names.insert(base.clone()) {
            base
        } else {
            let mut found = None;
            for city in &city_names {
                let candidate = compose(city);
                if g.legal_names.insert(candidate.clone()) {
                    found = Some(candidate);
                    break;
                }
            }
            match found {
                Some(f) => f,
                None => Gen::unique(&mut g.legal_names, base, |k| compose(&k.to_string())),
            }
        };
        let domain_base = format!("{}-{}", slug(stem, "-"), slug(word, "-"));
        let tld = c.tld;
        let domain = Gen::unique(&mut g.domains, format!("{domain_base}.{tld}"), |k| format!("{domain_base}{k}.{tld}"));

        let mut p = NewParty::organization(legal.clone());
        p.language = Some(c.language.to_string());
        p.industry = Some(INDUSTRIES[industry].to_string());
        let size = match g.rng.weighted(&[30, 30, 22, 12, 6]) {
            0 => OrganizationSize::Micro,
            1 => OrganizationSize::Small,
            2 => OrganizationSize::Medium,
            3 => OrganizationSize::Large,
            _ => OrganizationSize::Enterprise,
        };
        p.size = Some(size);
        if !c.vat.is_empty() && g.rng.chance(0.9) {
            p.vat_number = Some(fill(&mut g.rng, c.vat));
        }
        p.registration_number = Some(fill(&mut g.rng, c.registration));
        let mailbox = *g.rng.pick(&["info", "office", "sales", "hello", "contact"]);
        let email = Gen::unique(&mut g.emails, format!("{mailbox}@{domain}"), |k| format!("{mailbox}{k}@{domain}"));
        p.contact_points.push(NewContactPoint::new(ContactValue::email(email)).label("office"));
        let number = phone(&mut g.rng, c);
        p.contact_points.push(NewContactPoint::new(ContactValue::phone(number)).label("office"));
        let addr = g.address(c);
        p.contact_points.push(NewContactPoint::new(addr).label(if g.rng.chance(0.3) {
            "billing"
        } else {
            "head office"
        }));
        p.contact_points.push(NewContactPoint::new(ContactValue::Web { url: format!("https://www.{domain}/") }));
        if g.rng.chance(0.6) {
            let handle = Gen::unique(
                &mut g.handles,
                format!("company/{}", domain.split('.').next().unwrap_or("company")),
                |k| format!("company/{}-{k}", domain.split('.').next().unwrap_or("company")),
            );
            p.contact_points.push(NewContactPoint::new(ContactValue::Social { network: "linkedin".into(), handle }));
        }

        // Roles.
        let mut org = OrgInfo {
            country: country_ix,
            domain: domain.clone(),
            stem,
            is_customer: false,
            partner: None,
            supplier: false,
            competitor: false,
        };
        let mut stakeholder = None;
        match g.rng.weighted(&[40, 15, 12, 12, 4, 3, 14]) {
            0 => {
                let stage = if g.rng.chance(0.85) { LifecycleStage::Customer } else { LifecycleStage::Churned };
                p.roles.push(g.customer_role(stage));
                org.is_customer = true;
            }
            1 => {
                let stage = if g.rng.chance(0.5) { LifecycleStage::Prospect } else { LifecycleStage::Lead };
                p.roles.push(g.customer_role(stage));
            }
            2 => {
                let t = match g.rng.weighted(&[40, 20, 12, 14, 10, 4]) {
                    0 => PartnerType::Reseller,
                    1 => PartnerType::Referral,
                    2 => PartnerType::Distributor,
                    3 => PartnerType::Technology,
                    4 => PartnerType::Integrator,
                    _ => PartnerType::Other,
                };
                let tier = *g.rng.pick(&["registered", "silver", "gold"]);
                p.roles.push(NewRole {
                    details: RoleDetails::Partner(PartnerRole { partner_type: t, tier: Some(tier.to_string()) }),
                    valid_from: Some(date_between(&mut g.rng, ymd(2014, 1, 1), anchor())),
                    valid_to: None,
                });
                org.partner = Some(t);
            }
            3 => {
                g.supplier_seq += 1;
                let category = *g.rng.pick(&[
                    "packaging",
                    "logistics",
                    "IT services",
                    "raw materials",
                    "office supplies",
                    "marketing services",
                    "cleaning",
                ]);
                p.roles.push(NewRole {
                    details: RoleDetails::Supplier(SupplierRole {
                        category: Some(category.to_string()),
                        preferred: g.rng.chance(0.25),
                        supplier_number: Some(format!("S-{:05}", g.supplier_seq)),
                    }),
                    valid_from: Some(date_between(&mut g.rng, ymd(2012, 1, 1), anchor())),
                    valid_to: None,
                });
                org.supplier = true;
            }
            4 => {
                let mut markets = vec![COUNTRIES[country_ix].code.to_string()];
                if g.rng.chance(0.5) {
                    markets.push(INDUSTRIES[industry].to_lowercase());
                }
                let threat = g.level();
                p.roles.push(RoleDetails::Competitor(CompetitorRole { threat, markets }).into());
                org.competitor = true;
            }
            5 => {
                let t = g.stakeholder_type(true);
                let influence = g.level();
                let interest = g.level();
                p.roles.push(
                    RoleDetails::Stakeholder(StakeholderRole { stakeholder_type: t, influence, interest }).into(),
                );
                stakeholder = Some(t);
            }
            _ => {}
        }
        // A few customers also resell.
        if org.is_customer && g.rng.chance(0.06) {
            p.roles.push(RoleDetails::Partner(PartnerRole { partner_type: PartnerType::Referral, tier: None }).into());
            org.partner = Some(PartnerType::Referral);
        }

        let segment = if matches!(stakeholder, Some(StakeholderType::Government | StakeholderType::Regulator)) {
            "public_sector"
        } else {
            match size {
                OrganizationSize::Micro | OrganizationSize::Small => "smb",
                OrganizationSize::Medium => "mid_market",
                _ => "enterprise",
            }
        };
        p.custom.insert("segment".into(), segment.into());
        p.custom.insert("newsletter".into(), g.rng.chance(0.5).into());
        let scale: i64 = match size {
            OrganizationSize::Micro => 400_000,
            OrganizationSize::Small => 4_000_000,
            OrganizationSize::Medium => 40_000_000,
            OrganizationSize::Large => 250_000_000,
            OrganizationSize::Enterprise => 2_000_000_000,
        };
        let revenue = g.rng.range(scale / 10, scale);
        let cents = g.rng.range(0, 99);
        p.custom.insert("annual_revenue_eur".into(), CustomValue::Decimal(format!("{revenue}.{cents:02}")));
        p.tags = g.tags(2);
        out.push(PartySpec { new: p, parent, manager: None, country: c.code });
        info.push(org);
    }
}

fn person_names(g: &mut Gen, c: &Country) -> (&'static str, String) {
    let female = g.rng.chance(0.5);
    let given = if female { *g.rng.pick(c.female) } else { *g.rng.pick(c.male) };
    let pick_family = |g: &mut Gen| {
        let (m, f) = *g.rng.pick(c.surnames);
        if female { f } else { m }
    };
    let family = if c.two_surnames {
        let a = pick_family(g);
        let mut b = pick_family(g);
        if a == b {
            b = pick_family(g);
        }
        if a == b { a.to_string() } else { format!("{a} {b}") }
    } else {
        pick_family(g).to_string()
    };
    (given, family)
}

fn new_person(g: &mut Gen, c: &Country, given: &str, family: &str) -> NewParty {
    let mut p = NewParty::person(native(given), native(family));
    if c.family_first {
        p.display_name = Some(format!("{} {}", native(family), native(given)));
    }
    p.language = Some(c.language.to_string());
    if g.rng.chance(0.4) {
        p.birth_date = Some(date_between(&mut g.rng, ymd(1950, 1, 1), ymd(2004, 12, 31)));
    }
    p
}

fn add_socials(g: &mut Gen, c: &Country, p: &mut NewParty, given: &str, family: &str) {
    let base = format!("{}-{}", slug(given, "-"), slug(family, "-"));
    if g.rng.chance(0.3) {
        let handle = Gen::unique(&mut g.handles, format!("in/{base}"), |k| format!("in/{base}-{k}"));
        p.contact_points.push(NewContactPoint::new(ContactValue::Social { network: "linkedin".into(), handle }));
    }
    if g.rng.chance(0.12) {
        let short = format!("{}{}", slug(given, ""), slug(family, ""));
        let handle = Gen::unique(&mut g.handles, format!("@{short}"), |k| format!("@{short}{k}"));
        p.contact_points.push(NewContactPoint::new(ContactValue::Social { network: "x".into(), handle }));
    }
    if matches!(c.code, "RU" | "UA" | "BG") && g.rng.chance(0.15) {
        let short = format!("{}_{}", slug(given, ""), slug(family, ""));
        let handle = Gen::unique(&mut g.handles, format!("@{short}"), |k| format!("@{short}{k}"));
        p.contact_points.push(NewContactPoint::new(ContactValue::Social { network: "telegram".into(), handle }));
    }
}

fn make_persons(g: &mut Gen, n: usize, orgs: &[OrgInfo], out: &mut Vec<PartySpec>, info: &mut Vec<PersonInfo>) {
    // Organizations by country, to place people near home.
    let mut by_country: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, o) in orgs.iter().enumerate().skip(1) {
        by_country.entry(o.country).or_default().push(i);
    }
    let other_orgs: Vec<usize> = (1..orgs.len()).collect();

    // Our own staff come first, managers before their teams: the chief
    // executive, one head per department, then the teams.
    let staff = if n == 0 { 0 } else { (n * 4 / 100).max(1) };
    let mut heads: Vec<usize> = Vec::new();
    for i in 0..staff {
        let c_ix = if g.rng.chance(0.7) { OWN_COUNTRY } else { g.country() };
        let c = &COUNTRIES[c_ix];
        let (given, family) = person_names(g, c);
        let mut p = new_person(g, c, given, &family);
        let (department, title, manager) = if i == 0 {
            ("Management", "Chief Executive Officer".to_string(), None)
        } else if i <= DEPARTMENTS.len() {
            let (d, head, _) = DEPARTMENTS[i - 1];
            heads.push(i);
            (d, head.to_string(), Some(0))
        } else {
            let k = g.rng.below(heads.len().max(1));
            match heads.get(k) {
                Some(&head) => {
                    let (d, _, titles) = DEPARTMENTS[k];
                    (d, g.rng.pick(titles).to_string(), Some(head))
                }
                None => ("Sales", "Account Manager".to_string(), Some(0)),
            }
        };
        g.employee_seq += 1;
        p.roles.push(NewRole {
            details: RoleDetails::Employee(EmployeeRole {
                department: Some(department.to_string()),
                title: Some(title),
                manager_id: None,
                employee_number: Some(format!("E-{:04}", g.employee_seq)),
            }),
            valid_from: Some(date_between(&mut g.rng, ymd(2010, 1, 1), anchor())),
            valid_to: None,
        });
        let email = g.email(given, &family, "aurora-retail.lv");
        p.contact_points.push(NewContactPoint::new(ContactValue::email(email)).label("work"));
        let number = phone(&mut g.rng, c);
        p.contact_points.push(NewContactPoint::new(ContactValue::phone(number)).label("mobile"));
        add_socials(g, c, &mut p, given, &family);
        p.tags = vec!["staff".into()];
        out.push(PartySpec { new: p, parent: Some(0), manager, country: c.code });
        info.push(PersonInfo { country: c_ix, org: Some(0), employee: true, customer: false, stakeholder: None });
    }

    for _ in staff..n {
        let attached = !other_orgs.is_empty() && g.rng.chance(0.6);
        let org = attached.then(|| {
            let c = g.country();
            match by_country.get(&c) {
                Some(list) if g.rng.chance(0.85) => *g.rng.pick(list),
                _ => *g.rng.pick(&other_orgs),
            }
        });
        let c_ix = match org {
            Some(o) if g.rng.chance(0.85) => orgs[o].country,
            _ => g.country(),
        };
        let c = &COUNTRIES[c_ix];
        let (given, family) = person_names(g, c);
        let mut p = new_person(g, c, given, &family);
        if let Some(o) = org {
            let email = g.email(given, &family, &orgs[o].domain);
            p.contact_points.push(NewContactPoint::new(ContactValue::email(email)).label("work"));
        }
        if org.is_none() || g.rng.chance(0.35) {
            let provider = *g.rng.pick(c.mail_providers);
            let email = g.email(given, &family, provider);
            p.contact_points.push(NewContactPoint::new(ContactValue::email(email)).label("home"));
        }
        if g.rng.chance(0.85) {
            let number = phone(&mut g.rng, c);
            p.contact_points.push(NewContactPoint::new(ContactValue::phone(number)).label("mobile"));
        }
        if g.rng.chance(0.15) {
            let number = phone(&mut g.rng, c);
            p.contact_points.push(NewContactPoint::new(ContactValue::phone(number)).label("work"));
        }
        if g.rng.chance(if org.is_none() { 0.85 } else { 0.35 }) {
            let addr = g.address(c);
            p.contact_points.push(NewContactPoint::new(addr).label("home"));
        }
        add_socials(g, c, &mut p, given, &family);

        let customer = if org.is_none() { g.rng.chance(0.8) } else { g.rng.chance(0.1) };
        if customer {
            let stage = g.customer_stage();
            p.roles.push(g.customer_role(stage));
            p.custom.insert("loyalty_points".into(), CustomValue::Integer(g.rng.range(0, 25_000)));
            p.custom.insert("segment".into(), "consumer".into());
        }
        let mut stakeholder = None;
        if g.rng.chance(0.03) {
            let t = g.stakeholder_type(false);
            let influence = g.level();
            let interest = g.level();
            p.roles.push(RoleDetails::Stakeholder(StakeholderRole { stakeholder_type: t, influence, interest }).into());
            stakeholder = Some(t);
        }
        if g.rng.chance(0.02) {
            p.roles.push(RoleDetails::Partner(PartnerRole { partner_type: PartnerType::Referral, tier: None }).into());
        }
        if g.rng.chance(0.7) {
            p.custom.insert("newsletter".into(), g.rng.chance(0.55).into());
        }
        p.tags = g.tags(3);
        out.push(PartySpec { new: p, parent: org, manager: None, country: c.code });
        info.push(PersonInfo { country: c_ix, org, employee: false, customer, stakeholder });
    }
}

fn make_relationships(
    g: &mut Gen,
    orgs: &[PartySpec],
    org_info: &[OrgInfo],
    persons: &[PartySpec],
    person_info: &[PersonInfo],
) -> Vec<RelSpec> {
    let mut rels = Vec::new();
    let mut seen: BTreeSet<(&'static str, Ref, Ref)> = BTreeSet::new();
    let mut add = |rels: &mut Vec<RelSpec>, rel: RelSpec| {
        let key = if matches!(rel.type_code, "partner_of" | "spouse_of" | "knows" | "competitor_of" | "relative_of")
            && rel.to < rel.from
        {
            (rel.type_code, rel.to, rel.from)
        } else {
            (rel.type_code, rel.from, rel.to)
        };
        if rel.from != rel.to && seen.insert(key) {
            rels.push(rel);
        }
    };
    let since = |g: &mut Gen, from_year: i32| Some(date_between(&mut g.rng, ymd(from_year, 1, 1), anchor()));
    let strength = |g: &mut Gen| Some((g.rng.range(2, 10) as f64) / 10.0);

    // Sub-organizations.
    for (i, o) in orgs.iter().enumerate() {
        if let Some(p) = o.parent {
            let valid_from = since(g, 2005);
            add(
                &mut rels,
                RelSpec {
                    type_code: "subsidiary_of",
                    from: Ref::Org(i),
                    to: Ref::Org(p),
                    valid_from,
                    valid_to: None,
                    strength: None,
                    notes: None,
                },
            );
        }
    }

    // People and their organizations; staff report to their managers.
    for (i, p) in persons.iter().enumerate() {
        let info = &person_info[i];
        let Some(org) = info.org else { continue };
        let type_code = if info.employee || g.rng.chance(0.7) { "employee_of" } else { "contact_of" };
        let title = if info.employee { None } else { Some(g.rng.pick(CONTACT_TITLES).to_string()) };
        let valid_from = since(g, 2008);
        let s = strength(g);
        add(
            &mut rels,
            RelSpec {
                type_code,
                from: Ref::Person(i),
                to: Ref::Org(org),
                valid_from,
                valid_to: None,
                strength: s,
                notes: title,
            },
        );
        if let Some(m) = p.manager {
            add(
                &mut rels,
                RelSpec {
                    type_code: "reports_to",
                    from: Ref::Person(i),
                    to: Ref::Person(m),
                    valid_from,
                    valid_to: None,
                    strength: None,
                    notes: None,
                },
            );
        }
        // An earlier job somewhere else.
        if orgs.len() > 2 && g.rng.chance(0.12) {
            let other = 1 + g.rng.below(orgs.len() - 1);
            if other != org {
                let start = date_between(&mut g.rng, ymd(2000, 1, 1), ymd(2018, 12, 31));
                let end = date_between(&mut g.rng, start, ymd(2022, 12, 31));
                add(
                    &mut rels,
                    RelSpec {
                        type_code: "employee_of",
                        from: Ref::Person(i),
                        to: Ref::Org(other),
                        valid_from: Some(start),
                        valid_to: Some(end),
                        strength: None,
                        notes: Some(g.rng.pick(CONTACT_TITLES).to_string()),
                    },
                );
            }
        }
    }

    // Our own company's business network.
    for (i, o) in org_info.iter().enumerate().skip(1) {
        let own = Ref::Org(0);
        let me = Ref::Org(i);
        if let Some(t) = o.partner {
            let code = match t {
                PartnerType::Reseller | PartnerType::Referral => "reseller_for",
                PartnerType::Distributor => "distributor_for",
                _ => "partner_of",
            };
            let valid_from = since(g, 2014);
            let s = strength(g);
            add(
                &mut rels,
                RelSpec { type_code: code, from: me, to: own, valid_from, valid_to: None, strength: s, notes: None },
            );
        }
        if o.supplier {
            let valid_from = since(g, 2012);
            let s = strength(g);
            add(
                &mut rels,
                RelSpec {
                    type_code: "supplier_of",
                    from: me,
                    to: own,
                    valid_from,
                    valid_to: None,
                    strength: s,
                    notes: None,
                },
            );
            // Suppliers also supply some of our customers.
            for _ in 0..g.rng.below(3) {
                let j = 1 + g.rng.below(org_info.len() - 1);
                if org_info[j].is_customer {
                    let valid_from = since(g, 2015);
                    add(
                        &mut rels,
                        RelSpec {
                            type_code: "supplier_of",
                            from: me,
                            to: Ref::Org(j),
                            valid_from,
                            valid_to: None,
                            strength: None,
                            notes: None,
                        },
                    );
                }
            }
        }
        if o.competitor {
            add(
                &mut rels,
                RelSpec {
                    type_code: "competitor_of",
                    from: me,
                    to: own,
                    valid_from: None,
                    valid_to: None,
                    strength: None,
                    notes: None,
                },
            );
        }
        if o.is_customer && g.rng.chance(0.5) {
            let valid_from = since(g, 2012);
            add(
                &mut rels,
                RelSpec {
                    type_code: "customer_of",
                    from: me,
                    to: own,
                    valid_from,
                    valid_to: None,
                    strength: None,
                    notes: None,
                },
            );
        }
        // Partnerships between other organizations.
        if g.rng.chance(0.08) {
            let j = 1 + g.rng.below(org_info.len() - 1);
            let valid_from = since(g, 2016);
            let s = strength(g);
            add(
                &mut rels,
                RelSpec {
                    type_code: "partner_of",
                    from: me,
                    to: Ref::Org(j),
                    valid_from,
                    valid_to: None,
                    strength: s,
                    notes: None,
                },
            );
        }
    }

    // People among themselves.
    let n = persons.len();
    let mut compatriots: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, info) in person_info.iter().enumerate() {
        compatriots.entry(info.country).or_default().push(i);
    }
    let mut married: BTreeSet<usize> = BTreeSet::new();
    if n > 1 {
        for i in 0..n {
            let info = &person_info[i];
            // Spouses: pairs from the same country, each married once.
            if g.rng.chance(0.03) && !married.contains(&i) {
                let j = match compatriots.get(&info.country) {
                    Some(list) => *g.rng.pick(list),
                    None => i,
                };
                if j != i && married.insert(j) {
                    married.insert(i);
                    let valid_from = Some(date_between(&mut g.rng, ymd(1985, 1, 1), ymd(2024, 12, 31)));
                    add(
                        &mut rels,
                        RelSpec {
                            type_code: "spouse_of",
                            from: Ref::Person(i),
                            to: Ref::Person(j),
                            valid_from,
                            valid_to: None,
                            strength: None,
                            notes: None,
                        },
                    );
                }
            }
            // Acquaintances, mostly at home.
            for _ in 0..g.rng.below(3) {
                let j = match compatriots.get(&info.country) {
                    Some(list) if g.rng.chance(0.8) => *g.rng.pick(list),
                    _ => g.rng.below(n),
                };
                let valid_from = since(g, 2010);
                let s = strength(g);
                add(
                    &mut rels,
                    RelSpec {
                        type_code: "knows",
                        from: Ref::Person(i),
                        to: Ref::Person(j),
                        valid_from,
                        valid_to: None,
                        strength: s,
                        notes: None,
                    },
                );
            }
            // Customers who brought other customers.
            if info.customer && g.rng.chance(0.05) {
                let j = g.rng.below(n);
                if person_info[j].customer {
                    let valid_from = since(g, 2018);
                    add(
                        &mut rels,
                        RelSpec {
                            type_code: "referred_by",
                            from: Ref::Person(i),
                            to: Ref::Person(j),
                            valid_from,
                            valid_to: None,
                            strength: None,
                            notes: None,
                        },
                    );
                }
            }
            // Stakeholders: investors back us, others influence companies.
            match info.stakeholder {
                Some(StakeholderType::Investor) => {
                    let valid_from = since(g, 2015);
                    add(
                        &mut rels,
                        RelSpec {
                            type_code: "investor_in",
                            from: Ref::Person(i),
                            to: Ref::Org(0),
                            valid_from,
                            valid_to: None,
                            strength: None,
                            notes: None,
                        },
                    );
                }
                Some(_) => {
                    for _ in 0..1 + g.rng.below(3) {
                        let j = g.rng.below(orgs.len());
                        let s = strength(g);
                        add(
                            &mut rels,
                            RelSpec {
                                type_code: "influences",
                                from: Ref::Person(i),
                                to: Ref::Org(j),
                                valid_from: None,
                                valid_to: None,
                                strength: s,
                                notes: None,
                            },
                        );
                    }
                }
                None => {}
            }
            // Board members of larger organizations.
            if info.org.is_some() && !info.employee && g.rng.chance(0.01) {
                let j = g.rng.below(orgs.len());
                let valid_from = since(g, 2016);
                add(
                    &mut rels,
                    RelSpec {
                        type_code: "board_member_of",
                        from: Ref::Person(i),
                        to: Ref::Org(j),
                        valid_from,
                        valid_to: None,
                        strength: None,
                        notes: None,
                    },
                );
            }
        }
    }
    rels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::party::contact::{normalize_country, normalize_email, normalize_phone};

    fn contacts(plan: &Plan) -> impl Iterator<Item = &NewContactPoint> {
        plan.orgs.iter().chain(&plan.persons).flat_map(|p| &p.new.contact_points)
    }

    #[test]
    fn same_seed_same_plan() {
        let a = make(7, 400, 50);
        let b = make(7, 400, 50);
        let c = make(8, 400, 50);
        let names = |p: &Plan| p.orgs.iter().chain(&p.persons).map(|s| format!("{:?}", s.new)).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&c));
        assert_eq!(a.rels.len(), b.rels.len());
        assert_eq!(a.orgs.len(), 50);
        assert_eq!(a.persons.len(), 400);
    }

    #[test]
    fn every_email_and_phone_is_valid() {
        for seed in [1, 2] {
            let plan = make(seed, 3000, 300);
            let mut emails = BTreeSet::new();
            let mut phones = Vec::new();
            for cp in contacts(&plan) {
                match &cp.value {
                    ContactValue::Email { address } => {
                        let norm = normalize_email(address).unwrap_or_else(|e| panic!("{address:?}: {e}"));
                        assert_eq!(&norm, address, "emails are generated normalized");
                        assert!(address.is_ascii(), "{address}");
                        assert!(emails.insert(norm), "{address} twice");
                    }
                    ContactValue::Phone { number, .. } => phones.push(number.clone()),
                    ContactValue::Address(a) => {
                        normalize_country(&a.country).unwrap_or_else(|e| panic!("{e}"));
                    }
                    _ => {}
                }
            }
            assert!(phones.len() > 3000);
            // By country: the phone library's regex cache is small, and
            // numbers of many countries in turn make every check slow.
            phones.sort();
            for number in &phones {
                normalize_phone(number, None).unwrap_or_else(|e| panic!("{number:?}: {e}"));
            }
        }
    }

    #[test]
    fn every_pattern_of_every_country_is_valid() {
        let mut rng = Rng::new(99);
        let mut bad = Vec::new();
        for c in COUNTRIES {
            for pattern in c.phones {
                for _ in 0..300 {
                    let n = fill(&mut rng, pattern);
                    match normalize_phone(&n, None) {
                        Ok((_, region)) if region.as_deref() == Some(c.code) => {}
                        Ok((_, region)) => bad.push(format!("{n}: region {region:?}")),
                        Err(e) => bad.push(format!("{n}: {e}")),
                    }
                }
            }
            assert_eq!(normalize_country(c.code).ok().as_deref(), Some(c.code));
        }
        assert!(bad.is_empty(), "{} bad numbers: {:#?}", bad.len(), &bad[..bad.len().min(40)]);
    }

    #[test]
    fn parents_and_managers_come_first() {
        let plan = make(5, 2000, 200);
        for (i, o) in plan.orgs.iter().enumerate() {
            if let Some(p) = o.parent {
                assert!(p < i && p > 0);
            }
        }
        for (i, p) in plan.persons.iter().enumerate() {
            if let Some(m) = p.manager {
                assert!(m < i);
            }
        }
        let types: BTreeSet<&str> = plan.rels.iter().map(|r| r.type_code).collect();
        for t in [
            "employee_of",
            "contact_of",
            "subsidiary_of",
            "reseller_for",
            "supplier_of",
            "partner_of",
            "spouse_of",
            "knows",
            "influences",
            "reports_to",
        ] {
            assert!(types.contains(t), "no {t}");
        }
    }

    #[test]
    fn tiny_plans_work() {
        let p = make(1, 0, 1);
        assert_eq!((p.orgs.len(), p.persons.len()), (1, 0));
        let p = make(1, 3, 1);
        assert_eq!((p.orgs.len(), p.persons.len()), (1, 3));
        let p = make(1, 30, 2);
        assert_eq!(p.orgs.len(), 2);
    }
}
