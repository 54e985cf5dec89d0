//! The C ABI of the CRM core: `libcrm.so`, `libcrm.a` and `include/crm.h`.
//!
//! Every function here converts its arguments, calls one function of
//! [`crm_core`] and converts the result back; the rules live in the core.
//!
//! Conventions (the header repeats them on every function):
//! - Every fallible function returns a [`crm_status`]; `CRM_OK` is 0. The
//!   message of the last failure on the calling thread is
//!   [`crm_last_error_message`], the field at fault [`crm_last_error_field`].
//! - Outputs are written only on success; on failure they are left as they
//!   were and nothing in the base changed.
//! - Every pointer argument is checked for NULL (`CRM_NULL_PARAMETER`),
//!   except the ones documented as "may be NULL".
//! - Text is UTF-8 (`CRM_INVALID_UTF8` otherwise); whole records cross as
//!   JSON in the same schema as the Rust structs (`CRM_INVALID_JSON` for
//!   malformed or wrongly typed JSON).
//! - A `char *` handed out is owned by the caller and freed with
//!   [`crm_string_free`]; a `const char *` handed out is borrowed and stays
//!   valid as documented on the function.
//! - Handles ([`crm_db`], [`crm_page`]) are freed with their own `_free`
//!   function, which accepts NULL. A `crm_db` may be shared across threads.
//! - Every body runs inside a panic boundary: a panic becomes `CRM_PANIC`.
//!
//! ```
//! use std::ffi::{CStr, CString};
//! use std::ptr;
//! use crm::*;
//!
//! let mut db: *mut crm_db = ptr::null_mut();
//! assert_eq!(crm_db_open_in_memory(&mut db), crm_status::CRM_OK);
//! let given = CString::new("Anna").unwrap();
//! let family = CString::new("Bērziņa").unwrap();
//! let mut id: *mut std::os::raw::c_char = ptr::null_mut();
//! let st = crm_person_create(db, given.as_ptr(), family.as_ptr(), ptr::null(), ptr::null(), &mut id);
//! assert_eq!(st, crm_status::CRM_OK);
//! let mut name: *mut std::os::raw::c_char = ptr::null_mut();
//! assert_eq!(crm_party_display_name(db, id, &mut name), crm_status::CRM_OK);
//! assert_eq!(unsafe { CStr::from_ptr(name) }.to_str().unwrap(), "Anna Bērziņa");
//! crm_string_free(name);
//! crm_string_free(id);
//! crm_db_free(db);
//! ```
#![deny(missing_docs)]
#![allow(non_camel_case_types)]
#![allow(clippy::not_unsafe_ptr_arg_deref)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod analytics;
pub mod catalog;
pub mod contact;
mod convert;
pub mod db;
pub mod error;
pub mod events;
pub mod fields;
pub mod interaction;
pub mod io;
pub mod lead;
pub mod note;
pub mod opportunity;
pub mod order;
pub mod page;
pub mod party;
pub mod relationship;
pub mod role;
pub mod search;

pub use analytics::*;
pub use catalog::*;
pub use contact::*;
pub use convert::crm_string_free;
pub use db::*;
pub use error::*;
pub use events::*;
pub use fields::*;
pub use interaction::*;
pub use io::*;
pub use lead::*;
pub use note::*;
pub use opportunity::*;
pub use order::*;
pub use page::*;
pub use party::*;
pub use relationship::*;
pub use role::*;
pub use search::*;
