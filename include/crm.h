/*
 * crm.h: the C interface of the CRM core (libcrm).
 *
 * Conventions
 * - Every fallible function returns a crm_status; CRM_OK is 0. On failure,
 *   crm_last_error_message() and crm_last_error_field() tell why, for the
 *   calling thread.
 * - Outputs are written only on success; a failed call changes nothing.
 * - Every pointer argument must be non-NULL (else CRM_NULL_PARAMETER),
 *   except those documented as "may be NULL".
 * - Text is UTF-8. Whole records cross as JSON in the schema of the Rust
 *   structs (Party, NewParty, PartyPatch, ...).
 * - A `char *` written to an output is owned by the caller: free it with
 *   crm_string_free(), never with free(). A `const char *` written to an
 *   output is borrowed: see the function for how long it stays valid.
 * - Handles: crm_db (free with crm_db_free) and crm_page (free with
 *   crm_page_free); every _free function accepts NULL. Using a freed handle
 *   is undefined behaviour.
 * - Threads: a crm_db may be shared across threads and used from all of them
 *   at once; a crm_page may be read from several threads at once.
 *
 * This file is generated from crm-ffi/src; do not edit it by hand.
 */

#ifndef CRM_H
#define CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The result of every fallible function. `CRM_OK` is 0; a number is never
 * reused for another meaning.
 */
typedef enum {
  /**
   * Success.
   */
  CRM_OK = 0,
  /**
   * A pointer argument that must not be NULL was NULL; the field names it.
   */
  CRM_NULL_PARAMETER = 1,
  /**
   * A text argument was not valid UTF-8; the field names it.
   */
  CRM_INVALID_UTF8 = 2,
  /**
   * A JSON argument was malformed, or did not fit the record's schema
   * (a wrong type, an unknown or missing field).
   */
  CRM_INVALID_JSON = 3,
  /**
   * An argument could not be read: an id that is not a UUID, a date that
   * is not `YYYY-MM-DD`, an index past the end; the field names it.
   */
  CRM_INVALID_ARGUMENT = 4,
  /**
   * A handle that is not (or no longer) a live handle of its type was
   * passed. Detected on a best-effort basis only: using a freed handle is
   * undefined behaviour.
   */
  CRM_INVALID_HANDLE = 5,
  /**
   * The record does not exist (or was deleted).
   */
  CRM_NOT_FOUND = 6,
  /**
   * Input broke a rule of the core; the field names the input.
   */
  CRM_VALIDATION = 7,
  /**
   * The record changed since the caller read it (stale version).
   */
  CRM_CONFLICT = 8,
  /**
   * The caller may not do this.
   */
  CRM_PERMISSION_DENIED = 9,
  /**
   * The base was opened read-only, or the file cannot be written.
   */
  CRM_READ_ONLY = 10,
  /**
   * The file's schema cannot be used: written by a newer version, or a
   * database of another application.
   */
  CRM_SCHEMA = 11,
  /**
   * The file is not a database, or it is corrupt.
   */
  CRM_NOT_A_DATABASE = 12,
  /**
   * Another process held the write lock longer than the busy timeout.
   */
  CRM_BUSY = 13,
  /**
   * Any other failure of the storage engine.
   */
  CRM_STORAGE = 14,
  /**
   * An I/O error outside the storage engine.
   */
  CRM_IO = 15,
  /**
   * The library panicked; the call was abandoned and changed nothing.
   */
  CRM_PANIC = 16,
  /**
   * An error of a kind this version of the C library does not know, or
   * a text that cannot be handed out as a C string (it holds a NUL).
   */
  CRM_INTERNAL = 17,
} crm_status;

/**
 * The kind of a party.
 */
typedef enum {
  /**
   * A natural person.
   */
  CRM_KIND_PERSON = 1,
  /**
   * A company, public body, club or any other organization.
   */
  CRM_KIND_ORGANIZATION = 2,
} crm_kind;

/**
 * A handle on one CRM base (a SQLite file or memory).
 *
 * Thread-safety: a `crm_db` may be shared across threads; every function
 * taking a `const crm_db *` may be called on it from any number of threads
 * at once. Only `crm_db_free` must not race with other calls on it.
 * Opened by `crm_db_open*` or `crm_db_with_actor`, freed by `crm_db_free`.
 */
