//! The sales side of the demo base as data: a product catalogue whose
//! products are bought together by kinds of customers, price lists per
//! currency and tier, two pipelines, leads from sources and campaigns,
//! opportunities whose outcome follows their features, two years of orders
//! on every channel, interactions on every channel and tasks. Nothing here
//! touches a database; the same seed and party plan give the same sales
//! plan.
//!
//! Purchases follow the BG/NBD story: each customer buys at a rate of its
//! own (gamma distributed across customers) until it drops out, with a
//! probability of its own (beta distributed) after each purchase. What a
//! customer buys comes from its persona's products, so that products bought
//! together predict one another.

use chrono::{DateTime, Days, NaiveDate, Utc};
use crm_core::{
    Channel, Flow, LeadStatus, NewLead, NewPipeline, NewPriceList, NewProduct, NewStage, OrderChannel, OrderStatus,
    ParticipantRole, PartyKind, RoleDetails, TaskPriority, Utm,
};

use super::names::{COUNTRIES, native, slug};
use super::plan::{Plan, Ref, anchor};
use super::rng::Rng;

/// A product of the catalogue: SKU, name, category, unit, price in EUR
/// cents, and whether customers buy it again and again.
struct Item {
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    eur_cents: i64,
    consumable: bool,
}

const fn item(sku: &'static str, name: &'static str, category: &'static str, eur_cents: i64) -> Item {
    Item { sku, name, category, unit: "pcs", eur_cents, consumable: false }
}

const fn refill(
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    unit: &'static str,
    eur_cents: i64,
) -> Item {
    Item { sku, name, category, unit, eur_cents, consumable: true }
}

const CATALOGUE: &[Item] = &[
    refill("COF-ESP-1K", "Espresso beans, 1 kg", "coffee", "bag", 2490),
    refill("COF-FIL-500", "Filter coffee, 500 g", "coffee", "bag", 1290),
    item("COF-GRN", "Burr grinder", "coffee", 8900),
    item("COF-MAC", "Espresso machine", "coffee", 44900),
    item("COF-FRO", "Milk frother", "coffee", 5900),
    refill("COF-DSC", "Descaler", "coffee", "bottle", 990),
    refill("COF-PAP", "Paper filters, 100", "coffee", "pack", 490),
    item("COF-MUG", "Travel mug", "coffee", 1990),
    item("KIT-KNF", "Chef's knife", "kitchen", 7900),
    item("KIT-BRD", "Oak cutting board", "kitchen", 3400),
    item("KIT-PAN", "Cast-iron pan", "kitchen", 6900),
    item("KIT-OVN", "Dutch oven", "kitchen", 12900),
    item("KIT-SHP", "Knife sharpener", "kitchen", 2900),
    item("KIT-APR", "Linen apron", "kitchen", 2400),
    refill("KIT-SPC", "Spice set", "kitchen", "set", 3900),
    item("OUT-TNT", "Tent, 2 persons", "outdoor", 24900),
    item("OUT-SLB", "Sleeping bag", "outdoor", 12900),
    item("OUT-BPK", "Hiking backpack, 40 l", "outdoor", 13900),
    item("OUT-HLP", "Headlamp", "outdoor", 3500),
    item("OUT-STV", "Camping stove", "outdoor", 5900),
    item("OUT-FLT", "Water filter", "outdoor", 4500),
    item("OUT-POL", "Trekking poles", "outdoor", 6900),
    refill("OUT-GAS", "Stove gas, 450 g", "outdoor", "can", 790),
    item("RUN-SHO", "Running shoes", "running", 12900),
    refill("RUN-SCK", "Running socks, 3 pairs", "running", "pack", 1900),
    item("RUN-GPS", "GPS watch", "running", 29900),
    item("RUN-VST", "Hydration vest", "running", 8900),
    item("RUN-JKT", "Rain jacket", "running", 14900),
    refill("RUN-GEL", "Energy gels, 12", "running", "box", 2400),
    item("PHO-CAM", "Mirrorless camera", "photo", 119900),
    item("PHO-LNS", "Zoom lens 24-105", "photo", 69900),
    refill("PHO-SDC", "Memory card, 128 GB", "photo", "pcs", 3900),
    item("PHO-TRI", "Travel tripod", "photo", 11900),
    item("PHO-BAG", "Camera bag", "photo", 8900),
    item("PHO-BAT", "Spare battery", "photo", 5900),
    item("OFF-DSK", "Standing desk", "office", 54900),
    item("OFF-CHR", "Ergonomic chair", "office", 39900),
    item("OFF-ARM", "Monitor arm", "office", 12900),
    item("OFF-LMP", "Desk lamp", "office", 6900),
    item("OFF-KBD", "Mechanical keyboard", "office", 13900),
    item("OFF-MOU", "Wireless mouse", "office", 4900),
    item("OFF-HST", "Headset", "office", 15900),
    refill("OFF-PAP", "Notebooks, 5", "office", "pack", 1500),
    item("KID-BLK", "Wooden blocks", "kids", 3400),
    item("KID-BKS", "Picture books, set of 4", "kids", 2900),
    item("KID-BIK", "Balance bike", "kids", 11900),
    item("KID-PUZ", "Puzzle, 100 pieces", "kids", 1500),
    refill("KID-ART", "Art set", "kids", "set", 2500),
    item("KID-BER", "Plush bear", "kids", 2200),
    item("GAR-SEC", "Secateurs", "garden", 3900),
    item("GAR-HOS", "Garden hose, 25 m", "garden", 4900),
    item("GAR-BED", "Raised bed", "garden", 15900),
    refill("GAR-SED", "Seed kit", "garden", "kit", 1900),
    item("GAR-CAN", "Watering can", "garden", 2400),
    refill("GAR-GLV", "Garden gloves", "garden", "pair", 1400),
    item("SRV-GFT", "Gift wrapping", "services", 490),
    item("SRV-WAR", "Extended warranty, 2 years", "services", 4900),
    item("SRV-DEL", "Home delivery", "services", 990),
    Item {
        sku: "SRV-ASM",
        name: "Assembly service",
        category: "services",
        unit: "hour",
        eur_cents: 7900,
        consumable: false,
    },
];

