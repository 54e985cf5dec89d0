//! The command line: every command, argument and option.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// An embeddable CRM core on one SQLite file: parties, roles, contact
/// points and the relationships between them.
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