typedef struct crm_db crm_db;

/**
 * A list of records returned by a function (parties, neighbours, notes,
 * audit entries, events, …), with the cursor of the next page where the
 * list is paged.
 *
 * Read it with `crm_page_len` and the `crm_page_item_*` functions, or as
 * a whole with `crm_page_to_json`; free it with `crm_page_free`. Strings
 * borrowed from a page stay valid until the page is freed.
 * Thread-safety: a page is immutable and may be read from several threads
 * at once; only `crm_page_free` must not race with other calls on it.
 */
typedef struct crm_page crm_page;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Add a contact point to a party from a `NewContactPoint` JSON object,
 * e.g. `{"kind": "phone", "number": "+371 2000 0001", "label": "mobile",
 * "primary": true}` or `{"kind": "address", "street": "Brīvības 1",
 * "city": "Rīga", "country": "LV"}`. Making it primary takes the flag from
 * the party's other contact point of its kind.
 *
 * On success writes the `ContactPoint` as JSON to `*out_contact_json`;
 * free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_VALIDATION`,
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_contact_add(const crm_db *db,
                           const char *party_id,
                           const char *new_contact_json,
                           char **out_contact_json);

/**
 * Add an email address to a party, with an optional label ("work",
 * "home"; may be NULL). The first email of a party becomes its primary.
 *
 * On success writes the new contact point's id to `*out_id`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_contact_add_email(const crm_db *db,
                                 const char *party_id,
                                 const char *address,
                                 const char *label,
                                 char **out_id);

/**
 * Add a phone number to a party (any common written form; without
 * `+country` it needs the base's `default_region`), with an optional
 * label ("mobile"; may be NULL). The first phone becomes its primary.
 *
 * On success writes the new contact point's id to `*out_id`; free it with
 * `crm_string_free`. Statuses: as
 * `crm_contact_add_email`. Thread-safe.
 */
crm_status crm_contact_add_phone(const crm_db *db,
                                 const char *party_id,
                                 const char *number,
                                 const char *label,
                                 char **out_id);

/**
 * Change a contact point with a `ContactPointPatch` JSON object, e.g.
 * `{"verified": true, "label": null}` or `{"value": {"kind": "email",
 * "address": "new@acme.lv"}}`. `version` is the version the caller read.
 *
 * On success writes the changed `ContactPoint` as JSON to
 * `*out_contact_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_contact_update(const crm_db *db,
                              const char *id,
                              int64_t version,
                              const char *patch_json,
                              char **out_contact_json);

/**
 * Remove a contact point; if it was primary, the next of its kind becomes
 * primary.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_contact_remove(const crm_db *db, const char *id, int64_t version);

/**
 * Free a string handed out by the library. NULL is accepted and ignored.
 *
 * Ownership: takes back a `char *` that a `crm_` function wrote to an
 * output; never pass a string from anywhere else, and never free these
 * strings with libc `free`. Thread-safe (any thread may free a string).
 */
void crm_string_free(char *s);

/**
 * Open (or create) the base in the SQLite file at `path` (UTF-8),
 * upgrading an older schema.
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_SCHEMA` (a newer
 * schema or another application's database), `CRM_NOT_A_DATABASE`,
 * `CRM_STORAGE` (e.g. the directory does not exist), `CRM_BUSY`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_open(const char *path, crm_db **out_db);

/**
 * Open the existing base at `path` for reading only: every write fails
 * with `CRM_READ_ONLY`.
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`.
 * Statuses: as `crm_db_open`, and `CRM_NOT_FOUND` when the file does not
 * exist, `CRM_SCHEMA` when its schema is not the current one. Thread-safe.
 */
crm_status crm_db_open_read_only(const char *path, crm_db **out_db);

/**
 * `crm_db_open` with options as a JSON object, every key optional:
 * `{"read_only": false, "busy_timeout_ms": 5000, "readers": 4,
 * "default_region": "LV"}` (`default_region` reads phone numbers written
 * without `+country`).
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`.
 * Statuses: as `crm_db_open` and `crm_db_open_read_only`, plus
 * `CRM_INVALID_JSON` and `CRM_VALIDATION` (field `default_region`).
 * Thread-safe.
 */
crm_status crm_db_open_with(const char *path, const char *options_json, crm_db **out_db);

