//! Orders from every channel, with lines, totals in integer arithmetic and
//! a status history; idempotent import by the shop's own order id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::opportunity::OpportunityStatus;
use super::{conflict, normalize_currency, optional_text, required_text, sql};
use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::page::{Cursor, CursorKey, Page, check_limit};
use crate::party::sql as party_sql;
use crate::store::{Tx, from_micros, to_micros};

/// Where an order came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderChannel {
    /// The web shop.
    #[default]
    WebShop,
    /// A physical store (point of sale).
    Store,
    /// A partner (reseller, distributor).
    Partner,
    /// By phone.
    Phone,
    /// A marketplace.
    Marketplace,
    /// A sales representative.
    Direct,
}

impl OrderChannel {
    const ALL: [OrderChannel; 6] = [
        OrderChannel::WebShop,
        OrderChannel::Store,
        OrderChannel::Partner,
        OrderChannel::Phone,
        OrderChannel::Marketplace,
        OrderChannel::Direct,
    ];

    /// The stored name: "web_shop", "store", ….
    pub fn as_str(self) -> &'static str {
        match self {
            OrderChannel::WebShop => "web_shop",
            OrderChannel::Store => "store",
            OrderChannel::Partner => "partner",
            OrderChannel::Phone => "phone",
            OrderChannel::Marketplace => "marketplace",
            OrderChannel::Direct => "direct",
        }
    }

    pub(crate) fn parse(s: &str) -> OrderChannel {
        OrderChannel::ALL.into_iter().find(|c| c.as_str() == s).unwrap_or_default()
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Being put together.
    #[default]
    Draft,
    /// Placed by the customer.
    Placed,
    /// Paid.
    Paid,
    /// Handed to the carrier.
    Shipped,
    /// Delivered.
    Delivered,
    /// Cancelled before shipping.
    Cancelled,
    /// Sent back after shipping.
    Returned,
}

impl OrderStatus {
    const ALL: [OrderStatus; 7] = [
        OrderStatus::Draft,
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Returned,
    ];

    /// The stored name: "draft", "placed", ….
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Placed => "placed",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Returned => "returned",
        }
    }

    pub(crate) fn parse(s: &str) -> OrderStatus {
        OrderStatus::ALL.into_iter().find(|c| c.as_str() == s).unwrap_or_default()
    }

    /// Whether an order may go from this status to `to`:
    /// draft → placed → paid → shipped → delivered; cancelled before
    /// shipping; returned after it.
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Draft, Placed)
                | (Placed, Paid)
                | (Paid, Shipped)
                | (Shipped, Delivered)
                | (Draft | Placed | Paid, Cancelled)
                | (Shipped | Delivered, Returned)
        )
    }

    /// The statuses an order passes through from `self` to `to` along the
    /// normal road, `to` included; `None` if `to` cannot be reached.
    fn road_to(self, to: OrderStatus) -> Option<Vec<OrderStatus>> {
        use OrderStatus::*;
        let road = [Draft, Placed, Paid, Shipped, Delivered];
        if self == to {
            return Some(Vec::new());
        }
        if self.can_become(to) {
            return Some(vec![to]);
        }
        let from = road.iter().position(|s| *s == self)?;
        match road.iter().position(|s| *s == to) {
            Some(t) if t > from => Some(road[from + 1..=t].to_vec()),
            _ => {
                // Cancelled or returned through the statuses before them.
                let last = match to {
                    Cancelled => Paid,
                    Returned => Shipped,
                    _ => return None,
                };
                let mut steps = self.road_to(last)?;
                steps.push(to);
                Some(steps)
            }
        }
    }
}

/// A line of an order to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// The product, if it is one of ours.
    #[serde(default)]
    pub product_id: Option<Uuid>,
    /// What it is; defaults to the product's name.
    #[serde(default)]
    pub description: Option<String>,
    /// How many units (more than 0).
    pub quantity: i64,
    /// The unit price in minor units of the order's currency; `None`: from
    /// the order's price list, or the best one for the customer.
    #[serde(default)]
    pub unit_price: Option<i64>,
    /// A discount on the line, in minor units.
    #[serde(default)]
    pub discount: i64,
    /// The tax rate in basis points (2100 = 21 %).
    #[serde(default)]
    pub tax_rate_bp: u32,
}

