//! Orders from every channel: create, import idempotently, move along the
//! status road, list.

use std::ffi::c_char;

use crm_core::{NewOrder, OrderChannel, OrderQuery, OrderStatus, UpsertOutcome};

use crate::convert::{give, json, name_of, not_null, out, text, to_json, uuid, write};
use crate::db::{crm, crm_db};
use crate::error::{Fail, crm_status, guard};
use crate::page::{crm_page, give_page};

/// What `crm_order_import` did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crm_upsert_outcome {
    /// The order was new and was created.
    CRM_UPSERT_CREATED = 1,
    /// The order existed and had changed; it was updated.
    CRM_UPSERT_UPDATED = 2,
    /// The order existed as sent; nothing changed.
    CRM_UPSERT_UNCHANGED = 3,
}

/// Create an order from a `NewOrder` JSON object, e.g. `{"party_id": "…",
/// "currency": "EUR", "channel": "web_shop", "external_id": "WS-1001",
/// "status": "placed", "price_list_id": "…", "lines": [{"product_id": "…",
/// "quantity": 2}, {"description": "Delivery", "quantity": 1,
/// "unit_price": 500, "tax_rate_bp": 2100}]}`. Amounts are in minor units;
/// lines without a unit price are priced from the order's price list or
/// the customer's best one. Channels: `web_shop`, `store`, `partner`,
/// `phone`, `marketplace`, `direct`; statuses: `draft`, `placed`, `paid`,
/// `shipped`, `delivered`, `cancelled`, `returned`.
///
/// On success writes the created `Order` (lines, totals, status history)
/// as JSON to `*out_order_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
/// (e.g. `lines[0].quantity`, `currency`, an archived `party_id`, an
/// `external_id` that exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_create(
    db: *const crm_db,
    new_order_json: *const c_char,
    out_order_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_order_json, "out_order_json")?;
        let new: NewOrder = json(new_order_json, "new_order_json")?;
        let s = to_json(&c.create_order(new)?)?;
        give(out_order_json, s);
        Ok(())
    })
}

/// Create several orders in one transaction from a JSON array of
/// `NewOrder` objects: all are created or none (a validation field is
/// prefixed `orders[i].`).
///
/// On success writes the created orders as a JSON array to
/// `*out_orders_json`; free it with `crm_string_free`. Statuses: as
/// `crm_order_create`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_create_many(
    db: *const crm_db,
    new_orders_json: *const c_char,
    out_orders_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_orders_json, "out_orders_json")?;
        let new: Vec<NewOrder> = json(new_orders_json, "new_orders_json")?;
        let s = to_json(&c.create_orders(new)?)?;
        give(out_orders_json, s);
        Ok(())
    })
}

/// Import an order (a `NewOrder` JSON object, see `crm_order_create`) by
/// its `channel` and `external_id`, which is required: stored once however
/// often it is sent; a changed one is updated (its status moving along the
/// allowed road), an unchanged one left as it is.
///
/// On success writes the stored `Order` as JSON to `*out_order_json` (free
/// it with `crm_string_free`) and what the import did to `*out_outcome`.
/// Statuses: as `crm_order_create`, and `CRM_VALIDATION` on `external_id`
/// (missing) or `status` (a status the stored order cannot reach).
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_import(
    db: *const crm_db,
    new_order_json: *const c_char,
    out_order_json: *mut *mut c_char,
    out_outcome: *mut crm_upsert_outcome,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_order_json, "out_order_json")?;
        out(out_outcome, "out_outcome")?;
        let new: NewOrder = json(new_order_json, "new_order_json")?;
        let (order, outcome) = c.import_order(new)?;
        let s = to_json(&order)?;
        let outcome = match outcome {
            UpsertOutcome::Created => crm_upsert_outcome::CRM_UPSERT_CREATED,
            UpsertOutcome::Updated => crm_upsert_outcome::CRM_UPSERT_UPDATED,
            UpsertOutcome::Unchanged => crm_upsert_outcome::CRM_UPSERT_UNCHANGED,
        };
        give(out_order_json, s);
        write(out_outcome, outcome);
        Ok(())
    })
}