/**
 * A new, empty base in memory, gone when its last handle is freed.
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_open_in_memory(crm_db **out_db);

/**
 * `crm_db_open_in_memory` with options as JSON (see `crm_db_open_with`).
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_open_in_memory_with(const char *options_json, crm_db **out_db);

/**
 * A second handle on the same base whose writes are recorded in the audit
 * log as made by `actor` (a user name, a service, an API key's label). The
 * default actor is `"system"`.
 *
 * On success writes a new handle to `*out_db`; free it with `crm_db_free`
 * (each handle separately; the base lives until the last one is freed).
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_with_actor(const crm_db *db, const char *actor, crm_db **out_db);

/**
 * Who this handle's writes are recorded as made by.
 *
 * On success writes a new string to `*out_actor`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_actor(const crm_db *db, char **out_actor);

/**
 * The file this base lives in; NULL is written for a base in memory.
 *
 * On success writes a new string (or NULL) to `*out_path`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_INVALID_UTF8` (a path that is not UTF-8), `CRM_PANIC`. Thread-safe.
 */
crm_status crm_db_path(const crm_db *db, char **out_path);

/**
 * Close a handle. NULL is accepted and ignored. The base itself closes
 * when its last handle (see `crm_db_with_actor`) is freed.
 *
 * Using the handle after this is undefined behaviour (a best-effort check
 * may report `CRM_INVALID_HANDLE`). Must not race with other calls on the
 * same handle; other handles on the same base are unaffected.
 */
void crm_db_free(crm_db *db);

/**
 * The name of a status as a static string, e.g. `"CRM_NOT_FOUND"`;
 * `"CRM_UNKNOWN_STATUS"` for a number that is not a status.
 *
 * Ownership: the string is static; do not free it. Thread-safe.
 */
const char *crm_status_name(int status);

/**
 * The message of the last failed call on the calling thread, or `""` when
 * the last call succeeded (or none was made).
 *
 * Ownership: borrowed, owned by the library; do not free. Valid until the
 * next call of a function returning `crm_status` on the same thread.
 * Thread-safe: each thread has its own last error.
 */
const char *crm_last_error_message(void);

/**
 * The field (or argument) at fault in the last failed call on the calling
 * thread, e.g. `"contact_points[0].address"` for `CRM_VALIDATION` or
 * `"party_id"` for `CRM_NULL_PARAMETER`; NULL when there is none.
 *
 * Ownership: borrowed, owned by the library; do not free. Valid until the
 * next call of a function returning `crm_status` on the same thread.
 * Thread-safe: each thread has its own last error.
 */
const char *crm_last_error_field(void);

/**
 * The version of the library, e.g. `"0.1.0"`.
 *
 * Ownership: static; do not free. Thread-safe.
 */
const char *crm_version(void);

/**
 * The audit log of one record (party, contact point, role, note,
 * relationship, custom field), oldest first; empty for an unknown id.
 *
 * On success writes a page of `AuditEntry` objects (`seq`, `at`, `actor`,
 * `entity`, `entity_id`, `action`, `changes`) to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_audit_list(const crm_db *db, const char *entity_id, crm_page **out_page);

/**
 * Outbox events with a sequence number above `after_seq`, in order, at
 * most `limit` of them (capped at 10,000). A consumer remembers the
 * `"seq"` of the last event it handled (`crm_page_item_int`).
 *
 * On success writes a page of `Event` objects (`seq`, `at`, `topic`,
 * `entity`, `entity_id`, `payload`) to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_event_list(const crm_db *db, int64_t after_seq, size_t limit, crm_page **out_page);

/**
 * Remove outbox events up to and including `up_to_seq` (once every
 * consumer has handled them).
 *
 * On success writes how many were removed to `*out_removed`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_event_prune(const crm_db *db, int64_t up_to_seq, uint64_t *out_removed);

/**
 * Define a custom field from a `NewFieldDef` JSON object, e.g.
 * `{"entity": "party", "name": "loyalty_points", "field_type": "integer"}`
 * or `{"entity": "organization", "name": "segment", "field_type":
 * "choice", "choices": ["retail", "wholesale"], "required": false}`.
 * Values then go in the `"custom"` object of parties.
 *
 * On success writes the `FieldDef` as JSON to `*out_field_json`; free it
 * with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_field_define(const crm_db *db, const char *new_field_json, char **out_field_json);

/**
 * The custom field definitions, of every entity (`entity` NULL) or those
 * that apply to one (`"party"`, `"person"`, `"organization"`).
 *
 * On success writes a page of `FieldDef` objects to `*out_page`; free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_field_list(const crm_db *db, const char *entity, crm_page **out_page);

/**
 * Remove a custom field definition and every value of it.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_field_remove(const crm_db *db, const char *id, int64_t version);

/**
 * Add a note (UTF-8 text; newlines and tabs allowed) to a party, written
 * by the handle's actor.
 *
 * On success writes the new note's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND`, `CRM_VALIDATION` (empty or too long), `CRM_READ_ONLY`,
 * `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_note_add(const crm_db *db, const char *party_id, const char *body, char **out_id);

/**
 * A party's notes, newest first (an unknown party has none).
 *
 * On success writes a page of `Note` objects (`id`, `party_id`, `body`,
 * `author`, `created_at`, `updated_at`, `version`) to `*out_page`; free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_note_list(const crm_db *db, const char *party_id, crm_page **out_page);

/**
 * Delete a note.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_note_delete(const crm_db *db, const char *id, int64_t version);

/**
 * The number of items on the page; 0 for NULL.
 *
 * Ownership: reads the page only; nothing to free. Thread-safe. Does not
 * touch the last error.
 */
