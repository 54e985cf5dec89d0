//! The roles a party holds across the business network.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The kind of a role, for filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// Buys (or may buy) from us.
    Customer,
    /// Sells with or for us.
    Partner,
    /// Sells to us.
    Supplier,
    /// Works for us.
    Employee,
    /// Has a stake in us: investor, regulator, community, media.
    Stakeholder,
    /// Competes with us.
    Competitor,
}

impl RoleKind {
    /// Every kind, in a fixed order.
    pub const ALL: [RoleKind; 6] = [
        RoleKind::Customer,
        RoleKind::Partner,
        RoleKind::Supplier,
        RoleKind::Employee,
        RoleKind::Stakeholder,
        RoleKind::Competitor,
    ];

    /// The stored name: "customer", "partner", ….
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Customer => "customer",
            RoleKind::Partner => "partner",
            RoleKind::Supplier => "supplier",
            RoleKind::Employee => "employee",
            RoleKind::Stakeholder => "stakeholder",
            RoleKind::Competitor => "competitor",
        }
    }
}

impl std::str::FromStr for RoleKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        RoleKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            Error::validation(
                "role",
                format!("{s:?} is not a role (customer, partner, supplier, employee, stakeholder, competitor)"),
            )
        })
    }
}

/// Where a customer stands in its life with us.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    /// Receives our news; nothing more yet.
    Subscriber,
    /// Showed interest.
    Lead,
    /// Qualified: a sale is being worked on.
    Prospect,
    /// Has bought.
    #[default]
    Customer,
    /// Stopped buying.
    Churned,
}

/// Details of the customer role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerRole {
    /// A tier name of the business's own ("gold", "silver", …).
    pub tier: Option<String>,
    /// A VIP customer.
    pub vip: bool,
    /// Where the customer stands.
    pub lifecycle_stage: LifecycleStage,
    /// The customer number in the business's other systems.
    pub customer_number: Option<String>,
}

/// What kind of partner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerType {
    /// Resells our products.
    #[default]
    Reseller,
    /// Refers customers to us.
    Referral,
    /// Distributes our products to resellers.
    Distributor,
    /// Integrates with or builds on our products.
    Technology,
    /// Implements our products for customers.
    Integrator,
    /// Any other partnership.
    Other,
}

/// Details of the partner role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnerRole {
    /// What kind of partner.
    pub partner_type: PartnerType,
    /// A tier name ("gold", "registered", …).
    pub tier: Option<String>,
}

/// Details of the supplier role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupplierRole {
    /// What it supplies ("packaging", "logistics", …).
    pub category: Option<String>,
    /// A preferred supplier.
    pub preferred: bool,
    /// The supplier number in the business's other systems.
    pub supplier_number: Option<String>,
}

/// Details of the employee role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmployeeRole {
    /// Department.
    pub department: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// The manager: another person in the base.
    pub manager_id: Option<Uuid>,
    /// The employee number in the business's other systems.
    pub employee_number: Option<String>,
}

/// What kind of stakeholder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StakeholderType {
    /// Holds shares or has lent money.
    Investor,
    /// Oversees the business.
    Regulator,
    /// A community the business affects.
    Community,
    /// Press and media.
    Media,
    /// A government body.
    Government,
    /// A labour union or works council.
    Union,
    /// Any other stake.
    #[default]
    Other,
}

/// Low, medium or high.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Low.
    Low,
    /// Medium.
    #[default]
    Medium,
    /// High.
    High,
}

/// Details of the stakeholder role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StakeholderRole {
    /// What kind of stakeholder.
    pub stakeholder_type: StakeholderType,
    /// How much it can affect the business.
    pub influence: Level,
    /// How much the business affects it.
    pub interest: Level,
}

/// Details of the competitor role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompetitorRole {
    /// How strongly it competes.
    pub threat: Level,
    /// Its markets or products where it competes.
    pub markets: Vec<String>,
}