/// Kinds of customers and what they buy, with weights: the catalogue's
/// affinities.
const PERSONAS: &[(&str, &[(&str, u32)])] = &[
    (
        "home barista",
        &[
            ("COF-ESP-1K", 30),
            ("COF-MAC", 8),
            ("COF-GRN", 8),
            ("COF-FRO", 6),
            ("COF-DSC", 10),
            ("COF-MUG", 5),
            ("KIT-APR", 2),
        ],
    ),
    (
        "home cook",
        &[
            ("KIT-KNF", 10),
            ("KIT-BRD", 8),
            ("KIT-PAN", 10),
            ("KIT-OVN", 7),
            ("KIT-SHP", 6),
            ("KIT-SPC", 20),
            ("COF-FIL-500", 8),
            ("COF-PAP", 6),
        ],
    ),
    (
        "hiker",
        &[
            ("OUT-TNT", 8),
            ("OUT-SLB", 8),
            ("OUT-BPK", 8),
            ("OUT-HLP", 8),
            ("OUT-STV", 7),
            ("OUT-FLT", 6),
            ("OUT-POL", 6),
            ("OUT-GAS", 20),
            ("RUN-JKT", 4),
        ],
    ),
    (
        "runner",
        &[
            ("RUN-SHO", 12),
            ("RUN-SCK", 20),
            ("RUN-GPS", 6),
            ("RUN-VST", 7),
            ("RUN-JKT", 6),
            ("RUN-GEL", 22),
            ("OUT-HLP", 4),
        ],
    ),
    (
        "photographer",
        &[
            ("PHO-CAM", 7),
            ("PHO-LNS", 7),
            ("PHO-SDC", 18),
            ("PHO-TRI", 8),
            ("PHO-BAG", 8),
            ("PHO-BAT", 10),
            ("OUT-BPK", 3),
        ],
    ),
    (
        "remote worker",
        &[
            ("OFF-DSK", 6),
            ("OFF-CHR", 6),
            ("OFF-ARM", 7),
            ("OFF-LMP", 7),
            ("OFF-KBD", 8),
            ("OFF-MOU", 9),
            ("OFF-HST", 7),
            ("OFF-PAP", 18),
            ("COF-ESP-1K", 6),
        ],
    ),
    (
        "young family",
        &[
            ("KID-BLK", 9),
            ("KID-BKS", 12),
            ("KID-BIK", 6),
            ("KID-PUZ", 12),
            ("KID-ART", 16),
            ("KID-BER", 8),
            ("GAR-CAN", 3),
        ],
    ),
    (
        "gardener",
        &[
            ("GAR-SEC", 8),
            ("GAR-HOS", 7),
            ("GAR-BED", 6),
            ("GAR-SED", 22),
            ("GAR-CAN", 7),
            ("GAR-GLV", 16),
            ("KIT-SPC", 4),
        ],
    ),
];

/// What organizations buy: the office and its coffee corner.
const BUSINESS: &[(&str, u32)] = &[
    ("OFF-DSK", 3),
    ("OFF-CHR", 4),
    ("OFF-ARM", 5),
    ("OFF-LMP", 6),
    ("OFF-KBD", 6),
    ("OFF-MOU", 9),
    ("OFF-HST", 6),
    ("OFF-PAP", 24),
    ("COF-ESP-1K", 22),
    ("COF-FIL-500", 8),
    ("COF-MAC", 1),
];

/// Currencies and how many units of each one euro buys.
pub const CURRENCIES: &[(&str, f64)] = &[
    ("EUR", 1.0),
    ("NOK", 11.5),
    ("SEK", 11.2),
    ("PLN", 4.3),
    ("BGN", 1.955_83),
    ("GBP", 0.85),
    ("USD", 1.08),
    ("JPY", 160.0),
];

/// The currency a customer of a country pays in.
fn currency_of(country: &str) -> &'static str {
    match country {
        "NO" => "NOK",
        "SE" => "SEK",
        "PL" => "PLN",
        "BG" => "BGN",
        "GB" => "GBP",
        "US" => "USD",
        "JP" => "JPY",
        _ => "EUR",
    }
}

/// Tier price lists: tier, discount in percent, and the currencies that have one.
const TIER_LISTS: &[(&str, i64)] = &[("gold", 5), ("platinum", 10)];
const TIER_CURRENCIES: &[&str] = &["EUR", "NOK", "SEK", "PLN"];

/// Sales representatives and how good they are at closing.
const OWNERS: &[(&str, f64)] = &[
    ("liga.ozola", 0.7),
    ("janis.kalnins", 0.3),
    ("ingrid.berg", 0.1),
    ("marta.nowak", 0.0),
    ("petar.ivanov", -0.3),
    ("sophie.martin", -0.6),
];

/// Lead and opportunity sources: weight, effect on winning, and the share
/// of such leads that convert.
const SOURCES: &[(&str, u32, f64, f64)] = &[
    ("web", 30, -0.1, 0.25),
    ("referral", 12, 0.9, 0.55),
    ("event", 14, 0.2, 0.35),
    ("partner", 10, 0.5, 0.45),
    ("webinar", 12, 0.0, 0.3),
    ("social", 12, -0.4, 0.18),
    ("cold_call", 10, -0.9, 0.12),
];

const CAMPAIGNS: &[&str] = &[
    "spring-sale-2024",
    "nordic-outdoor-2024",
    "remote-work-webinar",
    "trade-fair-riga-2024",
    "b2b-office-2025",
    "black-friday-2024",
];

/// Where a price list's prices come from.
pub struct PriceListSpec {
    pub new: NewPriceList,
    /// (product index, unit price in minor units).
    pub prices: Vec<(usize, i64)>,
}