size_t crm_page_len(const crm_page *page);

/**
 * Item `index` (from 0) of the page as a JSON object, in the schema of its
 * record type.
 *
 * On success writes a borrowed string to `*out_json`: do not free it; it
 * stays valid until the page is freed. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_HANDLE`, `CRM_INVALID_ARGUMENT` (index past the end),
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_page_item_json(const crm_page *page, size_t index, const char **out_json);

/**
 * A top-level field of item `index` as text, without parsing JSON: a
 * string as it is, a number or boolean in its JSON form, an object or
 * array as JSON text, and NULL for a null field. For example
 * `"display_name"` and `"id"` of a party, `"label"` and `"party_id"` of a
 * neighbour.
 *
 * On success writes a borrowed string (or NULL) to `*out_text`: do not
 * free it; it stays valid until the page is freed. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_INVALID_ARGUMENT` (index past the end), `CRM_NOT_FOUND` (no such
 * field), `CRM_INTERNAL` (a text holding NUL), `CRM_PANIC`. Thread-safe.
 */
crm_status crm_page_item_str(const crm_page *page,
                             size_t index,
                             const char *field,
                             const char **out_text);

/**
 * A top-level integer field of item `index`, e.g. `"version"` of a party
 * or `"seq"` of an event.
 *
 * On success writes the value to `*out_value`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_INVALID_ARGUMENT` (index past the end, or the field is not an
 * integer), `CRM_NOT_FOUND` (no such field), `CRM_PANIC`. Thread-safe.
 */
crm_status crm_page_item_int(const crm_page *page,
                             size_t index,
                             const char *field,
                             int64_t *out_value);

/**
 * The cursor of the next page of a paged list (`crm_party_list`): pass it
 * as `"after"` in the next query. NULL is written on the last page and for
 * lists that are not paged.
 *
 * On success writes a borrowed string (or NULL) to `*out_cursor`: do not
 * free it; it stays valid until the page is freed. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_page_next_cursor(const crm_page *page, const char **out_cursor);

/**
 * The whole page as JSON: `{"items": [...], "next": "..." or null}`, the
 * schema of the Rust `Page`.
 *
 * On success writes a new string to `*out_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_page_to_json(const crm_page *page, char **out_json);

/**
 * Free a page and every string borrowed from it. NULL is accepted and
 * ignored. Using the page afterwards is undefined behaviour.
 *
 * Threads: must not race with other calls on the same page; any thread
 * may free it.
 */
void crm_page_free(crm_page *page);

