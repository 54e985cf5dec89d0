//! Products and price lists.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Money, conflict, normalize_currency, optional_text, required_text, sql};
use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::party::role::check_span;

/// Something we sell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Its id.
    pub id: Uuid,
    /// The stock-keeping unit, unique.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its category ("shoes", "licences", …).
    pub category: Option<String>,
    /// The unit it is sold in ("pcs", "kg", "hour", "month").
    pub unit: String,
    /// Still sold.
    pub active: bool,
    /// A description.
    pub description: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// A product to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    /// The SKU (unique).
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Its category.
    #[serde(default)]
    pub category: Option<String>,
    /// The unit; "pcs" if not given.
    #[serde(default)]
    pub unit: Option<String>,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
}

impl NewProduct {
    /// A product with a SKU and a name, sold in pieces.
    pub fn new(sku: impl Into<String>, name: impl Into<String>) -> Self {
        NewProduct { sku: sku.into(), name: name.into(), category: None, unit: None, description: None }
    }
}

/// Changes to a product; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductPatch {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new category; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub category: Option<Option<String>>,
    /// A new unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Sold or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// A new description; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub description: Option<Option<String>>,
}

/// A list of prices in one currency, for everyone or for one customer tier
/// or segment, over a span of dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    /// Its id.
    pub id: Uuid,
    /// Its name, unique.
    pub name: String,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// Only for customers of this tier (the customer role's tier).
    pub tier: Option<String>,
    /// Only for parties in this segment (a tag they carry).
    pub segment: Option<String>,
    /// First day it holds (inclusive).
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds (inclusive).
    pub valid_to: Option<NaiveDate>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// A price list to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPriceList {
    /// Its name, unique.
    pub name: String,
    /// Its currency.
    pub currency: String,
    /// Only for this customer tier.
    #[serde(default)]
    pub tier: Option<String>,
    /// Only for this segment (tag).
    #[serde(default)]
    pub segment: Option<String>,
    /// First day it holds.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

impl NewPriceList {
    /// A price list for everyone, always valid.
    pub fn new(name: impl Into<String>, currency: impl Into<String>) -> Self {
        NewPriceList {
            name: name.into(),
            currency: currency.into(),
            tier: None,
            segment: None,
            valid_from: None,
            valid_to: None,
        }
    }
}

/// The price a party pays for a product on a date, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceQuote {
    /// The product.
    pub product_id: Uuid,
    /// The price list that gave the price.
    pub price_list_id: Uuid,
    /// The unit price.
    pub unit_price: Money,
}

fn clean_product(new: NewProduct) -> Result<NewProduct> {
    let sku = required_text("sku", &new.sku, 64)?;
    Ok(NewProduct {
        sku,
        name: required_text("name", &new.name, 300)?,
        category: optional_text("category", new.category, 100)?,
        unit: Some(match new.unit {
            Some(u) => required_text("unit", &u, 20)?,
            None => "pcs".into(),
        }),
        description: optional_text("description", new.description, 10_000)?,
    })
}

impl Crm {
    /// Create a product. The SKU must be new.
    pub fn create_product(&self, new: NewProduct) -> Result<Product> {
        let new = clean_product(new)?;
        self.store.write(&self.actor, |tx| {
            if sql::product_by_sku(tx.conn(), &new.sku)?.is_some() {
                return Err(Error::validation("sku", format!("a product {:?} exists already", new.sku)));
            }
            let p = Product {
                id: Uuid::now_v7(),
                sku: new.sku,
                name: new.name,
                category: new.category,
                unit: new.unit.unwrap_or_default(),
                active: true,
                description: new.description,
                created_at: tx.now,
                updated_at: tx.now,
                version: 1,
            };
            sql::insert_product(tx, &p)?;
            let json = serde_json::to_string(&p)?;
            tx.record("product", &p.id, AuditAction::Created, &json, &json)?;
            Ok(p)
        })
    }

    /// A product by id.
    pub fn get_product(&self, id: Uuid) -> Result<Product> {
        self.store.read(|c| sql::get_product(c, id))
    }

    /// A product by SKU.
    pub fn product_by_sku(&self, sku: &str) -> Result<Product> {
        self.store.read(|c| sql::product_by_sku(c, sku.trim())?.ok_or_else(|| Error::not_found("product", sku)))
    }

    /// Products, by category and name; only active ones unless asked.
    pub fn products(&self, category: Option<&str>, include_inactive: bool) -> Result<Vec<Product>> {
        self.store.read(|c| sql::products(c, category, include_inactive))
    }