impl NewOrderLine {
    /// `quantity` of a product at its list price, no discount, no tax.
    pub fn product(product_id: Uuid, quantity: i64) -> Self {
        NewOrderLine {
            product_id: Some(product_id),
            description: None,
            quantity,
            unit_price: None,
            discount: 0,
            tax_rate_bp: 0,
        }
    }
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderLine {
    /// Its number in the order, from 1.
    pub line_no: i64,
    /// The product.
    pub product_id: Option<Uuid>,
    /// What it is.
    pub description: String,
    /// How many units.
    pub quantity: i64,
    /// The unit price (minor units).
    pub unit_price: i64,
    /// The discount (minor units).
    pub discount: i64,
    /// The tax rate in basis points.
    pub tax_rate_bp: u32,
    /// quantity × unit price − discount.
    pub net: i64,
    /// net × tax rate, rounded half up.
    pub tax: i64,
    /// net + tax.
    pub total: i64,
}

/// One change of an order's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatusChange {
    /// The status before (`None` when the order was created).
    pub from: Option<OrderStatus>,
    /// The status after.
    pub to: OrderStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Its id.
    pub id: Uuid,
    /// Where it came from.
    pub channel: OrderChannel,
    /// The id the shop, till or partner gave it.
    pub external_id: Option<String>,
    /// The customer.
    pub party_id: Uuid,
    /// The won opportunity it came from.
    pub opportunity_id: Option<Uuid>,
    /// The price list it was priced from.
    pub price_list_id: Option<Uuid>,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// Where it stands.
    pub status: OrderStatus,
    /// Its lines.
    pub lines: Vec<OrderLine>,
    /// Σ quantity × unit price (minor units).
    pub subtotal: i64,
    /// Σ discounts.
    pub discount: i64,
    /// Σ taxes.
    pub tax: i64,
    /// Σ line totals: what the customer pays.
    pub total: i64,
    /// When it was placed.
    pub placed_at: Option<DateTime<Utc>>,
    /// Every status it has had, oldest first.
    pub status_history: Vec<OrderStatusChange>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// An order to create or import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// The shop's own id; with the channel, the key of an import.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Where it came from.
    #[serde(default)]
    pub channel: OrderChannel,
    /// The customer (an active party).
    pub party_id: Uuid,
    /// The won opportunity it came from.
    #[serde(default)]
    pub opportunity_id: Option<Uuid>,
    /// The price list to price lines without a unit price from.
    #[serde(default)]
    pub price_list_id: Option<Uuid>,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// Its status; draft if not given.
    #[serde(default)]
    pub status: OrderStatus,
    /// When it was placed; now, for an order past draft, if not given.
    #[serde(default)]
    pub placed_at: Option<DateTime<Utc>>,
    /// Its lines (at least one).
    pub lines: Vec<NewOrderLine>,
}