/**
 * Create a party from a `NewParty` JSON object, e.g.
 * `{"kind": "person", "given_name": "Anna", "family_name": "Bērziņa",
 * "contact_points": [{"kind": "email", "address": "anna@acme.lv"}],
 * "roles": [{"role": "customer"}], "tags": ["vip"]}`.
 *
 * On success writes the created `Party` as JSON to `*out_party_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (see `crm_last_error_field`), `CRM_NOT_FOUND` (the
 * parent), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_create(const crm_db *db, const char *new_party_json, char **out_party_json);

/**
 * Create several parties in one transaction from a JSON array of
 * `NewParty` objects: all are created or none (a validation field is
 * prefixed `parties[i].`).
 *
 * On success writes the created parties as a JSON array to
 * `*out_parties_json`; free it with `crm_string_free`. Statuses: as
 * `crm_party_create`. Thread-safe.
 */
crm_status crm_party_create_many(const crm_db *db,
                                 const char *new_parties_json,
                                 char **out_parties_json);

/**
 * Create a person from typed fields: `given_name` and `family_name`
 * (UTF-8), and optionally a primary email and phone (may be NULL).
 *
 * On success writes the new party's id (a UUID, 36 characters) to
 * `*out_id`; free it with `crm_string_free`. The new party's version is 1.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_person_create(const crm_db *db,
                             const char *given_name,
                             const char *family_name,
                             const char *email,
                             const char *phone,
                             char **out_id);

/**
 * Create an organization from typed fields: its `legal_name` (UTF-8) and
 * optionally a VAT number (may be NULL).
 *
 * On success writes the new party's id to `*out_id`; free it with
 * `crm_string_free`. The new party's version is 1. Statuses: as
 * `crm_person_create`. Thread-safe.
 */
crm_status crm_organization_create(const crm_db *db,
                                   const char *legal_name,
                                   const char *vat_number,
                                   char **out_id);

/**
 * A party by id, as a `Party` JSON object (with its roles, contact points,
 * tags and custom fields).
 *
 * On success writes the JSON to `*out_party_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT` (not a UUID), `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_get(const crm_db *db, const char *id, char **out_party_json);

/**
 * A party's display name.
 *
 * On success writes a new string to `*out_name`; free it with
 * `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
 */
crm_status crm_party_display_name(const crm_db *db, const char *id, char **out_name);

/**
 * A party's current version, to pass to the functions that change it.
 *
 * On success writes the version to `*out_version`. Statuses: as
 * `crm_party_get`. Thread-safe.
 */
crm_status crm_party_version(const crm_db *db, const char *id, int64_t *out_version);

/**
 * Whether a party is a person or an organization.
 *
 * On success writes the kind to `*out_kind`. Statuses: as
 * `crm_party_get`. Thread-safe.
 */
crm_status crm_party_kind(const crm_db *db, const char *id, crm_kind *out_kind);

/**
 * A party's primary email address (lower-case); NULL is written when it
 * has none.
 *
 * On success writes a new string (or NULL) to `*out_email`; free it with
 * `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
 */
crm_status crm_party_primary_email(const crm_db *db, const char *id, char **out_email);

/**
 * A party's primary phone number (E.164, e.g. `"+37120000001"`); NULL is
 * written when it has none.
 *
 * On success writes a new string (or NULL) to `*out_phone`; free it with
 * `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
 */
crm_status crm_party_primary_phone(const crm_db *db, const char *id, char **out_phone);

/**
 * Change a party with a `PartyPatch` JSON object: absent fields stay, a
 * `null` clears, e.g. `{"language": "lv", "vat_number": null}`. `version`
 * is the version the caller read; it fails with `CRM_CONFLICT` when the
 * party moved on.
 *
 * On success writes the changed `Party` as JSON to `*out_party_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_update(const crm_db *db,
                            const char *id,
                            int64_t version,
                            const char *patch_json,
                            char **out_party_json);

/**
 * Archive a party: it stays, with everything it holds, but leaves the
 * default lists and takes no new relationships.
 *
 * On success writes the party's new version to `*out_version`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
 * (already archived), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_archive(const crm_db *db,
                             const char *id,
                             int64_t version,
                             int64_t *out_version);

/**
 * Bring an archived party back.
 *
 * On success writes the party's new version to `*out_version`. Statuses:
 * as `crm_party_archive` (`CRM_VALIDATION`: not archived). Thread-safe.
 */
crm_status crm_party_restore(const crm_db *db,
                             const char *id,
                             int64_t version,
                             int64_t *out_version);