    /// Change a product.
    pub fn update_product(&self, id: Uuid, version: i64, patch: &ProductPatch) -> Result<Product> {
        let name = patch.name.as_deref().map(|n| required_text("name", n, 300)).transpose()?;
        let unit = patch.unit.as_deref().map(|u| required_text("unit", u, 20)).transpose()?;
        let category = patch.category.clone().map(|c| optional_text("category", c, 100)).transpose()?;
        let description = patch.description.clone().map(|d| optional_text("description", d, 10_000)).transpose()?;
        self.store.write(&self.actor, |tx| {
            let old = sql::get_product(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("product", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(n) = name {
                new.name = n;
            }
            if let Some(u) = unit {
                new.unit = u;
            }
            if let Some(c) = category {
                new.category = c;
            }
            if let Some(d) = description {
                new.description = d;
            }
            if let Some(a) = patch.active {
                new.active = a;
            }
            sql::update_product(tx, &new)?;
            let new = sql::get_product(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("product", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Create a price list.
    pub fn create_price_list(&self, new: NewPriceList) -> Result<PriceList> {
        let name = required_text("name", &new.name, 200)?;
        let currency = normalize_currency(&new.currency)?;
        let tier = optional_text("tier", new.tier, 200)?;
        let segment = optional_text("segment", new.segment, 64)?;
        check_span(new.valid_from, new.valid_to)?;
        self.store.write(&self.actor, |tx| {
            if sql::price_list_by_name(tx.conn(), &name)?.is_some() {
                return Err(Error::validation("name", format!("a price list {name:?} exists already")));
            }
            let pl = PriceList {
                id: Uuid::now_v7(),
                name,
                currency,
                tier,
                segment,
                valid_from: new.valid_from,
                valid_to: new.valid_to,
                created_at: tx.now,
                updated_at: tx.now,
                version: 1,
            };
            sql::insert_price_list(tx, &pl)?;
            let json = serde_json::to_string(&pl)?;
            tx.record("price_list", &pl.id, AuditAction::Created, &json, &json)?;
            Ok(pl)
        })
    }

    /// A price list by id.
    pub fn get_price_list(&self, id: Uuid) -> Result<PriceList> {
        self.store.read(|c| sql::get_price_list(c, id))
    }

    /// Every price list, by name.
    pub fn price_lists(&self) -> Result<Vec<PriceList>> {
        self.store.read(sql::price_lists)
    }

    /// The prices of a price list, by product SKU.
    pub fn price_list_prices(&self, price_list_id: Uuid) -> Result<Vec<(Product, Money)>> {
        self.store.read(|c| {
            let pl = sql::get_price_list(c, price_list_id)?;
            Ok(sql::list_items(c, price_list_id)?
                .into_iter()
                .map(|(p, amount)| (p, Money { amount, currency: pl.currency.clone() }))
                .collect())
        })
    }

    /// Set a product's price in a price list; the price's currency must be
    /// the list's and the amount not negative.
    pub fn set_price(&self, price_list_id: Uuid, product_id: Uuid, unit_price: Money) -> Result<()> {
        let currency = normalize_currency(&unit_price.currency)?;
        if unit_price.amount < 0 {
            return Err(Error::validation("unit_price", "a price cannot be negative"));
        }
        self.store.write(&self.actor, |tx| {
            let pl = sql::get_price_list(tx.conn(), price_list_id)?;
            if pl.currency != currency {
                return Err(Error::validation(
                    "currency",
                    format!("the price list {:?} is in {}, not {currency}", pl.name, pl.currency),
                ));
            }
            sql::get_product(tx.conn(), product_id)?;
            let old = sql::list_price(tx.conn(), price_list_id, product_id)?;
            sql::set_price(tx.conn(), price_list_id, product_id, unit_price.amount)?;
            sql::touch_price_list(tx, price_list_id)?;
            let changes = serde_json::json!({ "product_id": product_id, "unit_price": [old, unit_price.amount] });
            let payload = serde_json::json!({ "price_list_id": price_list_id, "product_id": product_id, "unit_price": Money { amount: unit_price.amount, currency } });
            tx.record("price_list", &price_list_id, AuditAction::Updated, &changes.to_string(), &payload.to_string())
        })
    }

    /// The price `party_id` pays for a product on `date` in `currency`: from
    /// the valid price lists in that currency holding the product, the one
    /// for the customer's tier wins, then one for a segment (tag) it carries,
    /// then one for everyone; among equals, the one valid from the latest
    /// date. `None` if no list prices it.
    pub fn price_for(
        &self,
        product_id: Uuid,
        party_id: Option<Uuid>,
        date: NaiveDate,
        currency: &str,
    ) -> Result<Option<PriceQuote>> {
        let currency = normalize_currency(currency)?;
        self.store.read(|c| {
            sql::get_product(c, product_id)?;
            sql::price_for(c, product_id, party_id, date, &currency)
        })
    }
}
