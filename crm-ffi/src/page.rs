//! The `crm_page` handle: every list the library returns.

use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

use crate::convert::{c_string, give, not_null, out, text, to_json, write};
use crate::error::{FResult, Fail, crm_status, guard};

/// A list of records returned by a function (parties, neighbours, notes,
/// audit entries, events, …), with the cursor of the next page where the
/// list is paged.
///
/// Read it with `crm_page_len` and the `crm_page_item_*` functions, or as
/// a whole with `crm_page_to_json`; free it with `crm_page_free`. Strings
/// borrowed from a page stay valid until the page is freed.
/// Thread-safety: a page is immutable and may be read from several threads
/// at once; only `crm_page_free` must not race with other calls on it.
pub struct crm_page {
    _private: [u8; 0],
}

const PAGE_MAGIC: u64 = 0x6372_6d5f_7067_0001;

/// The boxed value behind a `crm_page *`.
#[repr(C)]
pub(crate) struct Page {
    magic: u64,
    items: Vec<Value>,
    jsons: Vec<CString>,
    next: Option<CString>,
    /// Field texts handed out, kept until the page is freed.
    fields: Mutex<HashMap<(usize, String), Option<CString>>>,
}

/// Build a page from records and hand it to the caller.
pub(crate) fn give_page<T: Serialize>(
    out_page: *mut *mut crm_page,
    records: &[T],
    next: Option<String>,
) -> FResult<()> {
    let mut items = Vec::with_capacity(records.len());
    let mut jsons = Vec::with_capacity(records.len());
    for r in records {
        let v = serde_json::to_value(r).map_err(|e| {
            Fail::new(crm_status::CRM_INTERNAL, "", format!("a record could not be written as JSON: {e}"))
        })?;
        // The text keeps the record's field order; the value serves lookups.
        jsons.push(to_json(r)?);
        items.push(v);
    }
    let next = next.map(c_string).transpose()?;
    let page = Box::new(Page { magic: PAGE_MAGIC, items, jsons, next, fields: Mutex::new(HashMap::new()) });
    write(out_page, Box::into_raw(page).cast::<crm_page>());
    Ok(())
}

fn page<'a>(p: *const crm_page) -> FResult<&'a Page> {
    not_null(p, "page")?;
    // SAFETY: non-NULL; the caller promises a page from this library that
    // was not freed. The magic check catches some misuse only.
    let pg = unsafe { &*p.cast::<Page>() };
    if pg.magic != PAGE_MAGIC {
        return Err(Fail::new(crm_status::CRM_INVALID_HANDLE, "page", "page is not a live crm_page handle"));
    }
    Ok(pg)
}

fn item(pg: &Page, index: usize) -> FResult<&Value> {
    pg.items.get(index).ok_or_else(|| {
        Fail::new(
            crm_status::CRM_INVALID_ARGUMENT,
            "index",
            format!("index {index} is past the end of the page ({} items)", pg.items.len()),
        )
    })
}

/// A field of an item: a top-level key, or else a dotted path into nested
/// objects (`"party.display_name"`, `"amount.currency"`).
fn field<'v>(v: &'v Value, index: usize, name: &str) -> FResult<&'v Value> {
    let found = v
        .get(name)
        .or_else(|| if name.contains('.') { name.split('.').try_fold(v, |at, key| at.get(key)) } else { None });
    found.ok_or_else(|| Fail::new(crm_status::CRM_NOT_FOUND, name, format!("item {index} has no field {name:?}")))
}

/// The number of items on the page; 0 for NULL.
///
/// Ownership: reads the page only; nothing to free. Thread-safe. Does not
/// touch the last error.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_len(page: *const crm_page) -> usize {
    self::page(page).map_or(0, |p| p.items.len())
}

/// Item `index` (from 0) of the page as a JSON object, in the schema of its
/// record type.
///
/// On success writes a borrowed string to `*out_json`: do not free it; it
/// stays valid until the page is freed. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_HANDLE`, `CRM_INVALID_ARGUMENT` (index past the end),
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_item_json(page: *const crm_page, index: usize, out_json: *mut *const c_char) -> crm_status {
    guard(|| {
        let pg = self::page(page)?;
        out(out_json, "out_json")?;
        item(pg, index)?;
        write(out_json, pg.jsons[index].as_ptr());
        Ok(())
    })
}