/**
 * Delete a party for good, with its contact points, roles, tags, notes,
 * custom values and relationships.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_delete(const crm_db *db, const char *id, int64_t version);

/**
 * Add tags to a party (ones it has already are left as they are).
 * `tags` points to `tags_len` UTF-8 strings.
 *
 * On success writes the party's version after the change to
 * `*out_version`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_VALIDATION` (a tag has 1 to 64 printable characters),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_add_tags(const crm_db *db,
                              const char *party_id,
                              const char *const *tags,
                              size_t tags_len,
                              int64_t *out_version);

/**
 * Remove tags from a party (ones it does not have are ignored). `tags`
 * points to `tags_len` UTF-8 strings.
 *
 * On success writes the party's version after the change to
 * `*out_version`. Statuses: as `crm_party_add_tags`. Thread-safe.
 */
crm_status crm_party_remove_tags(const crm_db *db,
                                 const char *party_id,
                                 const char *const *tags,
                                 size_t tags_len,
                                 int64_t *out_version);

/**
 * One page of parties matching a `PartyQuery` JSON object (`"{}"` for the
 * first 50 active parties by name), e.g. `{"kind": "organization",
 * "role": "customer", "tag": "vip", "name_prefix": "ac", "sort":
 * "created", "descending": true, "limit": 100, "after": "<cursor>"}`.
 * Get the next page by passing `crm_page_next_cursor` as `"after"`.
 *
 * On success writes a page of `Party` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
 * `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_list(const crm_db *db, const char *query_json, crm_page **out_page);

/**
 * How many parties match a `PartyFilter` JSON object (`"{}"`: every
 * active party).
 *
 * On success writes the count to `*out_count`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_count(const crm_db *db, const char *filter_json, uint64_t *out_count);

/**
 * Parties having a contact point with this value, given as a
 * `ContactValue` JSON object (`{"kind": "email", "address": "…"}`,
 * `{"kind": "phone", "number": "…"}`, …); the value is normalized first.
 *
 * On success writes a page of `Party` objects (possibly empty) to
 * `*out_page`; free it with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_find_by_contact(const crm_db *db,
                                     const char *contact_value_json,
                                     crm_page **out_page);

/**
 * Parties having this email address (any case).
 *
 * On success writes a page of `Party` objects (possibly empty) to
 * `*out_page`; free it with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (not an email address), `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_find_by_email(const crm_db *db, const char *address, crm_page **out_page);

/**
 * Parties having this phone number (any common written form; without
 * `+country` it needs the base's `default_region`).
 *
 * On success writes a page of `Party` objects (possibly empty) to
 * `*out_page`; free it with `crm_page_free`. Statuses: as
 * `crm_party_find_by_email`. Thread-safe.
 */
crm_status crm_party_find_by_phone(const crm_db *db, const char *number, crm_page **out_page);

/**
 * Register a relationship type of your own from a `NewRelationshipType`
 * JSON object, e.g. `{"code": "mentor_of", "forward_label": "mentor of",
 * "inverse_label": "mentee of", "from_kinds": ["person"], "to_kinds":
 * ["person"]}`.
 *
 * On success writes the `RelationshipType` as JSON to `*out_type_json`;
 * free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (e.g. the code exists), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_relationship_type_define(const crm_db *db,
                                        const char *new_type_json,
                                        char **out_type_json);

/**
 * Every relationship type, the standard ones (`employee_of`,
 * `contact_of`, …) included, by code.
 *
 * On success writes a page of `RelationshipType` objects to `*out_page`;
 * free it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_relationship_type_list(const crm_db *db, crm_page **out_page);

/**
 * Relate two parties from a `NewRelationship` JSON object, e.g.
 * `{"type": "employee_of", "from_id": "…", "to_id": "…", "valid_from":
 * "2024-01-01", "strength": 0.8, "notes": "…"}`.
 *
 * On success writes the `Relationship` as JSON to `*out_rel_json`; free it
 * with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND` (a party), `CRM_VALIDATION` (unknown type, kinds that
 * do not fit, an archived party, …), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_relationship_create(const crm_db *db, const char *new_rel_json, char **out_rel_json);

/**
 * Relate two parties from typed arguments: a relationship of type
 * `type_code` (e.g. `"employee_of"`) read from `from_id` to `to_id`,
 * open-ended.
 *
 * On success writes the new relationship's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: as
 * `crm_relationship_create`, with `CRM_INVALID_ARGUMENT` for an id that
 * is not a UUID instead of `CRM_INVALID_JSON`. Thread-safe.
 */