/// A role with its details; the `role` tag selects the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum RoleDetails {
    /// See [`CustomerRole`].
    Customer(CustomerRole),
    /// See [`PartnerRole`].
    Partner(PartnerRole),
    /// See [`SupplierRole`].
    Supplier(SupplierRole),
    /// See [`EmployeeRole`].
    Employee(EmployeeRole),
    /// See [`StakeholderRole`].
    Stakeholder(StakeholderRole),
    /// See [`CompetitorRole`].
    Competitor(CompetitorRole),
}

impl RoleDetails {
    /// A customer role with default details.
    pub fn customer() -> Self {
        RoleDetails::Customer(CustomerRole::default())
    }

    /// The kind of this role.
    pub fn kind(&self) -> RoleKind {
        match self {
            RoleDetails::Customer(_) => RoleKind::Customer,
            RoleDetails::Partner(_) => RoleKind::Partner,
            RoleDetails::Supplier(_) => RoleKind::Supplier,
            RoleDetails::Employee(_) => RoleKind::Employee,
            RoleDetails::Stakeholder(_) => RoleKind::Stakeholder,
            RoleDetails::Competitor(_) => RoleKind::Competitor,
        }
    }

    /// Trim text fields; refuse empty or overlong ones.
    pub(crate) fn normalize(mut self) -> Result<RoleDetails> {
        fn text(field: &str, v: &mut Option<String>) -> Result<()> {
            if let Some(s) = v.take() {
                let t = s.trim();
                if t.len() > 200 || t.chars().any(char::is_control) {
                    return Err(Error::validation(field, "must be at most 200 characters, without control characters"));
                }
                *v = (!t.is_empty()).then(|| t.to_string());
            }
            Ok(())
        }
        match &mut self {
            RoleDetails::Customer(c) => {
                text("tier", &mut c.tier)?;
                text("customer_number", &mut c.customer_number)?;
            }
            RoleDetails::Partner(p) => text("tier", &mut p.tier)?,
            RoleDetails::Supplier(s) => {
                text("category", &mut s.category)?;
                text("supplier_number", &mut s.supplier_number)?;
            }
            RoleDetails::Employee(e) => {
                text("department", &mut e.department)?;
                text("title", &mut e.title)?;
                text("employee_number", &mut e.employee_number)?;
            }
            RoleDetails::Stakeholder(_) => {}
            RoleDetails::Competitor(c) => {
                for m in &mut c.markets {
                    let mut v = Some(std::mem::take(m));
                    text("markets", &mut v)?;
                    *m = v.ok_or_else(|| Error::validation("markets", "must not hold empty names"))?;
                }
            }
        }
        Ok(self)
    }
}

/// A role a party holds, over a span of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Its id.
    pub id: Uuid,
    /// The party holding it.
    pub party_id: Uuid,
    /// The role and its details, tagged by `role`.
    #[serde(flatten)]
    pub details: RoleDetails,
    /// First day it holds (inclusive); `None`: since ever.
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds (inclusive); `None`: still holds.
    pub valid_to: Option<NaiveDate>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

impl Role {
    /// Whether the role holds on `date`.
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

/// A role to add to a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRole {
    /// The role and its details, tagged by `role`.
    #[serde(flatten)]
    pub details: RoleDetails,
    /// First day it holds (inclusive).
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds (inclusive).
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

impl From<RoleDetails> for NewRole {
    fn from(details: RoleDetails) -> Self {
        NewRole { details, valid_from: None, valid_to: None }
    }
}

/// Changes to a role; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RolePatch {
    /// New details; must be of the same role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<RoleDetails>,
    /// New first day; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub valid_from: Option<Option<NaiveDate>>,
    /// New last day; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub valid_to: Option<Option<NaiveDate>>,
}

pub(crate) fn check_span(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<()> {
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(Error::validation("valid_to", format!("{t} is before valid_from {f}")));
    }
    Ok(())
}