/// A party of the sales plan: one of the party plan, the person a lead
/// becomes, or an opportunity's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Party(Ref),
    LeadPerson(usize),
    OppAccount(usize),
}

pub struct LeadSpec {
    pub new: NewLead,
    pub campaign: Option<usize>,
    /// The statuses it goes through after `new`.
    pub path: Vec<LeadStatus>,
    pub disqualify_reason: Option<String>,
    /// Converted: with an opportunity (an index into [`SalesPlan::opps`]).
    pub convert: bool,
    pub opportunity: Option<usize>,
}

pub struct OppSpec {
    /// The account, or `None` for an opportunity a lead's conversion opens.
    pub account: Option<Ref>,
    pub pipeline: usize,
    pub name: String,
    pub currency: &'static str,
    pub amount: i64,
    /// What the deal sells: (product index, quantity).
    pub basket: Vec<(usize, i64)>,
    pub owner: &'static str,
    pub source: &'static str,
    pub expected_close: NaiveDate,
    pub contacts: Vec<Ref>,
    pub partner: Option<Ref>,
    /// Stage indices it moves to after its first stage, in order.
    pub path: Vec<usize>,
    pub reason: Option<&'static str>,
    pub won: bool,
}

pub struct OrderSpec {
    pub party: Who,
    pub channel: OrderChannel,
    pub external_id: String,
    pub currency: &'static str,
    /// An index into [`SalesPlan::price_lists`].
    pub price_list: usize,
    pub status: OrderStatus,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<(usize, i64)>,
    pub opportunity: Option<usize>,
}

pub struct InteractionSpec {
    pub channel: Channel,
    pub direction: Flow,
    pub at: DateTime<Utc>,
    pub minutes: Option<i64>,
    pub subject: String,
    pub outcome: Option<&'static str>,
    pub parties: Vec<(Who, ParticipantRole)>,
    pub order: Option<usize>,
    pub opportunity: Option<usize>,
    pub lead: Option<usize>,
    pub campaign: Option<usize>,
}

pub struct TaskSpec {
    pub subject: String,
    pub party: Who,
    /// Days from the day the demo is made (negative: overdue).
    pub due_in_days: i64,
    pub owner: &'static str,
    pub priority: TaskPriority,
    pub done: bool,
}

/// Everything on the sales side of the demo.
pub struct SalesPlan {
    pub products: Vec<NewProduct>,
    pub price_lists: Vec<PriceListSpec>,
    pub pipelines: Vec<NewPipeline>,
    pub campaigns: Vec<&'static str>,
    pub leads: Vec<LeadSpec>,
    pub opps: Vec<OppSpec>,
    pub orders: Vec<OrderSpec>,
    pub interactions: Vec<InteractionSpec>,
    pub tasks: Vec<TaskSpec>,
}

impl SalesPlan {
    /// Records to create, for the progress bar.
    pub fn records(&self) -> usize {
        self.products.len()
            + self.price_lists.iter().map(|p| 1 + p.prices.len()).sum::<usize>()
            + self.pipelines.len()
            + self.leads.len()
            + self.opps.len()
            + self.orders.len()
            + self.interactions.len()
            + self.tasks.len()
    }
}

// ---------------------------------------------------------------- sampling

fn normal(rng: &mut Rng) -> f64 {
    let u1 = rng.unit().max(1e-12);
    let u2 = rng.unit();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A gamma variate (Marsaglia and Tsang).
fn gamma(rng: &mut Rng, shape: f64, scale: f64) -> f64 {
    if shape < 1.0 {
        let u = rng.unit().max(1e-12);
        return gamma(rng, shape + 1.0, scale) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = rng.unit().max(1e-12);
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v * scale;
        }
    }
}

fn beta(rng: &mut Rng, a: f64, b: f64) -> f64 {
    let x = gamma(rng, a, 1.0);
    let y = gamma(rng, b, 1.0);
    x / (x + y).max(1e-12)
}

