//! The command line: every command, argument and option.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// An embeddable CRM core on one SQLite file: parties and their
/// relationships, interactions and tasks, leads, opportunities, products,
/// orders, search, duplicates and reports.
#[derive(Debug, Parser)]
#[command(name = "crm", version, propagate_version = true)]
pub struct Cli {
    /// The database file.
    #[arg(long, global = true, env = "CRM_DB", default_value = "crm.db")]
    pub db: PathBuf,

    /// Print JSON instead of tables (errors too, on stderr).
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a realistic demo base: persons and organizations from many
    /// countries, roles, contact points, custom fields, relationships.
    Demo(DemoArgs),
    /// Create, show, list and find persons and organizations.
    #[command(subcommand)]
    Party(PartyCommand),
    /// Relate parties and walk the relationship graph.
    #[command(subcommand)]
    Rel(RelCommand),
    /// A party's interactions, newest first (an organization's include its
    /// people's).
    Timeline(TimelineArgs),
    /// Record and search interactions.
    #[command(subcommand)]
    Interaction(InteractionCommand),
    /// Create, list and complete tasks.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Sales pipelines: their stages with counts and amounts.
    Pipeline {
        #[command(subcommand)]
        command: Option<PipelineCommand>,
    },
    /// Opportunities: add, move through stages, show.
    #[command(subcommand)]
    Opp(OppCommand),
    /// Leads: add, list, convert into parties and an opportunity.
    #[command(subcommand)]
    Lead(LeadCommand),
    /// The product catalogue.
    #[command(subcommand)]
    Product(ProductCommand),
    /// Price lists and their prices.
    #[command(name = "price-list", subcommand)]
    PriceList(PriceListCommand),
    /// Orders from every channel.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Full-text search over parties (names, contact points, tags, notes).
    Search(SearchArgs),
    /// Find and merge duplicate parties, and undo a merge.
    #[command(subcommand)]
    Dedup(DedupCommand),
    /// Sales and customer reports as tables, or one HTML page with charts.
    Report(ReportArgs),
    /// Import parties from CSV or vCard, or a base or selection from JSON.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export the base or a selection as JSON lines, or parties as vCards.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many persons.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub persons: u32,
    /// How many organizations (the first is the base's own company).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..=200_000))]
    pub organizations: u32,
    /// The seed: the same seed makes the same base (apart from ids and
    /// timestamps).
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// Replace an existing CRM database at the path (it is deleted first).
    #[arg(long)]
    pub force: bool,
    /// Parties per transaction.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch: u32,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum PartyCommand {
    /// Create a person or an organization.
    Add(AddArgs),
    /// Show a party with its roles, contact points, tags, custom fields and
    /// relationships.
    Show {
        /// The party: its id, or an email address or +phone number it has.
        party: String,
        /// Also show the audit history of the party and what it holds.
        #[arg(long)]
        history: bool,
    },
    /// List parties, a page at a time.
    List(ListArgs),
    /// Find parties by email, phone number or the start of the name.
    Find {
        /// An email address, a phone number or the start of a name.
        text: String,
        /// The region to read a phone number without +country in (e.g. LV).
        #[arg(long)]
        region: Option<String>,
        /// At most this many matches by name.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Person,
    #[value(alias = "org")]
    Organization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Customer,
    Partner,
    Supplier,
    Employee,
    Stakeholder,
    Competitor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    Subscriber,
    Lead,
    Prospect,
    Customer,
    Churned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartnerTypeArg {
    Reseller,
    Referral,
    Distributor,
    Technology,
    Integrator,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StakeholderTypeArg {
    Investor,
    Regulator,
    Community,
    Media,
    Government,
    Union,
    Other,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Person or organization; by default a person when --given or
    /// --family is set, else an organization.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// A person's given name.
    #[arg(long)]
    pub given: Option<String>,
    /// A person's family name.
    #[arg(long)]
    pub family: Option<String>,
    /// An organization's legal name, or a person's display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Email address (repeatable; the first is primary).
    #[arg(long = "email")]
    pub emails: Vec<String>,
    /// Phone number, best with +country (repeatable).
    #[arg(long = "phone")]
    pub phones: Vec<String>,
    /// The region to read phone numbers without +country in (e.g. LV).
    #[arg(long)]
    pub region: Option<String>,
    /// Web site.
    #[arg(long)]
    pub web: Option<String>,
    /// Social identity as network:handle, e.g. linkedin:in/anna (repeatable).
    #[arg(long = "social")]
    pub socials: Vec<String>,
    /// Address: ISO country code (LV, NO, BG, …).
    #[arg(long)]
    pub country: Option<String>,
    /// Address: street and number.
    #[arg(long)]
    pub street: Option<String>,
    /// Address: city.
    #[arg(long)]
    pub city: Option<String>,
    /// Address: postal code.
    #[arg(long)]
    pub postal: Option<String>,
    /// Address: state, province or county.
    #[arg(long)]
    pub state: Option<String>,
    /// A role (repeatable).
    #[arg(long = "role", value_enum)]
    pub roles: Vec<RoleArg>,
    /// Customer or partner tier (gold, silver, …).
    #[arg(long)]
    pub tier: Option<String>,
    /// A VIP customer.
    #[arg(long)]
    pub vip: bool,
    /// Customer lifecycle stage.
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    /// Partner type.
    #[arg(long, value_enum)]
    pub partner_type: Option<PartnerTypeArg>,
    /// Stakeholder type.
    #[arg(long, value_enum)]
    pub stakeholder_type: Option<StakeholderTypeArg>,
    /// Supplier category.
    #[arg(long)]
    pub category: Option<String>,
    /// Employee department.
    #[arg(long)]
    pub department: Option<String>,
    /// Employee job title.
    #[arg(long)]
    pub title: Option<String>,
    /// A tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// A custom field value as name=value (repeatable).
    #[arg(long = "custom", value_name = "NAME=VALUE")]
    pub custom: Vec<String>,
    /// The organization it belongs to (id, email or phone).
    #[arg(long)]
    pub parent: Option<String>,
    /// Preferred language (BCP 47: lv, nb-NO, bg, …).
    #[arg(long)]
    pub language: Option<String>,
    /// A person's date of birth (YYYY-MM-DD).
    #[arg(long)]
    pub birth_date: Option<NaiveDate>,
    /// An organization's VAT number.
    #[arg(long)]
    pub vat: Option<String>,
    /// An organization's company-register number.
    #[arg(long)]
    pub registration: Option<String>,
    /// An organization's industry.
    #[arg(long)]
    pub industry: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchivedArg {
    Exclude,
    Include,
    Only,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Name,
    Created,
    Updated,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Persons or organizations.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Holding this role.
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Having this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// In this country (ISO code of the primary address).
    #[arg(long)]
    pub country: Option<String>,
    /// Whose name starts with this text.
    #[arg(long)]
    pub name_prefix: Option<String>,
    /// Belonging directly to this organization (id, email or phone).
    #[arg(long)]
    pub parent: Option<String>,
    /// With a custom field value, as name=value (repeatable).
    #[arg(long = "custom", value_name = "NAME=VALUE")]
    pub custom: Vec<String>,
    /// Archived parties: exclude (default), include or only.
    #[arg(long, value_enum, default_value_t = ArchivedArg::Exclude)]
    pub archived: ArchivedArg,
    /// Sort order.
    #[arg(long, value_enum, default_value_t = SortArg::Name)]
    pub sort: SortArg,
    /// Reverse the order.
    #[arg(long)]
    pub desc: bool,
    /// Page size (1 to 1000).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Continue after this cursor (printed under the previous page).
    #[arg(long)]
    pub after: Option<String>,
    /// Also count every matching party.
    #[arg(long)]
    pub count: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    #[value(alias = "out")]
    Outgoing,
    #[value(alias = "in")]
    Incoming,
    Both,
}

#[derive(Debug, Subcommand)]
pub enum RelCommand {
    /// Relate two parties: `crm rel add employee_of <person> <organization>`.
    Add {
        /// The relationship type's code (see `crm rel types`).
        #[arg(value_name = "TYPE")]
        type_code: String,
        /// The party it is read from (id, email or phone).
        from: String,
        /// The party it points to (id, email or phone).
        to: String,
        /// First day it holds (YYYY-MM-DD).
        #[arg(long)]
        from_date: Option<NaiveDate>,
        /// Last day it holds (YYYY-MM-DD).
        #[arg(long)]
        to_date: Option<NaiveDate>,
        /// How strong it is, from 0 to 1.
        #[arg(long)]
        strength: Option<f64>,
        /// Free text.
        #[arg(long)]
        notes: Option<String>,
    },
    /// The parties related to one party.
    List {
        /// The party (id, email or phone).
        party: String,
        /// Only relationships of this type.
        #[arg(long = "type", value_name = "TYPE")]
        type_code: Option<String>,
        /// Which way to follow relationships.
        #[arg(long, value_enum, default_value_t = DirectionArg::Both)]
        direction: DirectionArg,
        /// Only relationships that hold on this date (YYYY-MM-DD).
        #[arg(long)]
        at: Option<NaiveDate>,
        /// Include archived parties.
        #[arg(long)]
        include_archived: bool,
    },
    /// The relationship types of the base.
    Types,
    /// The shortest chain of relationships between two parties.
    Path {
        /// Where the path starts (id, email or phone).
        a: String,
        /// Where it ends (id, email or phone).
        b: String,
        /// At most this many hops (1 to 6).
        #[arg(long, default_value_t = 4)]
        depth: usize,
        /// Only relationships that hold on this date (YYYY-MM-DD).
        #[arg(long)]
        at: Option<NaiveDate>,
    },
    /// Everyone at an organization: sub-organizations, their people and
    /// members by relationship.
    Members {
        /// The organization (id, email or phone).
        org: String,
        /// Only memberships that hold on this date (YYYY-MM-DD).
        #[arg(long)]
        at: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    Email,
    #[value(alias = "phone", alias = "call")]
    PhoneCall,
    Meeting,
    Chat,
    Sms,
    #[value(alias = "web")]
    WebVisit,
    Social,
    #[value(alias = "store")]
    StoreVisit,
    Letter,
    Portal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
    #[value(alias = "in")]
    Inbound,
    #[value(alias = "out")]
    Outbound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParticipantRoleArg {
    From,
    To,
    Cc,
    Attendee,
    Organizer,
    Mentioned,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// The party (id, email or phone).
    pub party: String,
    /// Only this channel.
    #[arg(long, value_enum)]
    pub channel: Option<ChannelArg>,
    /// Happened on or after (YYYY-MM-DD or an RFC 3339 time).
    #[arg(long)]
    pub from: Option<String>,
    /// Happened before (YYYY-MM-DD or an RFC 3339 time).
    #[arg(long)]
    pub to: Option<String>,
    /// Page size (1 to 1000).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Continue after this cursor (printed under the previous page).
    #[arg(long)]
    pub after: Option<String>,
    /// For an organization, leave out its people and sub-organizations.
    #[arg(long)]
    pub no_members: bool,
}

#[derive(Debug, Subcommand)]
pub enum InteractionCommand {
    /// Record an interaction with one or more parties.
    Add(InteractionAddArgs),
    /// Find interactions by the words of their subject or outcome, best
    /// first (whole words of the subject first), the most recently
    /// recorded first among equals.
    Search(InteractionSearchArgs),
}

#[derive(Debug, Args)]
pub struct InteractionSearchArgs {
    /// The words to find, each as the start of a word.
    pub text: String,
    /// Only those this party took part in (id, email or phone).
    #[arg(long)]
    pub party: Option<String>,
    /// At most this many hits (1 to 1000).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct InteractionAddArgs {
    /// The channel.
    #[arg(long, value_enum)]
    pub channel: ChannelArg,
    /// A one-line subject.
    #[arg(long)]
    pub subject: String,
    /// A party that took part (id, email or phone; repeatable).
    #[arg(long = "party", required = true)]
    pub parties: Vec<String>,
    /// The part the parties played.
    #[arg(long, value_enum, default_value_t = ParticipantRoleArg::Attendee)]
    pub role: ParticipantRoleArg,
    /// Inbound (they reached us) or outbound.
    #[arg(long, value_enum, default_value_t = FlowArg::Inbound)]
    pub direction: FlowArg,
    /// When it happened (YYYY-MM-DD or an RFC 3339 time); now if not given.
    #[arg(long)]
    pub at: Option<String>,
    /// How long it took, in minutes.
    #[arg(long)]
    pub minutes: Option<i64>,
    /// The text or a summary.
    #[arg(long)]
    pub body: Option<String>,
    /// How it ended ("order placed", "call back", …).
    #[arg(long)]
    pub outcome: Option<String>,
    /// The opportunity it was about (id).
    #[arg(long)]
    pub opportunity: Option<String>,
    /// The order it was about (id).
    #[arg(long)]
    pub order: Option<String>,
    /// The lead it was with (id).
    #[arg(long)]
    pub lead: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PriorityArg {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Create a task.
    Add {
        /// What to do.
        #[arg(long)]
        subject: String,
        /// The party it concerns (id, email or phone).
        #[arg(long)]
        party: Option<String>,
        /// When it is due (YYYY-MM-DD, the end of that day UTC, or an RFC 3339 time).
        #[arg(long)]
        due: Option<String>,
        /// Who does it.
        #[arg(long)]
        owner: Option<String>,
        /// How urgent.
        #[arg(long, value_enum, default_value_t = PriorityArg::Normal)]
        priority: PriorityArg,
        /// Details.
        #[arg(long)]
        description: Option<String>,
    },
    /// A party's open tasks, soonest due first.
    List {
        /// The party (id, email or phone).
        party: String,
    },
    /// Mark a task done.
    Done {
        /// The task's id.
        task: String,
    },
    /// Everyone's open tasks that are past due, most overdue first.
    Overdue {
        /// Only this owner's.
        #[arg(long)]
        owner: Option<String>,
        /// At most this many (1 to 1000).
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Every pipeline with its stages' counts and amounts.
    List,
    /// One pipeline: its stages with counts, amounts and weighted amounts.
    Show {
        /// The pipeline (name or id).
        pipeline: String,
    },
    /// Create a pipeline: open stages in order, then a won and a lost stage.
    Add {
        /// Its name.
        name: String,
        /// An open stage as NAME:PROBABILITY (repeatable, in order).
        #[arg(long = "stage", value_name = "NAME:PERCENT", required = true)]
        stages: Vec<String>,
        /// The won stage's name.
        #[arg(long, default_value = "Won")]
        won: String,
        /// The lost stage's name.
        #[arg(long, default_value = "Lost")]
        lost: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OppCommand {
    /// Open an opportunity.
    Add {
        /// Its name.
        #[arg(long)]
        name: String,
        /// The account: the organization or person buying (id, email or phone).
        #[arg(long)]
        account: String,
        /// The pipeline (name or id).
        #[arg(long)]
        pipeline: String,
        /// The amount in major units (1234.50).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// The currency (ISO 4217).
        #[arg(long, default_value = "EUR")]
        currency: String,
        /// The stage to start in (name or id); the first if not given.
        #[arg(long)]
        stage: Option<String>,
        /// Its own win probability in percent.
        #[arg(long)]
        probability: Option<u8>,
        /// When it is expected to close (YYYY-MM-DD).
        #[arg(long)]
        close: Option<NaiveDate>,
        /// Who works on it.
        #[arg(long)]
        owner: Option<String>,
        /// Where it came from (web, referral, event, …).
        #[arg(long)]
        source: Option<String>,
    },
    /// Move an opportunity to another stage of its pipeline.
    Move {
        /// The opportunity's id.
        opportunity: String,
        /// The stage (name or id); a won or lost stage closes it.
        stage: String,
        /// Why it was won or lost.
        #[arg(long)]
        reason: Option<String>,
    },
    /// An opportunity with its stage history and contacts.
    Show {
        /// The opportunity's id.
        opportunity: String,
    },
    /// The opportunities of an account.
    List {
        /// The account (id, email or phone).
        account: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LeadStatusArg {
    New,
    Working,
    Qualified,
    Converted,
    Disqualified,
}

#[derive(Debug, Subcommand)]
pub enum LeadCommand {
    /// Record a lead.
    Add {
        /// Given name.
        #[arg(long)]
        given: Option<String>,
        /// Family name.
        #[arg(long)]
        family: Option<String>,
        /// Email.
        #[arg(long)]
        email: Option<String>,
        /// Phone, best with +country.
        #[arg(long)]
        phone: Option<String>,
        /// Company name.
        #[arg(long)]
        company: Option<String>,
        /// Job title.
        #[arg(long)]
        title: Option<String>,
        /// ISO 3166 country.
        #[arg(long)]
        country: Option<String>,
        /// Where it came from (web, referral, event, …).
        #[arg(long)]
        source: Option<String>,
        /// The campaign (utm_campaign).
        #[arg(long)]
        campaign: Option<String>,
        /// Who works on it.
        #[arg(long)]
        owner: Option<String>,
        /// Free text.
        #[arg(long)]
        notes: Option<String>,
    },
    /// Leads, newest first.
    List {
        /// Only in this status.
        #[arg(long, value_enum)]
        status: Option<LeadStatusArg>,
        /// At most this many (1 to 1000).
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Convert a lead into a person, an organization (when it names a
    /// company) and, if asked, an opportunity.
    Convert {
        /// The lead's id.
        lead: String,
        /// Open an opportunity in this pipeline (name or id).
        #[arg(long)]
        opportunity_pipeline: Option<String>,
        /// The opportunity's amount in major units (1234.50).
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// The opportunity's currency.
        #[arg(long, default_value = "EUR")]
        currency: String,
        /// The opportunity's name (default: the company's or person's).
        #[arg(long)]
        opportunity_name: Option<String>,
        /// When the opportunity is expected to close (YYYY-MM-DD).
        #[arg(long)]
        close: Option<NaiveDate>,
        /// Use this existing person instead of a new one (id, email or phone).
        #[arg(long)]
        person: Option<String>,
        /// Use this existing organization instead of a new one (id, email or phone).
        #[arg(long)]
        organization: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// Add a product.
    Add {
        /// The stock-keeping unit (unique).
        #[arg(long)]
        sku: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// Its category.
        #[arg(long)]
        category: Option<String>,
        /// The unit it is sold in (default pcs).
        #[arg(long)]
        unit: Option<String>,
        /// A description.
        #[arg(long)]
        description: Option<String>,
    },
    /// The catalogue, by SKU.
    List {
        /// Only this category.
        #[arg(long)]
        category: Option<String>,
        /// Include products no longer sold.
        #[arg(long)]
        include_inactive: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PriceListCommand {
    /// Add a price list in one currency, for everyone or a customer tier.
    Add {
        /// Its name (unique).
        name: String,
        /// Its currency (ISO 4217).
        #[arg(long)]
        currency: String,
        /// Only for customers of this tier.
        #[arg(long)]
        tier: Option<String>,
        /// Only for parties with this tag.
        #[arg(long)]
        segment: Option<String>,
        /// First day it holds (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day it holds (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Set a product's price in a price list.
    Set {
        /// The price list (name or id).
        price_list: String,
        /// The product's SKU.
        sku: String,
        /// The unit price in major units (12.50).
        #[arg(allow_hyphen_values = true)]
        price: String,
    },
    /// Every price list.
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderChannelArg {
    #[value(alias = "web")]
    WebShop,
    Store,
    Partner,
    Phone,
    Marketplace,
    Direct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderStatusArg {
    Draft,
    Placed,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    Returned,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Create an order.
    Add {
        /// The customer (id, email or phone).
        #[arg(long)]
        party: String,
        /// The currency (ISO 4217).
        #[arg(long)]
        currency: String,
        /// A line as SKU:QUANTITY or SKU:QUANTITY:UNIT_PRICE (repeatable);
        /// without a price, the price list's or the customer's best price.
        #[arg(long = "line", value_name = "SKU:QTY[:PRICE]", required = true, allow_hyphen_values = true)]
        lines: Vec<String>,
        /// Where it came from.
        #[arg(long, value_enum, default_value_t = OrderChannelArg::Direct)]
        channel: OrderChannelArg,
        /// Price the lines from this price list (name or id).
        #[arg(long)]
        price_list: Option<String>,
        /// Its status.
        #[arg(long, value_enum, default_value_t = OrderStatusArg::Placed)]
        status: OrderStatusArg,
        /// When it was placed (YYYY-MM-DD or an RFC 3339 time); now if not given.
        #[arg(long)]
        placed_at: Option<String>,
        /// The id the shop or till gave it.
        #[arg(long)]
        external_id: Option<String>,
        /// The tax rate of every line in percent (21, 25.5).
        #[arg(long)]
        tax: Option<String>,
    },
    /// An order with its lines and status history.
    Show {
        /// The order's id.
        order: String,
    },
    /// Orders, newest first, a page at a time.
    List {
        /// Of this customer (id, email or phone).
        #[arg(long)]
        party: Option<String>,
        /// In this status.
        #[arg(long, value_enum)]
        status: Option<OrderStatusArg>,
        /// Placed on or after (YYYY-MM-DD or an RFC 3339 time).
        #[arg(long)]
        from: Option<String>,
        /// Placed before (YYYY-MM-DD or an RFC 3339 time).
        #[arg(long)]
        to: Option<String>,
        /// Page size (1 to 1000).
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Continue after this cursor.
        #[arg(long)]
        after: Option<String>,
    },
    /// Change an order's status (draft → placed → paid → shipped →
    /// delivered; cancelled before shipping, returned after).
    Status {
        /// The order's id.
        order: String,
        /// The new status.
        #[arg(value_enum)]
        status: OrderStatusArg,
    },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The words to find, each as the start of a word.
    pub text: String,
    /// Persons or organizations.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Holding this role.
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Having this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// In this country.
    #[arg(long)]
    pub country: Option<String>,
    /// With a custom field value, as name=value (repeatable).
    #[arg(long = "custom", value_name = "NAME=VALUE")]
    pub custom: Vec<String>,
    /// At most this many hits (1 to 1000).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Light hits, as for type-ahead: score, name, kind and id only (the
    /// same hits in the same order, without reading the rest of each
    /// party).
    #[arg(long)]
    pub light: bool,
}

#[derive(Debug, Subcommand)]
pub enum DedupCommand {
    /// Scan the base for likely duplicates, best first.
    Scan {
        /// Only persons or only organizations.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// At most this many pairs.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Merge parties into a survivor; everything they hold moves to it.
    Merge {
        /// The party that stays (id, email or phone).
        survivor: String,
        /// The parties merged into it (id, email or phone).
        #[arg(required = true)]
        others: Vec<String>,
        /// Keep this party's value of a field: field=party (repeatable;
        /// fields such as birth_date, language, vat_number, custom.<name>).
        #[arg(long = "choose", value_name = "FIELD=PARTY")]
        choose: Vec<String>,
    },
    /// Undo a merge while nothing has touched the merged records.
    Undo {
        /// The merge's id (printed by `crm dedup merge`).
        merge_id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RevenueByArg {
    Total,
    Product,
    Category,
    Tier,
    Country,
    Channel,
    Segment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FunnelByArg {
    All,
    Owner,
    Source,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    /// Write every report as one self-contained HTML page with charts.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The currency of the customer reports.
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// The day the customer reports look from (default: the day of the
    /// latest order).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct CustomerReportArgs {
    /// The currency of the orders (ISO 4217).
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// The day to look from (default: the day of the latest order).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// At most this many customers listed.
    #[arg(long, default_value_t = 15)]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The funnel of each pipeline (or one): stages reached, conversion, win
    /// rate; and the lead funnel by source.
    Funnel {
        /// Only this pipeline (name or id).
        #[arg(long)]
        pipeline: Option<String>,
        /// One funnel per owner or per source.
        #[arg(long, value_enum, default_value_t = FunnelByArg::All)]
        by: FunnelByArg,
        /// Opportunities and leads created on or after (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Created before (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
    /// The weighted pipeline of open opportunities by month of expected close.
    Forecast {
        /// Only this pipeline (name or id).
        #[arg(long)]
        pipeline: Option<String>,
    },
    /// Revenue by period, cut by product, category, tier, country, channel
    /// or segment.
    Revenue {
        /// The period length.
        #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
        period: PeriodArg,
        /// The cut.
        #[arg(long, value_enum, default_value_t = RevenueByArg::Total)]
        by: RevenueByArg,
        /// Placed on or after (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Placed before (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Convert every currency into this one (needs a --rate for each).
        #[arg(long)]
        convert_to: Option<String>,
        /// Units of --convert-to per unit of a currency, as CUR=RATE (repeatable).
        #[arg(long = "rate", value_name = "CUR=RATE")]
        rates: Vec<String>,
    },
    /// Recency, frequency and monetary scores, and the segments they name.
    Rfm(CustomerReportArgs),
    /// Customer lifetime value (BG/NBD and Gamma-Gamma fitted on the base).
    Clv {
        #[command(flatten)]
        args: CustomerReportArgs,
        /// The horizon in months.
        #[arg(long, default_value_t = 12)]
        months: u32,
    },
    /// Retention and revenue by the month of each customer's first purchase.
    Cohorts {
        /// The currency of the orders.
        #[arg(long, default_value = "EUR")]
        currency: String,
        /// Months followed after the first purchase.
        #[arg(long, default_value_t = 12)]
        months: usize,
    },
    /// Customers likely lost, and why.
    Churn {
        #[command(flatten)]
        args: CustomerReportArgs,
        /// List customers whose probability of being active is below this.
        #[arg(long, default_value_t = 0.3)]
        threshold: f64,
        /// Or whose gap since the last purchase is this many times their usual gap.
        #[arg(long, default_value_t = 3.0)]
        gap_factor: f64,
    },
    /// Next-best-offer: how co-purchase recommendations predict each
    /// customer's last order against the most popular products, and the
    /// offers for one customer.
    Recommend {
        /// Offers for this customer (id, email or phone).
        #[arg(long)]
        party: Option<String>,
        /// Offers per customer.
        #[arg(long, default_value_t = 5)]
        k: usize,
    },
    /// The learned win probability of a pipeline, checked on held-out history.
    Win {
        /// The pipeline (name or id); the first if not given.
        #[arg(long)]
        pipeline: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import parties from a CSV file of any size: bad rows are reported
    /// with their line, field and reason while the good rows import.
    Csv(ImportCsvArgs),
    /// Import an export of `crm export json`: a whole base into an empty
    /// base, or a selection of parties into any base. All or nothing.
    Json {
        /// The file, or - for standard input.
        file: PathBuf,
    },
    /// Import vCards (3.0 or 4.0); a card whose UID is a party's id updates
    /// that party.
    Vcard {
        /// The file, or - for standard input.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file, or - for standard input.
    pub file: PathBuf,
    /// Map a column to a target (repeatable): email, phone, given_name,
    /// family_name, display_name, legal_name, kind, tag, tags, role, note,
    /// address.city, custom.<field>, social.<network>, ignore, …
    #[arg(long = "map", value_name = "COLUMN=TARGET")]
    pub map: Vec<String>,
    /// Start from a saved mapping (--map, --key and --kind change it).
    #[arg(long, value_name = "NAME")]
    pub mapping: Option<String>,
    /// Save the mapping used under this name (not on a dry run).
    #[arg(long, value_name = "NAME")]
    pub save_mapping: Option<String>,
    /// Update the party with the row's email, phone, VAT number or custom
    /// field value instead of creating one: none, email, phone, vat or
    /// custom:FIELD.
    #[arg(long, value_name = "KEY", value_parser = parse_key)]
    pub key: Option<crm_core::UpsertKey>,
    /// The kind of the parties when no column gives it (default person).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// The delimiter (one character, or "tab"); detected from the header
    /// line when not given.
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    pub delimiter: Option<char>,
    /// The encoding (utf-8, utf-16le, windows-1251, latin1, …); detected
    /// when not given.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Import nothing if any row is bad (exit status 3 when rolled back).
    #[arg(long)]
    pub all_or_nothing: bool,
    /// Report what would happen, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write every rejected row to this file as CSV: line, field, reason,
    /// then the row as read.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Rows validated and written together, and per transaction while
    /// loading in batches.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
    /// How to write: batches (a transaction per batch), bulk (one
    /// transaction, the name, contact-value and tag indexes built at its
    /// end: far faster for large files) or auto (bulk once the rows read
    /// reach a sixteenth of the parties in the base).
    #[arg(long, value_enum, default_value_t = LoadArg::Auto)]
    pub load: LoadArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LoadArg {
    Auto,
    Batches,
    Bulk,
}

impl From<LoadArg> for crm_core::ImportLoad {
    fn from(l: LoadArg) -> Self {
        match l {
            LoadArg::Auto => crm_core::ImportLoad::Auto,
            LoadArg::Batches => crm_core::ImportLoad::Batches,
            LoadArg::Bulk => crm_core::ImportLoad::Bulk,
        }
    }
}

/// Read an upsert key: none, email, phone, vat or custom:FIELD.
fn parse_key(text: &str) -> Result<crm_core::UpsertKey, String> {
    use crm_core::UpsertKey;
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "none" => Ok(UpsertKey::None),
        "email" => Ok(UpsertKey::Email),
        "phone" => Ok(UpsertKey::Phone),
        "vat" | "vat_number" => Ok(UpsertKey::VatNumber),
        _ => match t.split_once(':') {
            Some((c, field)) if c.eq_ignore_ascii_case("custom") && !field.trim().is_empty() => {
                Ok(UpsertKey::Custom(field.trim().to_string()))
            }
            _ => Err("expected none, email, phone, vat or custom:FIELD".to_string()),
        },
    }
}

/// Read a delimiter: one character, "tab", or a backslash and t.
fn parse_delimiter(text: &str) -> Result<char, String> {
    if text.eq_ignore_ascii_case("tab") || text == "\\t" {
        return Ok('\t');
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err("expected one character, or tab".to_string()),
    }
}

/// Which parties an export takes.
#[derive(Debug, Args)]
pub struct ExportFilterArgs {
    /// Persons or organizations.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Holding this role.
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// Having this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// In this country (ISO code of the primary address).
    #[arg(long)]
    pub country: Option<String>,
    /// With a custom field value, as name=value (repeatable).
    #[arg(long = "custom", value_name = "NAME=VALUE")]
    pub custom: Vec<String>,
}

impl ExportFilterArgs {
    /// Whether any filter is set.
    pub fn is_set(&self) -> bool {
        self.kind.is_some()
            || self.role.is_some()
            || self.tag.is_some()
            || self.country.is_some()
            || !self.custom.is_empty()
    }
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the whole base as JSON lines (every table, for backup and
    /// transfer), or with --parties the parties matching the filters with
    /// everything they hold and the relationships among them.
    Json {
        /// The file, or - for standard output.
        file: PathBuf,
        /// Export a selection of parties instead of the whole base.
        #[arg(long)]
        parties: bool,
        #[command(flatten)]
        filter: ExportFilterArgs,
    },
    /// Write the parties matching the filters as vCard 4.0.
    Vcard {
        /// The file, or - for standard output.
        file: PathBuf,
        #[command(flatten)]
        filter: ExportFilterArgs,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn keys_and_delimiters() {
        use crm_core::UpsertKey;
        assert_eq!(parse_key("email"), Ok(UpsertKey::Email));
        assert_eq!(parse_key("VAT"), Ok(UpsertKey::VatNumber));
        assert_eq!(parse_key("custom:erp_id"), Ok(UpsertKey::Custom("erp_id".into())));
        assert!(parse_key("custom:").is_err());
        assert!(parse_key("name").is_err());
        assert_eq!(parse_delimiter(";"), Ok(';'));
        assert_eq!(parse_delimiter("tab"), Ok('\t'));
        assert_eq!(parse_delimiter("\\t"), Ok('\t'));
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("").is_err());
    }
}