crm_status crm_relationship_link(const crm_db *db,
                                 const char *type_code,
                                 const char *from_id,
                                 const char *to_id,
                                 char **out_id);

/**
 * A relationship by id, as a `Relationship` JSON object.
 *
 * On success writes the JSON to `*out_rel_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_relationship_get(const crm_db *db, const char *id, char **out_rel_json);

/**
 * Change a relationship's dates, strength or notes with a
 * `RelationshipPatch` JSON object, e.g. `{"valid_to": "2025-06-30",
 * "strength": null}`. `version` is the version the caller read.
 *
 * On success writes the changed `Relationship` as JSON to
 * `*out_rel_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_relationship_update(const crm_db *db,
                                   const char *id,
                                   int64_t version,
                                   const char *patch_json,
                                   char **out_rel_json);

/**
 * Delete a relationship.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_relationship_delete(const crm_db *db, const char *id, int64_t version);

/**
 * The parties related to `party_id`, filtered by a `NeighbourQuery` JSON
 * object (`"{}"`: every type, both directions, any date), e.g.
 * `{"type": "employee_of", "direction": "incoming", "at": "2025-01-31",
 * "include_archived": false}`; sorted by label, then name.
 *
 * On success writes a page of `Neighbour` objects (`party_id`,
 * `display_name`, `kind`, `label`, `direction`, `relationship`) to
 * `*out_page`; free it with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_VALIDATION` (unknown type), `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_neighbours(const crm_db *db,
                                const char *party_id,
                                const char *query_json,
                                crm_page **out_page);

/**
 * Everyone at an organization: its sub-organizations (all levels), the
 * people whose organization is one of them, and the people with a
 * membership relationship to one of them that holds on `at`
 * (`YYYY-MM-DD`; NULL: any date). Active parties only.
 *
 * On success writes a page of `Party` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_VALIDATION` (not an organization), `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_members(const crm_db *db,
                             const char *organization_id,
                             const char *at,
                             crm_page **out_page);

/**
 * The shortest chain of relationships from one party to another, at most
 * `max_depth` hops (1 to 6), following relationships both ways and only
 * those that hold on `at` (`YYYY-MM-DD`; NULL: any date).
 *
 * On success writes a page of `PathStep` objects (`from_id`, `to_id`,
 * `relationship_id`, `type`, `label`) to `*out_page`, or NULL when there
 * is no such path (an empty page when `from_id` equals `to_id`); free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND`, `CRM_VALIDATION` (`max_depth`), `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_shortest_path(const crm_db *db,
                                   const char *from_id,
                                   const char *to_id,
                                   size_t max_depth,
                                   const char *at,
                                   crm_page **out_page);

/**
 * Add a role to a party from a `NewRole` JSON object, e.g. `{"role":
 * "customer", "tier": "gold", "vip": true, "customer_number": "C-1001"}`
 * or `{"role": "employee", "title": "CFO", "valid_from": "2024-01-01"}`.
 *
 * On success writes the `Role` as JSON to `*out_role_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_role_add(const crm_db *db,
                        const char *party_id,
                        const char *new_role_json,
                        char **out_role_json);

/**
 * Give a party a role with default details: `role` is one of
 * `"customer"`, `"partner"`, `"supplier"`, `"employee"`,
 * `"stakeholder"`, `"competitor"`.
 *
 * On success writes the new role's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (an unknown role or id),
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_VALIDATION`,
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_role_grant(const crm_db *db, const char *party_id, const char *role, char **out_id);

/**
 * Change a role's details or time span (not its kind) with a `RolePatch`
 * JSON object, e.g. `{"details": {"role": "customer", "tier": "silver"},
 * "valid_to": "2025-12-31"}`. `version` is the version the caller read.
 *
 * On success writes the changed `Role` as JSON to `*out_role_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`,
 * `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_role_update(const crm_db *db,
                           const char *id,
                           int64_t version,
                           const char *patch_json,
                           char **out_role_json);

/**
 * Remove a role.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_role_remove(const crm_db *db, const char *id, int64_t version);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CRM_H */