fn exponential(rng: &mut Rng, rate: f64) -> f64 {
    -(1.0 - rng.unit()).ln() / rate.max(1e-9)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A time of day on a date, in business hours.
fn at(rng: &mut Rng, day: NaiveDate, from_hour: u32, to_hour: u32) -> DateTime<Utc> {
    let h = rng.range(i64::from(from_hour), i64::from(to_hour.max(from_hour))) as u32;
    let m = rng.below(60) as u32;
    let s = rng.below(60) as u32;
    day.and_hms_opt(h, m, s).unwrap_or_default().and_utc()
}

fn days_before(day: NaiveDate, n: i64) -> NaiveDate {
    day.checked_sub_days(Days::new(n.max(0) as u64)).unwrap_or(day)
}

fn days_after(day: NaiveDate, n: i64) -> NaiveDate {
    day.checked_add_days(Days::new(n.max(0) as u64)).unwrap_or(day)
}

/// A price in a currency from a price in EUR cents, rounded the way shops
/// round: x.99 in most currencies, whole kroner ending in 9, tens of yen.
fn local_price(eur_cents: i64, currency: &str, rate: f64) -> i64 {
    let major = eur_cents as f64 / 100.0 * rate;
    match currency {
        "JPY" => ((major / 10.0).round() * 10.0).max(10.0) as i64,
        "NOK" | "SEK" => {
            let whole = (major / 10.0).ceil() * 10.0 - 1.0;
            (whole.max(9.0) * 100.0) as i64
        }
        _ => ((major.round().max(1.0) - 0.01) * 100.0).round() as i64,
    }
}

// -------------------------------------------------------------------- plan

fn sku_index(sku: &str) -> usize {
    CATALOGUE.iter().position(|i| i.sku == sku).unwrap_or(0)
}

fn weighted_items(list: &[(&str, u32)]) -> (Vec<usize>, Vec<u32>) {
    (list.iter().map(|(s, _)| sku_index(s)).collect(), list.iter().map(|(_, w)| *w).collect())
}

/// One customer who buys: who, where it lives, its tier and whether it
/// has churned.
struct Buyer {
    who: Ref,
    org: bool,
    country: &'static str,
    tier: Option<String>,
    churned: bool,
}

fn buyers(plan: &Plan) -> Vec<Buyer> {
    let mut out = Vec::new();
    let specs = plan
        .orgs
        .iter()
        .enumerate()
        .map(|(i, s)| (Ref::Org(i), s))
        .chain(plan.persons.iter().enumerate().map(|(i, s)| (Ref::Person(i), s)));
    for (who, spec) in specs {
        for r in &spec.new.roles {
            if let RoleDetails::Customer(c) = &r.details {
                use crm_core::LifecycleStage::{Churned, Customer};
                if matches!(c.lifecycle_stage, Customer | Churned) {
                    out.push(Buyer {
                        who,
                        org: spec.new.kind == PartyKind::Organization,
                        country: spec.country,
                        tier: c.tier.clone(),
                        churned: c.lifecycle_stage == Churned,
                    });
                }
            }
        }
    }
    out
}

/// Make the sales plan for a party plan.
pub fn make(seed: u64, plan: &Plan) -> SalesPlan {
    let mut rng = Rng::new(seed ^ 0x5A1E_5EED_0000_0001);
    let products = CATALOGUE
        .iter()
        .map(|i| NewProduct {
            sku: i.sku.to_string(),
            name: i.name.to_string(),
            category: Some(i.category.to_string()),
            unit: Some(i.unit.to_string()),
            description: None,
        })
        .collect();

    // Price lists: retail per currency, then tier lists.
    let mut price_lists = Vec::new();
    for (cur, rate) in CURRENCIES {
        let prices = CATALOGUE.iter().enumerate().map(|(i, it)| (i, local_price(it.eur_cents, cur, *rate))).collect();
        price_lists.push(PriceListSpec { new: NewPriceList::new(format!("Retail {cur}"), *cur), prices });
    }
    for (tier, discount) in TIER_LISTS {
        for cur in TIER_CURRENCIES {
            let rate = CURRENCIES.iter().find(|c| c.0 == *cur).map_or(1.0, |c| c.1);
            let prices = CATALOGUE
                .iter()
                .enumerate()
                .map(|(i, it)| (i, local_price(it.eur_cents * (100 - discount) / 100, cur, rate)))
                .collect();
            let mut new = NewPriceList::new(format!("{} {cur}", capitalize(tier)), *cur);
            new.tier = Some(tier.to_string());
            price_lists.push(PriceListSpec { new, prices });
        }
    }
    let list_of = |cur: &str, tier: Option<&str>| -> usize {
        let tiered = tier
            .and_then(|t| price_lists.iter().position(|p| p.new.currency == cur && p.new.tier.as_deref() == Some(t)));
        tiered.or_else(|| price_lists.iter().position(|p| p.new.currency == cur && p.new.tier.is_none())).unwrap_or(0)
    };
    let price = |list: usize, product: usize| -> i64 {
        price_lists.get(list).and_then(|l| l.prices.iter().find(|p| p.0 == product)).map_or(0, |p| p.1)
    };

    let pipelines = vec![
        NewPipeline {
            name: "New business".into(),
            stages: vec![
                NewStage::open("Qualification", 10),
                NewStage::open("Needs analysis", 25),
                NewStage::open("Proposal", 50),
                NewStage::open("Negotiation", 75),
                NewStage::won("Won"),
                NewStage::lost("Lost"),
            ],
        },
        NewPipeline {
            name: "Partner deals".into(),
            stages: vec![
                NewStage::open("Deal registered", 20),
                NewStage::open("Joint demo", 40),
                NewStage::open("Contract", 70),
                NewStage::won("Won"),
                NewStage::lost("Lost"),
            ],
        },
    ];

    let day0 = days_before(anchor(), 729);
    let buyers = buyers(plan);
    let partners: Vec<Ref> = plan
        .orgs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.new.roles.iter().any(|r| matches!(r.details, RoleDetails::Partner(_))))
        .map(|(i, _)| Ref::Org(i))
        .collect();
    // People of each organization, for contacts on deals.
    let mut people_of: Vec<Vec<usize>> = vec![Vec::new(); plan.orgs.len()];
    for (i, p) in plan.persons.iter().enumerate() {
        if let Some(o) = p.parent
            && let Some(v) = people_of.get_mut(o)
        {
            v.push(i);
        }
    }

    let mut sp = SalesPlan {
        products,
        price_lists: Vec::new(),
        pipelines,
        campaigns: CAMPAIGNS.to_vec(),
        leads: Vec::new(),
        opps: Vec::new(),
        orders: Vec::new(),
        interactions: Vec::new(),
        tasks: Vec::new(),
    };

    // ---- leads
    let n_leads = (plan.persons.len() / 4).max(8);
    let source_w: Vec<u32> = SOURCES.iter().map(|s| s.1).collect();
    for i in 0..n_leads {
        let (source, _, _, convert_rate) = SOURCES[rng.weighted(&source_w)];
        let c = &COUNTRIES[rng.weighted(&COUNTRIES.iter().map(|c| c.weight).collect::<Vec<_>>())];
        let female = rng.chance(0.5);
        let given = *rng.pick(if female { c.female } else { c.male });
        let (m, f) = *rng.pick(c.surnames);
        let family = if female { f } else { m };
        let company = rng.chance(0.6).then(|| {
            let stem = *rng.pick(&["Nord", "Balt", "Vega", "Aster", "Lumen", "Kvadrat", "Polaris", "Orbit", "Delta"]);
            let tail = *rng.pick(&["Systems", "Trading", "Studio", "Logistics", "Foods", "Design", "Consulting"]);
            format!("{stem} {tail} {}", c.code)
        });
        let domain = match &company {
            Some(co) => format!("{}.example", slug(co, "-")),
            None => rng.pick(c.mail_providers).to_string(),
        };
        let email = format!("{}.{}{}@{domain}", slug(given, ""), slug(family, ""), i);
        let campaign = rng.chance(0.55).then(|| rng.below(CAMPAIGNS.len()));
        let owner = OWNERS[rng.below(OWNERS.len())].0;
        let new = NewLead {
            source: Some(source.to_string()),
            campaign_id: None,
            utm: Utm {
                source: Some(if source == "web" { "google" } else { source }.to_string()),
                medium: Some(if campaign.is_some() { "campaign" } else { "organic" }.to_string()),
                campaign: campaign.map(|c| CAMPAIGNS[c].to_string()),
                term: None,
                content: None,
            },
            given_name: Some(native(given).to_string()),
            family_name: Some(native(family).to_string()),
            email: Some(email),
            phone: None,
            company_name: company,
            title: rng
                .chance(0.5)
                .then(|| rng.pick(&["CEO", "Office Manager", "Buyer", "CFO", "Head of IT"]).to_string()),
            country: Some(c.code.to_string()),
            notes: None,
            owner: Some(owner.to_string()),
            created_at: None,
        };
        // Where it ends: converted (by source), disqualified, or still open.
        let r = rng.unit();
        let (path, convert, reason) = if r < convert_rate {
            (vec![LeadStatus::Working, LeadStatus::Qualified], true, None)
        } else if r < convert_rate + 0.3 {
            let why = *rng.pick(&["no budget", "not the decision maker", "student project", "competitor", "no reply"]);
            (vec![LeadStatus::Working, LeadStatus::Disqualified], false, Some(why.to_string()))
        } else {
            match rng.below(3) {
                0 => (Vec::new(), false, None),
                1 => (vec![LeadStatus::Working], false, None),
                _ => (vec![LeadStatus::Working, LeadStatus::Qualified], false, None),
            }
        };
        let lead_ix = sp.leads.len();
        let opportunity = (convert && rng.chance(0.7)).then(|| {
            let cur = currency_of(c.code);
            let basket = business_basket(&mut rng, 1);
            let list = list_of(cur, None);
            let amount = basket.iter().map(|(p, q)| price(list, *p) * q).sum();
            sp.opps.push(OppSpec {
                account: None,
                pipeline: 0,
                name: String::new(),
                currency: cur,
                amount,
                basket,
                owner,
                source,
                expected_close: days_after(anchor(), rng.range(10, 150)),
                contacts: Vec::new(),
                partner: None,
                path: Vec::new(),
                reason: None,
                won: false,
            });
            sp.opps.len() - 1
        });
        // The lead's own interactions before conversion.
        let first = days_before(anchor(), rng.range(5, 400));
        sp.interactions.push(InteractionSpec {
            channel: match source {
                "web" | "social" => Channel::WebVisit,
                "cold_call" => Channel::PhoneCall,
                "event" => Channel::Meeting,
                _ => Channel::Email,
            },
            direction: if source == "cold_call" { Flow::Outbound } else { Flow::Inbound },
            at: at(&mut rng, first, 8, 18),
            minutes: (source == "cold_call" || source == "event").then(|| rng.range(5, 40)),
            subject: format!("First contact ({source})"),
            outcome: Some("interested"),
            parties: Vec::new(),
            order: None,
            opportunity: None,
            lead: Some(lead_ix),
            campaign,
        });
        if !path.is_empty() {
            let day = days_after(first, rng.range(1, 10));
            sp.interactions.push(InteractionSpec {
                channel: Channel::PhoneCall,
                direction: Flow::Outbound,
                at: at(&mut rng, day, 9, 17),
                minutes: Some(rng.range(5, 30)),
                subject: "Qualification call".into(),
                outcome: Some(if reason.is_some() { "not a fit" } else { "qualified" }),
                parties: Vec::new(),
                order: None,
                opportunity: None,
                lead: Some(lead_ix),
                campaign: None,
            });
        }
        if convert && rng.chance(0.3) {
            sp.tasks.push(TaskSpec {
                subject: "Welcome call to a new contact".into(),
                party: Who::LeadPerson(lead_ix),
                due_in_days: rng.range(-7, 14),
                owner,
                priority: TaskPriority::Normal,
                done: rng.chance(0.4),
            });
        }
        sp.leads.push(LeadSpec { new, campaign, path, disqualify_reason: reason, convert, opportunity });
    }

    // ---- opportunities of existing accounts
    let org_accounts: Vec<usize> = plan
        .orgs
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, s)| s.new.roles.iter().any(|r| matches!(r.details, RoleDetails::Customer(_))))
        .map(|(i, _)| i)
        .collect();
    if !org_accounts.is_empty() {
        let n_opps = (plan.orgs.len() * 6 / 5).max(10);
        for _ in 0..n_opps {
            let o = *rng.pick(&org_accounts);
            let spec = &plan.orgs[o];
            let partner_deal = !partners.is_empty() && rng.chance(0.3);
            let source = if partner_deal { "partner" } else { SOURCES[rng.weighted(&source_w)].0 };
            let cur = currency_of(spec.country);
            let size = if rng.chance(0.2) { 3 } else { 1 };
            let basket = business_basket(&mut rng, size);
            let list = list_of(cur, None);
            let amount: i64 = basket.iter().map(|(p, q)| price(list, *p) * q).sum();
            let contacts: Vec<Ref> = match people_of.get(o) {
                Some(v) if !v.is_empty() => {
                    let n = rng.range(1, 2.min(v.len() as i64)) as usize;
                    (0..n).map(|k| Ref::Person(v[(o + k) % v.len()])).collect::<Vec<_>>()
                }
                _ => Vec::new(),
            };
            let owner = OWNERS[rng.below(OWNERS.len())].0;
            let name = format!(
                "{} — {}",
                spec.new.legal_name.as_deref().or(spec.new.display_name.as_deref()).unwrap_or("Account"),
                if size > 1 { "office fit-out" } else { "office supplies" }
            );
            sp.opps.push(OppSpec {
                account: Some(Ref::Org(o)),
                pipeline: usize::from(partner_deal),
                name,
                currency: cur,
                amount,
                basket,
                owner,
                source,
                expected_close: days_after(anchor(), rng.range(-60, 180)),
                contacts: contacts.into_iter().collect(),
                partner: partner_deal.then(|| *rng.pick(&partners)),
                path: Vec::new(),
                reason: None,
                won: false,
            });
        }
    }
    // Outcomes follow the features: source, owner, amount and activity.
    for k in 0..sp.opps.len() {
        let (source, owner, amount_eur, pipeline) = {
            let o = &sp.opps[k];
            let rate = CURRENCIES.iter().find(|c| c.0 == o.currency).map_or(1.0, |c| c.1);
            let scale = 10f64.powi(if o.currency == "JPY" { 0 } else { 2 });
            (o.source, o.owner, o.amount as f64 / scale / rate, o.pipeline)
        };
        let activity = rng.range(0, 7);
        let s_eff = SOURCES.iter().find(|s| s.0 == source).map_or(0.0, |s| s.2);
        let o_eff = OWNERS.iter().find(|s| s.0 == owner).map_or(0.0, |s| s.1);
        let z = 0.2 + s_eff + o_eff - 0.55 * (amount_eur.max(100.0) / 5000.0).ln() + 0.35 * activity as f64 - 2.4;
        let p_win = sigmoid(z);
        let open_stages = if pipeline == 0 { 4 } else { 3 };
        let (won_ix, lost_ix) = (open_stages, open_stages + 1);
        let o = &mut sp.opps[k];
        if rng.chance(0.25) {
            // Still open: somewhere along the stages, further with better odds.
            let reach = ((p_win * open_stages as f64 + rng.unit() * 1.5) as usize).min(open_stages - 1);
            o.path = (1..=reach).collect();
            o.expected_close = days_after(anchor(), rng.range(5, 200));
        } else if rng.chance(p_win) {
            o.path = (1..open_stages).chain([won_ix]).collect();
            o.won = true;
            o.reason = Some(*rng.pick(&["best offer", "relationship", "delivery time", "product fit"]));
        } else {
            let reach = ((p_win * open_stages as f64 * 1.4 * rng.unit()) as usize).min(open_stages - 1);
            o.path = (1..=reach).chain([lost_ix]).collect();
            o.reason = Some(*rng.pick(&["price", "chose a competitor", "no decision", "budget cut", "timing"]));
        }
        // The activity recorded on it: meetings, calls and emails.
        let start = days_before(anchor(), rng.range(30, 420));
        for a in 0..activity {
            let channel = [Channel::Meeting, Channel::PhoneCall, Channel::Email, Channel::Meeting][a as usize % 4];
            let day = days_after(start, a * rng.range(3, 14));
            let mut parties = Vec::new();
            match (o.account, o.contacts.first()) {
                (Some(acc), Some(c)) => {
                    parties.push((Who::Party(acc), ParticipantRole::Attendee));
                    parties.push((Who::Party(*c), ParticipantRole::Attendee));
                }
                (Some(acc), None) => parties.push((Who::Party(acc), ParticipantRole::Attendee)),
                (None, _) => parties.push((Who::OppAccount(k), ParticipantRole::Attendee)),
            }
            sp.interactions.push(InteractionSpec {
                channel,
                direction: Flow::Outbound,
                at: at(&mut rng, day, 9, 17),
                minutes: matches!(channel, Channel::Meeting | Channel::PhoneCall).then(|| rng.range(10, 90)),
                subject: match channel {
                    Channel::Meeting => "Meeting: requirements and offer".to_string(),
                    Channel::PhoneCall => "Call: follow-up on the offer".to_string(),
                    _ => "Offer sent".to_string(),
                },
                outcome: Some(*rng.pick(&["positive", "needs time", "price discussed", "next step agreed"])),
                parties,
                order: None,
                opportunity: Some(k),
                lead: None,
                campaign: None,
            });
        }
        // Open deals get a follow-up task.
        if !o.won && o.reason.is_none() {
            sp.tasks.push(TaskSpec {
                subject: format!("Follow up: {}", if o.name.is_empty() { "converted lead" } else { &o.name }),
                party: o.account.map_or(Who::OppAccount(k), Who::Party),
                due_in_days: rng.range(-25, 40),
                owner: o.owner,
                priority: if o.amount > 500_000 { TaskPriority::High } else { TaskPriority::Normal },
                done: rng.chance(0.15),
            });
        }
    }

    // ---- orders: two years of purchases
    let persona_items: Vec<(Vec<usize>, Vec<u32>)> = PERSONAS.iter().map(|(_, l)| weighted_items(l)).collect();
    let business_items = weighted_items(BUSINESS);
    let services = [sku_index("SRV-GFT"), sku_index("SRV-WAR"), sku_index("SRV-DEL"), sku_index("SRV-ASM")];
    let mut seq = 100_000u64;
    for b in &buyers {
        let (items, weights) = if b.org { &business_items } else { &persona_items[rng.below(PERSONAS.len())] };
        // Heterogeneous rates (purchases a day) and dropout.
        let rate = if b.org { gamma(&mut rng, 1.5, 0.02 / 1.5) } else { gamma(&mut rng, 0.9, 0.02 / 0.9) };
        let mut dropout = beta(&mut rng, 0.7, 4.0);
        if b.churned {
            dropout = dropout.max(0.55);
        }
        let channel_pref = if b.org {
            *rng.pick(&[OrderChannel::Direct, OrderChannel::Partner, OrderChannel::Phone, OrderChannel::WebShop])
        } else {
            [
                OrderChannel::WebShop,
                OrderChannel::Store,
                OrderChannel::Marketplace,
                OrderChannel::Phone,
                OrderChannel::Partner,
            ][rng.weighted(&[45, 28, 14, 8, 5])]
        };
        let cur = currency_of(b.country);
        let list = list_of(cur, b.tier.as_deref());
        let mut t = rng.range(0, 729) as f64;
        let mut owned: Vec<usize> = Vec::new();
        for n in 0..40 {
            let day = days_after(day0, t as i64);
            if day > anchor() {
                break;
            }
            let mut lines: Vec<(usize, i64)> = Vec::new();
            let n_items = 1 + usize::from(rng.chance(0.5)) + usize::from(rng.chance(0.2));
            for _ in 0..n_items * 3 {
                if lines.len() >= n_items {
                    break;
                }
                let p = items[rng.weighted(weights)];
                // Durable goods are bought once; consumables again.
                if lines.iter().any(|l| l.0 == p) || (!CATALOGUE[p].consumable && owned.contains(&p) && !b.org) {
                    continue;
                }
                let qty = if b.org {
                    if CATALOGUE[p].consumable { rng.range(2, 6) } else { rng.range(1, 2) }
                } else if CATALOGUE[p].consumable {
                    rng.range(1, 3)
                } else {
                    1
                };
                lines.push((p, qty));
            }
            if rng.chance(0.1) {
                lines.push((services[rng.below(services.len())], 1));
            }
            if rng.chance(0.05) {
                let p = rng.below(CATALOGUE.len());
                if !lines.iter().any(|l| l.0 == p) {
                    lines.push((p, 1));
                }
            }
            if lines.is_empty() {
                lines.push((items[0], 1));
            }
            owned.extend(lines.iter().map(|l| l.0));
            let channel = if rng.chance(0.8) {
                channel_pref
            } else {
                *rng.pick(&[
                    OrderChannel::WebShop,
                    OrderChannel::Store,
                    OrderChannel::Marketplace,
                    OrderChannel::Phone,
                    OrderChannel::Partner,
                ])
            };
            let age = (anchor() - day).num_days();
            let status = if rng.chance(0.03) {
                OrderStatus::Cancelled
            } else if rng.chance(0.02) && age > 20 {
                OrderStatus::Returned
            } else if age < 3 {
                OrderStatus::Placed
            } else if age < 6 {
                OrderStatus::Paid
            } else if age < 10 {
                OrderStatus::Shipped
            } else {
                OrderStatus::Delivered
            };
            seq += 1;
            let prefix = match channel {
                OrderChannel::WebShop => "WEB",
                OrderChannel::Store => "POS",
                OrderChannel::Marketplace => "MKT",
                OrderChannel::Phone => "TEL",
                OrderChannel::Partner => "PRT",
                OrderChannel::Direct => "DIR",
            };
            let placed_at = at(&mut rng, day, 7, 21);
            let order_ix = sp.orders.len();
            let external_id = format!("{prefix}-{seq}");
            // The interaction the order came with, on its channel.
            let (ch, dir, subject) = match channel {
                OrderChannel::WebShop => (Channel::Email, Flow::Outbound, format!("Order confirmation {external_id}")),
                OrderChannel::Store => (Channel::StoreVisit, Flow::Inbound, format!("Store purchase {external_id}")),
                OrderChannel::Marketplace => (Channel::Chat, Flow::Inbound, format!("Question about {external_id}")),
                OrderChannel::Phone => (Channel::PhoneCall, Flow::Inbound, format!("Phone order {external_id}")),
                OrderChannel::Partner => (Channel::Portal, Flow::Inbound, format!("Partner order {external_id}")),
                OrderChannel::Direct => (Channel::Email, Flow::Outbound, format!("Order confirmation {external_id}")),
            };
            if channel != OrderChannel::Marketplace || rng.chance(0.3) {
                sp.interactions.push(InteractionSpec {
                    channel: ch,
                    direction: dir,
                    at: placed_at,
                    minutes: matches!(ch, Channel::PhoneCall | Channel::StoreVisit).then(|| rng.range(3, 25)),
                    subject,
                    outcome: Some("order placed"),
                    parties: vec![(Who::Party(b.who), ParticipantRole::To)],
                    order: Some(order_ix),
                    opportunity: None,
                    lead: None,
                    campaign: None,
                });
            }
            if channel == OrderChannel::WebShop && rng.chance(0.3) {
                sp.interactions.push(InteractionSpec {
                    channel: Channel::WebVisit,
                    direction: Flow::Inbound,
                    at: placed_at - chrono::Duration::minutes(rng.range(5, 90)),
                    minutes: Some(rng.range(2, 30)),
                    subject: format!("Viewed {}", CATALOGUE[lines[0].0].name),
                    outcome: Some("added to cart"),
                    parties: vec![(Who::Party(b.who), ParticipantRole::From)],
                    order: Some(order_ix),
                    opportunity: None,
                    lead: None,
                    campaign: None,
                });
            }
            sp.orders.push(OrderSpec {
                party: Who::Party(b.who),
                channel,
                external_id,
                currency: cur,
                price_list: list,
                status,
                placed_at,
                lines,
                opportunity: None,
            });
            // Drop out after a purchase, or wait for the next one.
            if n > 0 && rng.chance(dropout) {
                break;
            }
            t += exponential(&mut rng, rate);
        }
        // Marketing and service on the other channels.
        let who = Who::Party(b.who);
        if rng.chance(0.5) {
            let day = days_before(anchor(), rng.range(0, 700));
            sp.interactions.push(InteractionSpec {
                channel: Channel::Email,
                direction: Flow::Outbound,
                at: at(&mut rng, day, 6, 9),
                minutes: None,
                subject: "Newsletter: new arrivals".into(),
                outcome: Some(*rng.pick(&["opened", "clicked", "not opened", "not opened"])),
                parties: vec![(who, ParticipantRole::To)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: Some(rng.below(CAMPAIGNS.len())),
            });
        }
        if rng.chance(0.2) {
            let day = days_before(anchor(), rng.range(0, 700));
            sp.interactions.push(InteractionSpec {
                channel: Channel::Sms,
                direction: Flow::Outbound,
                at: at(&mut rng, day, 10, 18),
                minutes: None,
                subject: "Weekend offer: 15 % off".into(),
                outcome: None,
                parties: vec![(who, ParticipantRole::To)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: Some(rng.below(CAMPAIGNS.len())),
            });
        }
        if rng.chance(0.12) {
            let day = days_before(anchor(), rng.range(0, 700));
            sp.interactions.push(InteractionSpec {
                channel: Channel::Social,
                direction: Flow::Inbound,
                at: at(&mut rng, day, 8, 23),
                minutes: None,
                subject: (*rng.pick(&["Tagged us in a post", "Review on our page", "Question by direct message"]))
                    .to_string(),
                outcome: None,
                parties: vec![(who, ParticipantRole::From)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: None,
            });
        }
        if rng.chance(0.1) {
            let day = days_before(anchor(), rng.range(0, 700));
            let subject = *rng.pick(&["Delivery is late", "How do I descale?", "Size exchange", "Invoice copy"]);
            sp.interactions.push(InteractionSpec {
                channel: Channel::Chat,
                direction: Flow::Inbound,
                at: at(&mut rng, day, 8, 22),
                minutes: Some(rng.range(2, 20)),
                subject: subject.to_string(),
                outcome: Some(*rng.pick(&["resolved", "resolved", "escalated"])),
                parties: vec![(who, ParticipantRole::From)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: None,
            });
            if rng.chance(0.4) {
                sp.tasks.push(TaskSpec {
                    subject: format!("Call back: {subject}"),
                    party: who,
                    due_in_days: rng.range(-10, 10),
                    owner: "customer.service",
                    priority: TaskPriority::High,
                    done: rng.chance(0.3),
                });
            }
        }
        if b.org && rng.chance(0.5) {
            let day = days_before(anchor(), rng.range(0, 700));
            sp.interactions.push(InteractionSpec {
                channel: Channel::Portal,
                direction: Flow::Inbound,
                at: at(&mut rng, day, 8, 18),
                minutes: Some(rng.range(2, 30)),
                subject: "Downloaded invoices".into(),
                outcome: None,
                parties: vec![(who, ParticipantRole::From)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: None,
            });
        }
        if b.churned || rng.chance(0.05) {
            let day = days_before(anchor(), rng.range(0, 300));
            sp.interactions.push(InteractionSpec {
                channel: Channel::Letter,
                direction: Flow::Outbound,
                at: at(&mut rng, day, 9, 12),
                minutes: None,
                subject: if b.churned { "We miss you: a voucher inside" } else { "Loyalty statement" }.into(),
                outcome: None,
                parties: vec![(who, ParticipantRole::To)],
                order: None,
                opportunity: None,
                lead: None,
                campaign: None,
            });
            if b.churned && rng.chance(0.3) {
                sp.tasks.push(TaskSpec {
                    subject: "Win-back call".into(),
                    party: who,
                    due_in_days: rng.range(-20, 30),
                    owner: OWNERS[rng.below(OWNERS.len())].0,
                    priority: TaskPriority::Low,
                    done: false,
                });
            }
        }
    }
    // Won deals become orders, placed when they closed.
    for (k, o) in sp.opps.iter().enumerate() {
        if !o.won {
            continue;
        }
        let day = days_before(anchor(), rng.range(0, 120));
        seq += 1;
        sp.orders.push(OrderSpec {
            party: o.account.map_or(Who::OppAccount(k), Who::Party),
            channel: if o.partner.is_some() { OrderChannel::Partner } else { OrderChannel::Direct },
            external_id: format!("DIR-{seq}"),
            currency: o.currency,
            price_list: list_of(o.currency, None),
            status: OrderStatus::Delivered,
            placed_at: at(&mut rng, day, 9, 17),
            lines: o.basket.clone(),
            opportunity: Some(k),
        });
    }
    sp.price_lists = price_lists;
    sp
}

/// What a business deal sells: office furniture and the coffee corner, in
/// quantities; `size` scales it.
fn business_basket(rng: &mut Rng, size: i64) -> Vec<(usize, i64)> {
    let (items, weights) = weighted_items(BUSINESS);
    let n = rng.range(1, 3);
    let mut out: Vec<(usize, i64)> = Vec::new();
    for _ in 0..n * 3 {
        if out.len() as i64 >= n {
            break;
        }
        let p = items[rng.weighted(&weights)];
        if !out.iter().any(|l| l.0 == p) {
            out.push((p, rng.range(2, 10) * size));
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sales() {
        let plan = super::super::plan::make(7, 200, 30);
        let a = make(7, &plan);
        let b = make(7, &plan);
        assert_eq!(a.orders.len(), b.orders.len());
        assert_eq!(a.interactions.len(), b.interactions.len());
        assert!(a.orders.iter().zip(&b.orders).all(|(x, y)| x.placed_at == y.placed_at && x.lines == y.lines));
        assert!(!a.orders.is_empty() && !a.leads.is_empty() && !a.opps.is_empty());
    }

    #[test]
    fn samplers_have_their_means() {
        let mut rng = Rng::new(1);
        let n = 20_000;
        let g: f64 = (0..n).map(|_| gamma(&mut rng, 0.9, 2.0)).sum::<f64>() / n as f64;
        assert!((g - 1.8).abs() < 0.08, "{g}");
        let b: f64 = (0..n).map(|_| beta(&mut rng, 0.8, 3.5)).sum::<f64>() / n as f64;
        assert!((b - 0.8 / 4.3).abs() < 0.01, "{b}");
    }

    #[test]
    fn prices_look_like_prices() {
        assert_eq!(local_price(2490, "EUR", 1.0), 2499);
        assert_eq!(local_price(2490, "NOK", 11.5), 28900);
        assert_eq!(local_price(2490, "JPY", 160.0), 3980);
        assert!(CATALOGUE.iter().all(|i| PERSONAS.iter().flat_map(|p| p.1).any(|(s, _)| *s == i.sku)
            || BUSINESS.iter().any(|(s, _)| *s == i.sku)
            || i.category == "services"));
    }
}
