//! Products and price lists.

use std::ffi::c_char;

use crm_core::{Money, NewPriceList, NewProduct, ProductPatch};

use crate::convert::{
    c_string, date_or_today, give, give_opt, json, opt_text, opt_uuid, out, text, to_json, uuid, write,
};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Create a product from a `NewProduct` JSON object, e.g. `{"sku":
/// "CHAIR-01", "name": "Office chair", "category": "furniture", "unit":
/// "pcs", "description": "…"}`.
///
/// On success writes the created `Product` as JSON to
/// `*out_product_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `sku` exists),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_create(
    db: *const crm_db,
    new_product_json: *const c_char,
    out_product_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_product_json, "out_product_json")?;
        let new: NewProduct = json(new_product_json, "new_product_json")?;
        let s = to_json(&c.create_product(new)?)?;
        give(out_product_json, s);
        Ok(())
    })
}

/// Create a product from typed arguments: its `sku`, `name` and optionally
/// a `category` (may be NULL); the unit is `"pcs"`.
///
/// On success writes the new product's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `sku`
/// exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_add(
    db: *const crm_db,
    sku: *const c_char,
    name: *const c_char,
    category: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let mut new = NewProduct::new(text(sku, "sku")?, text(name, "name")?);
        new.category = opt_text(category, "category")?.map(str::to_string);
        let p = c.create_product(new)?;
        give(out_id, c_string(p.id.to_string())?);
        Ok(())
    })
}

/// A product by id, as a `Product` JSON object.
///
/// On success writes the JSON to `*out_product_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_get(
    db: *const crm_db,
    id: *const c_char,
    out_product_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_product_json, "out_product_json")?;
        let s = to_json(&c.get_product(uuid(id, "id")?)?)?;
        give(out_product_json, s);
        Ok(())
    })
}

/// A product by its SKU, as a `Product` JSON object.
///
/// On success writes the JSON to `*out_product_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_by_sku(
    db: *const crm_db,
    sku: *const c_char,
    out_product_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_product_json, "out_product_json")?;
        let s = to_json(&c.product_by_sku(text(sku, "sku")?)?)?;
        give(out_product_json, s);
        Ok(())
    })
}

/// The id of the product with this SKU.
///
/// On success writes the id to `*out_id`; free it with `crm_string_free`.
/// Statuses: as `crm_product_by_sku`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_id_by_sku(db: *const crm_db, sku: *const c_char, out_id: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let p = c.product_by_sku(text(sku, "sku")?)?;
        give(out_id, c_string(p.id.to_string())?);
        Ok(())
    })
}

/// The products of one `category` (NULL: every category) by category and
/// name; inactive ones only when `include_inactive` is true.
///
/// On success writes a page of `Product` objects to `*out_page`; free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_list(
    db: *const crm_db,
    category: *const c_char,
    include_inactive: bool,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let found = c.products(opt_text(category, "category")?, include_inactive)?;
        give_page(out_page, &found, None)
    })
}

/// Change a product with a `ProductPatch` JSON object, e.g. `{"name":
/// "Office chair II", "active": false, "category": null}`. `version` is
/// the version the caller read.
///
/// On success writes the changed `Product` as JSON to
/// `*out_product_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_product_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_product_json, "out_product_json")?;
        let id = uuid(id, "id")?;
        let patch: ProductPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_product(id, version, &patch)?)?;
        give(out_product_json, s);
        Ok(())
    })
}

/// Create a price list from a `NewPriceList` JSON object, e.g. `{"name":
/// "Retail EUR", "currency": "EUR"}` or `{"name": "Gold 2025", "currency":
/// "EUR", "tier": "gold", "valid_from": "2025-01-01", "valid_to":
/// "2025-12-31"}` (`tier`: a customer tier; `segment`: a tag).
///
/// On success writes the created `PriceList` as JSON to
/// `*out_price_list_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `currency`, `name`
/// exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_price_list_create(
    db: *const crm_db,
    new_price_list_json: *const c_char,
    out_price_list_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_price_list_json, "out_price_list_json")?;
        let new: NewPriceList = json(new_price_list_json, "new_price_list_json")?;
        let s = to_json(&c.create_price_list(new)?)?;
        give(out_price_list_json, s);
        Ok(())
    })
}

/// A price list by id, as a `PriceList` JSON object.
///
/// On success writes the JSON to `*out_price_list_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_price_list_get(
    db: *const crm_db,
    id: *const c_char,
    out_price_list_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_price_list_json, "out_price_list_json")?;
        let s = to_json(&c.get_price_list(uuid(id, "id")?)?)?;
        give(out_price_list_json, s);
        Ok(())
    })
}

/// Every price list, by name.
///
/// On success writes a page of `PriceList` objects to `*out_page`; free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_price_list_list(db: *const crm_db, out_page: *mut *mut crm_page) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let all = c.price_lists()?;
        give_page(out_page, &all, None)
    })
}

/// Set a product's unit price in a price list: `amount` in minor units
/// (cents; not negative) of `currency`, which must be the list's.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the
/// list or product), `CRM_VALIDATION` (`currency`: not ISO 4217 or not the
/// list's; `unit_price`: negative), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_price_list_set_price(
    db: *const crm_db,
    price_list_id: *const c_char,
    product_id: *const c_char,
    amount: i64,
    currency: *const c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        let list = uuid(price_list_id, "price_list_id")?;
        let product = uuid(product_id, "product_id")?;
        let currency = text(currency, "currency")?;
        c.set_price(list, product, Money::new(amount, currency))?;
        Ok(())
    })
}

/// The price a party pays for a product on a date in a currency: from the
/// valid price lists in that currency holding the product, the one for the
/// customer's tier wins, then one for a segment (tag) it carries, then one
/// for everyone. `party_id` may be NULL (anyone); `date` is `YYYY-MM-DD`
/// (NULL: today).
///
/// On success writes the `PriceQuote` (`product_id`, `price_list_id`,
/// `unit_price`) as JSON, or NULL when no list prices the product, to
/// `*out_quote_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a
/// UUID, not a date), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the product),
/// `CRM_VALIDATION` (`currency`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_price(
    db: *const crm_db,
    product_id: *const c_char,
    party_id: *const c_char,
    date: *const c_char,
    currency: *const c_char,
    out_quote_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_quote_json, "out_quote_json")?;
        let product = uuid(product_id, "product_id")?;
        let party = opt_uuid(party_id, "party_id")?;
        let date = date_or_today(date, "date")?;
        let currency = text(currency, "currency")?;
        let quote = c.price_for(product, party, date, currency)?;
        let s = quote.as_ref().map(to_json).transpose()?;
        give_opt(out_quote_json, s);
        Ok(())
    })
}

/// The unit price, in minor units, that `crm_product_price` finds, without
/// JSON.
///
/// On success writes whether a list prices the product to `*out_found` and,
/// when one does, the amount to `*out_amount` (left as it was otherwise).
/// Statuses: as `crm_product_price`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_product_unit_price(
    db: *const crm_db,
    product_id: *const c_char,
    party_id: *const c_char,
    date: *const c_char,
    currency: *const c_char,
    out_amount: *mut i64,
    out_found: *mut bool,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_amount, "out_amount")?;
        out(out_found, "out_found")?;
        let product = uuid(product_id, "product_id")?;
        let party = opt_uuid(party_id, "party_id")?;
        let date = date_or_today(date, "date")?;
        let currency = text(currency, "currency")?;
        let quote = c.price_for(product, party, date, currency)?;
        if let Some(q) = &quote {
            write(out_amount, q.unit_price.amount);
        }
        write(out_found, quote.is_some());
        Ok(())
    })
}