/// An order by id, as an `Order` JSON object with its lines and status
/// history.
///
/// On success writes the JSON to `*out_order_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_get(db: *const crm_db, id: *const c_char, out_order_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_order_json, "out_order_json")?;
        let s = to_json(&c.get_order(uuid(id, "id")?)?)?;
        give(out_order_json, s);
        Ok(())
    })
}

/// An order by the channel it came from (`"web_shop"`, `"store"`,
/// `"partner"`, `"phone"`, `"marketplace"`, `"direct"`) and the id that
/// channel gave it.
///
/// On success writes the `Order` as JSON to `*out_order_json`; free it
/// with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (an unknown channel),
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_by_external_id(
    db: *const crm_db,
    channel: *const c_char,
    external_id: *const c_char,
    out_order_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_order_json, "out_order_json")?;
        let channel: OrderChannel = name_of(channel, "channel")?;
        let ext = text(external_id, "external_id")?;
        let s = to_json(&c.order_by_external_id(channel, ext)?)?;
        give(out_order_json, s);
        Ok(())
    })
}

/// Move an order to another `status` (`"placed"`, `"paid"`, `"shipped"`,
/// `"delivered"`, `"cancelled"`, `"returned"`) along the allowed road:
/// draft → placed → paid → shipped → delivered; cancelled before shipping;
/// returned after it. `version` is the version the caller read.
///
/// On success writes the order's new version to `*out_version`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a
/// UUID, an unknown status), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION` (`status`: not allowed from the
/// current one), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_set_status(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    status: *const c_char,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let id = uuid(id, "id")?;
        let status: OrderStatus = name_of(status, "status")?;
        let o = c.set_order_status(id, version, status)?;
        write(out_version, o.version);
        Ok(())
    })
}

/// An order's current version, to pass to `crm_order_set_status`.
///
/// On success writes the version to `*out_version`. Statuses: as
/// `crm_order_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_version(db: *const crm_db, id: *const c_char, out_version: *mut i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let o = c.get_order(uuid(id, "id")?)?;
        write(out_version, o.version);
        Ok(())
    })
}

/// What the customer pays for an order: its total in minor units, and its
/// currency (ISO 4217, 3 letters) written NUL-terminated into
/// `currency_buf`, which holds `currency_buf_len` bytes (4 are enough).
///
/// On success writes the total to `*out_total` and the currency into
/// `currency_buf`; nothing to free. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID;
/// `currency_buf_len` too small), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_total(
    db: *const crm_db,
    id: *const c_char,
    out_total: *mut i64,
    currency_buf: *mut c_char,
    currency_buf_len: usize,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_total, "out_total")?;
        not_null(currency_buf.cast_const(), "currency_buf")?;
        let o = c.get_order(uuid(id, "id")?)?;
        let cur = o.currency.as_bytes();
        if cur.len() >= currency_buf_len || cur.contains(&0) {
            return Err(Fail::new(
                crm_status::CRM_INVALID_ARGUMENT,
                "currency_buf_len",
                format!("currency_buf_len {currency_buf_len} cannot hold {:?} and its NUL", o.currency),
            ));
        }
        // SAFETY: non-NULL; the caller promises `currency_buf_len` writable
        // bytes, and `cur.len() + 1` of them are written.
        unsafe {
            std::ptr::copy_nonoverlapping(cur.as_ptr().cast::<c_char>(), currency_buf, cur.len());
            currency_buf.add(cur.len()).write(0);
        }
        write(out_total, o.total);
        Ok(())
    })
}

/// One page of orders matching an `OrderQuery` JSON object (`"{}"`: the
/// first 50, newest placed first, drafts last), e.g. `{"party_id": "…",
/// "status": "paid", "from": "2025-01-01T00:00:00Z", "to": "…", "limit":
/// 100, "after": "<cursor>"}`. Get the next page by passing
/// `crm_page_next_cursor` as `"after"`.
///
/// On success writes a page of `Order` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
/// `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_order_list(
    db: *const crm_db,
    query_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let q: OrderQuery = json(query_json, "query_json")?;
        let page = c.orders(&q)?;
        give_page(out_page, &page.items, page.next)
    })
}