/// A field of item `index` as text, without parsing JSON: a
/// string as it is, a number or boolean in its JSON form, an object or
/// array as JSON text, and NULL for a null field. For example
/// `"display_name"` and `"id"` of a party, `"label"` and `"party_id"` of a
/// neighbour. A nested field is named by its dotted path, e.g.
/// `"party.display_name"` of a search hit or `"amount.currency"` of an
/// opportunity.
///
/// On success writes a borrowed string (or NULL) to `*out_text`: do not
/// free it; it stays valid until the page is freed. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_INVALID_ARGUMENT` (index past the end), `CRM_NOT_FOUND` (no such
/// field), `CRM_INTERNAL` (a text holding NUL), `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_item_str(
    page: *const crm_page,
    index: usize,
    field: *const c_char,
    out_text: *mut *const c_char,
) -> crm_status {
    guard(|| {
        let pg = self::page(page)?;
        out(out_text, "out_text")?;
        let name = text(field, "field")?;
        let v = self::field(item(pg, index)?, index, name)?;
        let mut cache = pg.fields.lock().unwrap_or_else(|e| e.into_inner());
        let key = (index, name.to_string());
        if !cache.contains_key(&key) {
            let s = match v {
                Value::Null => None,
                Value::String(s) => Some(c_string(s.clone())?),
                other => Some(c_string(other.to_string())?),
            };
            cache.insert(key.clone(), s);
        }
        let p = cache.get(&key).and_then(|s| s.as_ref()).map_or(std::ptr::null(), |s| s.as_ptr());
        write(out_text, p);
        Ok(())
    })
}

/// An integer field of item `index`, e.g. `"version"` of a party, `"seq"`
/// of an event or `"amount.amount"` of an opportunity (a dotted path names
/// a nested field).
///
/// On success writes the value to `*out_value`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_INVALID_ARGUMENT` (index past the end, or the field is not an
/// integer), `CRM_NOT_FOUND` (no such field), `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_item_int(
    page: *const crm_page,
    index: usize,
    field: *const c_char,
    out_value: *mut i64,
) -> crm_status {
    guard(|| {
        let pg = self::page(page)?;
        out(out_value, "out_value")?;
        let name = text(field, "field")?;
        let v = self::field(item(pg, index)?, index, name)?;
        let i = v.as_i64().ok_or_else(|| {
            Fail::new(
                crm_status::CRM_INVALID_ARGUMENT,
                name,
                format!("field {name:?} of item {index} is not an integer: {v}"),
            )
        })?;
        write(out_value, i);
        Ok(())
    })
}

/// The cursor of the next page of a paged list (`crm_party_list`): pass it
/// as `"after"` in the next query. NULL is written on the last page and for
/// lists that are not paged.
///
/// On success writes a borrowed string (or NULL) to `*out_cursor`: do not
/// free it; it stays valid until the page is freed. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_next_cursor(page: *const crm_page, out_cursor: *mut *const c_char) -> crm_status {
    guard(|| {
        let pg = self::page(page)?;
        out(out_cursor, "out_cursor")?;
        write(out_cursor, pg.next.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()));
        Ok(())
    })
}

/// The whole page as JSON: `{"items": [...], "next": "..." or null}`, the
/// schema of the Rust `Page`.
///
/// On success writes a new string to `*out_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_to_json(page: *const crm_page, out_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let pg = self::page(page)?;
        out(out_json, "out_json")?;
        let mut s = String::from("{\"items\":[");
        for (i, j) in pg.jsons.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&j.to_string_lossy());
        }
        s.push_str("],\"next\":");
        let next = pg.next.as_ref().map(|c| c.to_string_lossy());
        s.push_str(&serde_json::Value::from(next.as_deref()).to_string());
        s.push('}');
        give(out_json, c_string(s)?);
        Ok(())
    })
}

/// Free a page and every string borrowed from it. NULL is accepted and
/// ignored. Using the page afterwards is undefined behaviour.
///
/// Threads: must not race with other calls on the same page; any thread
/// may free it.
#[unsafe(no_mangle)]
pub extern "C" fn crm_page_free(page: *mut crm_page) {
    if page.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the caller promises a live page from this library.
        let mut b = unsafe { Box::from_raw(page.cast::<Page>()) };
        if b.magic != PAGE_MAGIC {
            std::mem::forget(b);
            return;
        }
        // SAFETY: a field of the live box; volatile so the store is kept.
        unsafe { std::ptr::write_volatile(&mut b.magic, 0) };
        drop(b);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_found_by_key_then_by_path() {
        let v = serde_json::json!({"a.b": 1, "amount": {"amount": 5, "currency": "EUR"}, "x": 2});
        assert_eq!(field(&v, 0, "a.b").unwrap(), &Value::from(1));
        assert_eq!(field(&v, 0, "amount.currency").unwrap(), &Value::from("EUR"));
        assert_eq!(field(&v, 0, "x").unwrap(), &Value::from(2));
        assert_eq!(field(&v, 0, "amount.colour").unwrap_err().status, crm_status::CRM_NOT_FOUND);
        assert_eq!(field(&v, 0, "x.y").unwrap_err().status, crm_status::CRM_NOT_FOUND);
    }
}