impl NewOrder {
    /// A draft order of a party in a currency, with no lines yet.
    pub fn new(party_id: Uuid, currency: impl Into<String>) -> Self {
        NewOrder {
            external_id: None,
            channel: OrderChannel::WebShop,
            party_id,
            opportunity_id: None,
            price_list_id: None,
            currency: currency.into(),
            status: OrderStatus::Draft,
            placed_at: None,
            lines: Vec::new(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    /// The order was new.
    Created,
    /// The order existed and had changed.
    Updated,
    /// The order existed as sent.
    Unchanged,
}

/// Which orders to list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderQuery {
    /// Of this customer.
    pub party_id: Option<Uuid>,
    /// In this status.
    pub status: Option<OrderStatus>,
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1 to 1000 (default 50).
    pub limit: usize,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

impl Default for OrderQuery {
    fn default() -> Self {
        OrderQuery { party_id: None, status: None, from: None, to: None, limit: 50, after: None }
    }
}

/// An order checked and priced, ready to store.
pub(crate) struct Priced {
    pub(crate) external_id: Option<String>,
    pub(crate) channel: OrderChannel,
    pub(crate) party_id: Uuid,
    pub(crate) opportunity_id: Option<Uuid>,
    pub(crate) price_list_id: Option<Uuid>,
    pub(crate) currency: String,
    pub(crate) status: OrderStatus,
    pub(crate) placed_at: Option<DateTime<Utc>>,
    pub(crate) lines: Vec<OrderLine>,
    pub(crate) subtotal: i64,
    pub(crate) discount: i64,
    pub(crate) tax: i64,
    pub(crate) total: i64,
    pub(crate) content_hash: String,
}

fn overflow(field: String) -> Error {
    Error::validation(field, "the amount is too large")
}

/// net × rate / 10 000, rounded half away from zero.
fn tax_of(net: i64, rate_bp: u32) -> Option<i64> {
    let p = i128::from(net) * i128::from(rate_bp);
    let q = if p >= 0 { (p + 5_000) / 10_000 } else { (p - 5_000) / 10_000 };
    i64::try_from(q).ok()
}

/// FNV-1a, 64 bits: a stable fingerprint of an order's content.
fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Check an order against the rules and the base, and price its lines.
pub(crate) fn price_order(tx: &Tx<'_>, new: NewOrder) -> Result<Priced> {
    let currency = normalize_currency(&new.currency)?;
    let external_id = optional_text("external_id", new.external_id, 200)?;
    let party = party_sql::head(tx.conn(), new.party_id)?.ok_or_else(|| Error::not_found("party", new.party_id))?;
    if party.archived {
        return Err(Error::validation("party_id", format!("party {} is archived", new.party_id)));
    }
    if let Some(pl) = new.price_list_id {
        let list = sql::get_price_list(tx.conn(), pl).map_err(|e| e.in_field("price_list_id"))?;
        if list.currency != currency {
            return Err(Error::validation(
                "currency",
                format!("the order is in {currency} but the price list {:?} is in {}", list.name, list.currency),
            ));
        }
    }
    if let Some(o) = new.opportunity_id {
        let opp = sql::get_opportunity(tx.conn(), o).map_err(|e| e.in_field("opportunity_id"))?;
        if opp.status != OpportunityStatus::Won {
            return Err(Error::validation("opportunity_id", "an order comes from a won opportunity"));
        }
    }
    if new.lines.is_empty() {
        return Err(Error::validation("lines", "an order needs at least one line"));
    }
    let placed_at = match (new.placed_at, new.status) {
        (Some(t), _) => Some(from_micros(to_micros(t))),
        (None, OrderStatus::Draft) => None,
        (None, _) => Some(tx.now),
    };
    let date = placed_at.unwrap_or(tx.now).date_naive();
    let mut lines = Vec::with_capacity(new.lines.len());
    let (mut subtotal, mut discount, mut tax, mut total) = (0i64, 0i64, 0i64, 0i64);
    for (i, l) in new.lines.into_iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        if l.quantity <= 0 {
            return Err(Error::validation(f("quantity"), format!("{} is not a positive quantity", l.quantity)));
        }
        if l.tax_rate_bp > 10_000 {
            return Err(Error::validation(f("tax_rate_bp"), "a tax rate is at most 10000 basis points (100 %)"));
        }
        if l.discount < 0 {
            return Err(Error::validation(f("discount"), "a discount cannot be negative"));
        }
        let product = match l.product_id {
            Some(p) => Some(
                sql::get_product(tx.conn(), p)
                    .map_err(|_| Error::validation(f("product_id"), format!("no product {p}")))?,
            ),
            None => None,
        };
        let description = match (optional_text(&f("description"), l.description, 500)?, &product) {
            (Some(d), _) => d,
            (None, Some(p)) => p.name.clone(),
            (None, None) => return Err(Error::validation(f("description"), "a line needs a product or a description")),
        };
        let unit_price = match (l.unit_price, &product) {
            (Some(p), _) if p < 0 => return Err(Error::validation(f("unit_price"), "a price cannot be negative")),
            (Some(p), _) => p,
            (None, Some(p)) => {
                let price = match new.price_list_id {
                    Some(pl) => sql::list_price(tx.conn(), pl, p.id)?,
                    None => sql::price_for(tx.conn(), p.id, Some(new.party_id), date, &currency)?
                        .map(|q| q.unit_price.amount),
                };
                price.ok_or_else(|| {
                    Error::validation(f("unit_price"), format!("no price for {} in {currency} on {date}", p.sku))
                })?
            }
            (None, None) => {
                return Err(Error::validation(f("unit_price"), "a line without a product needs a unit price"));
            }
        };
        let gross = i128::from(l.quantity) * i128::from(unit_price);
        let gross = i64::try_from(gross).map_err(|_| overflow(f("quantity")))?;
        if l.discount > gross {
            return Err(Error::validation(f("discount"), "the discount is larger than the line"));
        }
        let net = gross - l.discount;
        let line_tax = tax_of(net, l.tax_rate_bp).ok_or_else(|| overflow(f("tax_rate_bp")))?;
        let line_total = net.checked_add(line_tax).ok_or_else(|| overflow(f("quantity")))?;
        subtotal = subtotal.checked_add(gross).ok_or_else(|| overflow("lines".into()))?;
        discount = discount.checked_add(l.discount).ok_or_else(|| overflow("lines".into()))?;
        tax = tax.checked_add(line_tax).ok_or_else(|| overflow("lines".into()))?;
        total = total.checked_add(line_total).ok_or_else(|| overflow("lines".into()))?;
        lines.push(OrderLine {
            line_no: i as i64 + 1,
            product_id: l.product_id,
            description,
            quantity: l.quantity,
            unit_price,
            discount: l.discount,
            tax_rate_bp: l.tax_rate_bp,
            net,
            tax: line_tax,
            total: line_total,
        });
    }
    let content = serde_json::json!([
        new.channel.as_str(),
        new.party_id,
        new.opportunity_id,
        new.price_list_id,
        currency,
        new.status.as_str(),
        placed_at.map(to_micros),
        lines
    ]);
    Ok(Priced {
        external_id,
        channel: new.channel,
        party_id: new.party_id,
        opportunity_id: new.opportunity_id,
        price_list_id: new.price_list_id,
        currency,
        status: new.status,
        placed_at,
        lines,
        subtotal,
        discount,
        tax,
        total,
        content_hash: fingerprint(&content.to_string()),
    })
}

fn insert_order(tx: &Tx<'_>, p: Priced) -> Result<Order> {
    let order = Order {
        id: Uuid::now_v7(),
        channel: p.channel,
        external_id: p.external_id,
        party_id: p.party_id,
        opportunity_id: p.opportunity_id,
        price_list_id: p.price_list_id,
        currency: p.currency,
        status: p.status,
        lines: p.lines,
        subtotal: p.subtotal,
        discount: p.discount,
        tax: p.tax,
        total: p.total,
        placed_at: p.placed_at,
        status_history: vec![OrderStatusChange { from: None, to: p.status, at: tx.now, actor: tx.actor.to_string() }],
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    sql::insert_order(tx, &order, &p.content_hash)?;
    let json = serde_json::to_string(&order)?;
    tx.record("order", &order.id, AuditAction::Created, &json, &json)?;
    Ok(order)
}

impl Crm {
    /// Create an order; lines without a unit price are priced from the
    /// order's price list or the customer's best one.
    pub fn create_order(&self, new: NewOrder) -> Result<Order> {
        self.store.write(&self.actor, |tx| {
            if let (Some(ext), c) = (&new.external_id, new.channel)
                && sql::order_by_external(tx.conn(), c, ext.trim())?.is_some()
            {
                return Err(Error::validation(
                    "external_id",
                    format!("an order {ext:?} from {} exists already (import_order updates it)", c.as_str()),
                ));
            }
            let priced = price_order(tx, new)?;
            insert_order(tx, priced)
        })
    }

    /// Create many orders in one transaction: all of them, or none (the
    /// error's field names the index, `orders[7].…`).
    pub fn create_orders(&self, new: Vec<NewOrder>) -> Result<Vec<Order>> {
        self.store.write(&self.actor, |tx| {
            let mut out = Vec::with_capacity(new.len());
            for (i, n) in new.into_iter().enumerate() {
                let field = format!("orders[{i}]");
                let priced = price_order(tx, n).map_err(|e| e.in_field(&field))?;
                out.push(insert_order(tx, priced).map_err(|e| e.in_field(&field))?);
            }
            Ok(out)
        })
    }

    /// Import an order by its channel and external id: stored once however
    /// often it is sent; a changed one is updated (its status moving along
    /// the allowed road), an unchanged one left as it is.
    pub fn import_order(&self, new: NewOrder) -> Result<(Order, UpsertOutcome)> {
        let ext = required_text("external_id", new.external_id.as_deref().unwrap_or(""), 200)?;
        self.store.write(&self.actor, |tx| {
            let existing = sql::order_by_external(tx.conn(), new.channel, &ext)?;
            let mut new = new;
            if let (Some((id, _)), None) = (&existing, new.placed_at) {
                // The shop did not say when it was placed: keep the time stored.
                new.placed_at = sql::get_order(tx.conn(), *id)?.placed_at;
            }
            let priced = price_order(tx, new)?;
            let Some((id, hash)) = existing else {
                return Ok((insert_order(tx, priced)?, UpsertOutcome::Created));
            };
            let old = sql::get_order(tx.conn(), id)?;
            if hash == priced.content_hash {
                return Ok((old, UpsertOutcome::Unchanged));
            }
            let road = old.status.road_to(priced.status).ok_or_else(|| {
                Error::validation(
                    "status",
                    format!("the order is {} and cannot become {}", old.status.as_str(), priced.status.as_str()),
                )
            })?;
            let mut from = old.status;
            for to in road {
                sql::insert_status_change(tx, id, Some(from), to)?;
                from = to;
            }
            sql::replace_order(tx, id, &priced)?;
            let new = sql::get_order(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("order", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok((new, UpsertOutcome::Updated))
        })
    }

    /// An order by id, with its lines and status history.
    pub fn get_order(&self, id: Uuid) -> Result<Order> {
        self.store.read(|c| sql::get_order(c, id))
    }

    /// An order by its channel and external id.
    pub fn order_by_external_id(&self, channel: OrderChannel, external_id: &str) -> Result<Order> {
        self.store.read(|c| match sql::order_by_external(c, channel, external_id.trim())? {
            Some((id, _)) => sql::get_order(c, id),
            None => Err(Error::not_found("order", external_id)),
        })
    }

    /// Move an order to another status along the allowed road: draft →
    /// placed → paid → shipped → delivered; cancelled before shipping;
    /// returned after it.
    pub fn set_order_status(&self, id: Uuid, version: i64, status: OrderStatus) -> Result<Order> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_order(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("order", id, version, old.version));
            }
            if !old.status.can_become(status) {
                return Err(Error::validation(
                    "status",
                    format!("an order cannot go from {} to {}", old.status.as_str(), status.as_str()),
                ));
            }
            sql::insert_status_change(tx, id, Some(old.status), status)?;
            sql::set_order_status(tx, id, status, old.placed_at.is_none() && status == OrderStatus::Placed)?;
            let new = sql::get_order(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("order", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Orders, newest first by when they were placed (a draft by when it was
    /// created), in keyset pages.
    pub fn orders(&self, query: &OrderQuery) -> Result<Page<Order>> {
        check_limit(query.limit)?;
        let after = match &query.after {
            Some(s) => Some(Cursor::decode(s, "orders")?),
            None => None,
        };
        self.store.read(|c| {
            let keys = sql::order_keys(c, query, after.as_ref())?;
            let more = keys.len() > query.limit;
            let mut items = Vec::with_capacity(query.limit);
            for (id, _) in keys.iter().take(query.limit) {
                items.push(sql::get_order(c, *id)?);
            }
            let next = match (more, keys.get(query.limit.wrapping_sub(1))) {
                (true, Some((id, at))) => {
                    Some(Cursor { scope: "orders".into(), key: CursorKey::Int(*at), id: *id }.encode())
                }
                _ => None,
            };
            Ok(Page { items, next })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_road_of_statuses() {
        use OrderStatus::*;
        assert!(Draft.can_become(Placed));
        assert!(!Delivered.can_become(Draft));
        assert!(!Cancelled.can_become(Placed));
        assert_eq!(Draft.road_to(Delivered).unwrap(), vec![Placed, Paid, Shipped, Delivered]);
        assert_eq!(Placed.road_to(Returned).unwrap(), vec![Paid, Shipped, Returned]);
        assert_eq!(Draft.road_to(Cancelled).unwrap(), vec![Cancelled]);
        assert!(Delivered.road_to(Paid).is_none());
        assert!(Cancelled.road_to(Placed).is_none());
    }

    #[test]
    fn tax_rounds_half_away_from_zero() {
        assert_eq!(tax_of(1000, 2100), Some(210));
        assert_eq!(tax_of(5, 1000), Some(1)); // 0.5 → 1
        assert_eq!(tax_of(4, 1000), Some(0));
        assert_eq!(tax_of(-5, 1000), Some(-1));
    }
}
