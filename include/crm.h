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
 * What `crm_order_import` did.
 */
typedef enum {
  /**
   * The order was new and was created.
   */
  CRM_UPSERT_CREATED = 1,
  /**
   * The order existed and had changed; it was updated.
   */
  CRM_UPSERT_UPDATED = 2,
  /**
   * The order existed as sent; nothing changed.
   */
  CRM_UPSERT_UNCHANGED = 3,
} crm_upsert_outcome;

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

/**
 * Called by a CSV import after every batch with the counts so far as a
 * JSON object: `{"rows": 2000, "created": 1990, "updated": 0,
 * "unchanged": 0, "rejected": 10}` (rows read, parties created, parties
 * updated, rows whose party was already as they say, rows rejected).
 *
 * `progress_json` is borrowed and valid only during the call; `user_data`
 * is the pointer given to the import function.
 *
 * Return 0 to go on, any other value to stop the import: row by row, the
 * batches done so far stay; all or nothing, nothing stays. The report then
 * has `"stopped": true`.
 *
 * The callback runs on the thread that called the import. An
 * all-or-nothing import, and an import loading in bulk, call it inside
 * the import's write transaction: a write through the importing handle
 * from the callback (or a read of an in-memory base) then fails with
 * `CRM_BUSY` instead of waiting for the import; reading a file base
 * works, and shows the last commit before that transaction.
 */
typedef int (*crm_progress_fn)(const char *progress_json, void *user_data);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The funnel of a pipeline over the opportunities created between `from`
 * and `to` (RFC 3339; each may be NULL: open-ended): how many reached each
 * stage, the share that moved on, the win rate, and the median and mean
 * days spent in each stage; one funnel for all (`group` NULL or
 * `"all"`), or one per `"owner"` or `"source"`.
 *
 * On success writes a JSON array of `Funnel` objects to `*out_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, not a time, an
 * unknown group), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the pipeline),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_funnel(const crm_db *db,
                                const char *pipeline_id,
                                const char *from,
                                const char *to,
                                const char *group,
                                char **out_json);

/**
 * Lead statuses reached over the leads created between `from` and `to`
 * (RFC 3339; each may be NULL), for all leads (`group` NULL) or per
 * `"source"` or `"campaign"`.
 *
 * On success writes a JSON array of `LeadFunnel` objects to `*out_json`;
 * free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a time),
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`group`), `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_lead_funnel(const crm_db *db,
                                     const char *from,
                                     const char *to,
                                     const char *group,
                                     char **out_json);

/**
 * The weighted pipeline of open opportunities by month of expected close
 * and currency, of one pipeline (`pipeline_id`; NULL: all).
 *
 * On success writes a JSON array of `ForecastMonth` objects (`month`,
 * `currency`, `count`, `amount`, `weighted_amount`) to `*out_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_forecast(const crm_db *db, const char *pipeline_id, char **out_json);

/**
 * Revenue by period and a cut, with a `RevenueQuery` JSON object (`"{}"`:
 * by month, in total), e.g. `{"from": "2025-01-01T00:00:00Z", "period":
 * "quarter", "by": "product", "convert_to": "EUR", "rates": {"USD":
 * 0.92}}`. Periods: `day`, `week`, `month`, `quarter`, `year`; cuts:
 * `total`, `product`, `category`, `tier`, `country`, `channel`,
 * `segment`. One row per currency unless `convert_to` and a rate for
 * every currency are given.
 *
 * On success writes a JSON array of `RevenueRow` objects (`period`,
 * `key`, `currency`, `amount`, `orders`) to `*out_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
 * `convert_to`, `rates.USD`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_revenue(const crm_db *db, const char *query_json, char **out_json);

/**
 * Retention and revenue by the month of each customer's first purchase,
 * in one `currency`, up to `months` months (1 to 240) after it.
 *
 * On success writes a JSON array of `Cohort` objects (`month`,
 * `customers`, `active`, `retention`, `revenue`) to `*out_json`; free it
 * with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`,
 * `months`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_cohorts(const crm_db *db,
                                 const char *currency,
                                 size_t months,
                                 char **out_json);

/**
 * Recency, frequency and monetary scores (1 to 5) of every customer with
 * purchases in `currency` up to `as_of` (`YYYY-MM-DD`; NULL: today), with
 * a named segment (`champions`, `loyal`, `at_risk`, `lost`, …).
 *
 * On success writes a JSON array of `RfmScore` objects to `*out_json`;
 * free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a date),
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`), `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_rfm(const crm_db *db,
                             const char *as_of,
                             const char *currency,
                             char **out_json);

/**
 * Each customer's purchase history in `currency` up to `as_of`
 * (`YYYY-MM-DD`; NULL: today) as the lifetime-value models read it:
 * repeat purchases, recency and age in weeks, mean repeat spend, totals.
 *
 * On success writes a JSON array of `PurchaseSummary` objects to
 * `*out_json`; free it with `crm_string_free`. Statuses: as
 * `crm_analytics_rfm`. Thread-safe.
 */
crm_status crm_analytics_purchase_summaries(const crm_db *db,
                                            const char *as_of,
                                            const char *currency,
                                            char **out_json);

/**
 * Fit the customer-lifetime-value models (BG/NBD for purchases,
 * Gamma-Gamma for spend) on the purchases in `currency` up to `as_of`
 * (`YYYY-MM-DD`; NULL: today).
 *
 * On success writes the `ClvModel` (`bgnbd`, `gamma_gamma` or null,
 * `customers`) as JSON to `*out_json`; free it with `crm_string_free`.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`
 * (`currency`; `orders`: too few purchases, or the fit did not converge),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_fit_clv(const crm_db *db,
                                 const char *as_of,
                                 const char *currency,
                                 char **out_json);

/**
 * Each customer's value with a `ClvRequest` JSON object, e.g. `{"as_of":
 * "2025-06-30", "currency": "EUR", "options": {"periods": 12,
 * "period_length": 4.345, "discount_rate": 0.01, "margin": 0.3}}`
 * (`options` may be left out): the probability it is alive, expected
 * purchases and spend, and the discounted lifetime value.
 *
 * On success writes a JSON array of `CustomerValue` objects to
 * `*out_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`, `options…`,
 * `orders`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_customer_values(const crm_db *db,
                                         const char *request_json,
                                         char **out_json);

/**
 * Customers likely lost as of `as_of` (`YYYY-MM-DD`; NULL: today), from
 * their purchases in `currency`: the probability they are alive below
 * `threshold` (0 to 1), or a gap since the last purchase beyond
 * `gap_factor` times their own usual gap; most at risk first, each with
 * the reason.
 *
 * On success writes a JSON array of `ChurnRisk` objects to `*out_json`;
 * free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (`threshold`, `gap_factor`, `currency`, `orders`),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_churn_risk(const crm_db *db,
                                    const char *as_of,
                                    const char *currency,
                                    double threshold,
                                    double gap_factor,
                                    char **out_json);

/**
 * Up to `k` (1 to 100) products to offer a customer: bought together with
 * what it has bought, leaving out what it already has, topped up with the
 * most popular products.
 *
 * On success writes a JSON array of `Offer` objects (`product_id`,
 * `score`) to `*out_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
 * (`k`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_next_best_offers(const crm_db *db,
                                          const char *party_id,
                                          size_t k,
                                          char **out_json);

/**
 * How well next-best-offer with `k` (1 to 100) offers does: each
 * customer's last order is held out, and the share of customers whose
 * held-out order holds an offer is compared with offering the most
 * popular products.
 *
 * On success writes the `OfferEvaluation` (`customers`, `hit_rate`,
 * `baseline_hit_rate`, `k`) as JSON to `*out_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`k`), `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_evaluate_offers(const crm_db *db, size_t k, char **out_json);

/**
 * Learn win probabilities from a pipeline's closed opportunities and
 * report how they do on the most recently closed quarter of them, against
 * the stages' default probabilities (Brier score, calibration).
 *
 * On success writes the `WinModelReport` as JSON to `*out_json`; free it
 * with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND` (the pipeline), `CRM_VALIDATION` (too few closed
 * opportunities), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_analytics_win_model(const crm_db *db, const char *pipeline_id, char **out_json);

/**
 * The learned win probability of each open opportunity of a pipeline,
 * beside its stage's default.
 *
 * On success writes a JSON array of `WinPrediction` objects to
 * `*out_json`; free it with `crm_string_free`. Statuses: as
 * `crm_analytics_win_model`. Thread-safe.
 */
crm_status crm_analytics_predict_wins(const crm_db *db, const char *pipeline_id, char **out_json);

/**
 * Create a product from a `NewProduct` JSON object, e.g. `{"sku":
 * "CHAIR-01", "name": "Office chair", "category": "furniture", "unit":
 * "pcs", "description": "…"}`.
 *
 * On success writes the created `Product` as JSON to
 * `*out_product_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `sku` exists),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_product_create(const crm_db *db,
                              const char *new_product_json,
                              char **out_product_json);

/**
 * Create a product from typed arguments: its `sku`, `name` and optionally
 * a `category` (may be NULL); the unit is `"pcs"`.
 *
 * On success writes the new product's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `sku`
 * exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_product_add(const crm_db *db,
                           const char *sku,
                           const char *name,
                           const char *category,
                           char **out_id);

/**
 * A product by id, as a `Product` JSON object.
 *
 * On success writes the JSON to `*out_product_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_product_get(const crm_db *db, const char *id, char **out_product_json);

/**
 * A product by its SKU, as a `Product` JSON object.
 *
 * On success writes the JSON to `*out_product_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_product_by_sku(const crm_db *db, const char *sku, char **out_product_json);

/**
 * The id of the product with this SKU.
 *
 * On success writes the id to `*out_id`; free it with `crm_string_free`.
 * Statuses: as `crm_product_by_sku`. Thread-safe.
 */
crm_status crm_product_id_by_sku(const crm_db *db, const char *sku, char **out_id);

/**
 * The products of one `category` (NULL: every category) by category and
 * name; inactive ones only when `include_inactive` is true.
 *
 * On success writes a page of `Product` objects to `*out_page`; free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_product_list(const crm_db *db,
                            const char *category,
                            bool include_inactive,
                            crm_page **out_page);

/**
 * Change a product with a `ProductPatch` JSON object, e.g. `{"name":
 * "Office chair II", "active": false, "category": null}`. `version` is
 * the version the caller read.
 *
 * On success writes the changed `Product` as JSON to
 * `*out_product_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_product_update(const crm_db *db,
                              const char *id,
                              int64_t version,
                              const char *patch_json,
                              char **out_product_json);

/**
 * Create a price list from a `NewPriceList` JSON object, e.g. `{"name":
 * "Retail EUR", "currency": "EUR"}` or `{"name": "Gold 2025", "currency":
 * "EUR", "tier": "gold", "valid_from": "2025-01-01", "valid_to":
 * "2025-12-31"}` (`tier`: a customer tier; `segment`: a tag).
 *
 * On success writes the created `PriceList` as JSON to
 * `*out_price_list_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `currency`, `name`
 * exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_price_list_create(const crm_db *db,
                                 const char *new_price_list_json,
                                 char **out_price_list_json);

/**
 * A price list by id, as a `PriceList` JSON object.
 *
 * On success writes the JSON to `*out_price_list_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_price_list_get(const crm_db *db, const char *id, char **out_price_list_json);

/**
 * Every price list, by name.
 *
 * On success writes a page of `PriceList` objects to `*out_page`; free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_price_list_list(const crm_db *db, crm_page **out_page);

/**
 * Set a product's unit price in a price list: `amount` in minor units
 * (cents; not negative) of `currency`, which must be the list's.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the
 * list or product), `CRM_VALIDATION` (`currency`: not ISO 4217 or not the
 * list's; `unit_price`: negative), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_price_list_set_price(const crm_db *db,
                                    const char *price_list_id,
                                    const char *product_id,
                                    int64_t amount,
                                    const char *currency);

/**
 * The price a party pays for a product on a date in a currency: from the
 * valid price lists in that currency holding the product, the one for the
 * customer's tier wins, then one for a segment (tag) it carries, then one
 * for everyone. `party_id` may be NULL (anyone); `date` is `YYYY-MM-DD`
 * (NULL: today).
 *
 * On success writes the `PriceQuote` (`product_id`, `price_list_id`,
 * `unit_price`) as JSON, or NULL when no list prices the product, to
 * `*out_quote_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a
 * UUID, not a date), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the product),
 * `CRM_VALIDATION` (`currency`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_product_price(const crm_db *db,
                             const char *product_id,
                             const char *party_id,
                             const char *date,
                             const char *currency,
                             char **out_quote_json);

/**
 * The unit price, in minor units, that `crm_product_price` finds, without
 * JSON.
 *
 * On success writes whether a list prices the product to `*out_found` and,
 * when one does, the amount to `*out_amount` (left as it was otherwise).
 * Statuses: as `crm_product_price`. Thread-safe.
 */
crm_status crm_product_unit_price(const crm_db *db,
                                  const char *product_id,
                                  const char *party_id,
                                  const char *date,
                                  const char *currency,
                                  int64_t *out_amount,
                                  bool *out_found);

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
 * Record an interaction from a `NewInteraction` JSON object, e.g.
 * `{"channel": "phone_call", "direction": "outbound", "subject": "Renewal",
 * "occurred_at": "2025-03-01T09:30:00Z", "duration_seconds": 300,
 * "participants": [{"party_id": "…", "role": "to"}], "opportunity_id":
 * "…"}`. Channels: `email`, `phone_call`, `meeting`, `chat`, `sms`,
 * `web_visit`, `social`, `store_visit`, `letter`, `portal`.
 *
 * On success writes the created `Interaction` as JSON to
 * `*out_interaction_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `subject`,
 * `participants[0].party_id`: no such party; `lead_id`),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_interaction_record(const crm_db *db,
                                  const char *new_interaction_json,
                                  char **out_interaction_json);

/**
 * Record an interaction with one party from typed arguments: on `channel`
 * (`"email"`, `"phone_call"`, `"meeting"`, …), inbound (the party reached
 * us; it is the `from` participant) or `outbound` (we reached it; it is
 * the `to` participant), now, with a `subject` and optionally a `body`
 * (may be NULL).
 *
 * On success writes the new interaction's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, an unknown
 * channel), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`subject`;
 * `participants[0].party_id`: no such party), `CRM_READ_ONLY`,
 * `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_interaction_log(const crm_db *db,
                               const char *party_id,
                               const char *channel,
                               bool outbound,
                               const char *subject,
                               const char *body,
                               char **out_id);

/**
 * An interaction by id, as an `Interaction` JSON object.
 *
 * On success writes the JSON to `*out_interaction_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_interaction_get(const crm_db *db, const char *id, char **out_interaction_json);

/**
 * Change an interaction's subject, body, outcome or duration with an
 * `InteractionPatch` JSON object, e.g. `{"outcome": "call back in May",
 * "body": null}`. `version` is the version the caller read.
 *
 * On success writes the changed `Interaction` as JSON to
 * `*out_interaction_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_interaction_update(const crm_db *db,
                                  const char *id,
                                  int64_t version,
                                  const char *patch_json,
                                  char **out_interaction_json);

/**
 * Delete an interaction.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_interaction_delete(const crm_db *db, const char *id, int64_t version);

/**
 * One page of a party's timeline, newest first, filtered by a
 * `TimelineQuery` JSON object (`"{}"`: every channel, 50 a page, an
 * organization's people and sub-organizations included), e.g.
 * `{"channel": "email", "from": "2025-01-01T00:00:00Z", "to": "…",
 * "opportunity_id": "…", "include_members": false, "limit": 20, "after":
 * "<cursor>"}`. Get the next page by passing `crm_page_next_cursor` as
 * `"after"`.
 *
 * On success writes a page of `Interaction` objects to `*out_page`; free
 * it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
 * (e.g. `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_timeline(const crm_db *db,
                              const char *party_id,
                              const char *query_json,
                              crm_page **out_page);

/**
 * Create a task from a `NewTask` JSON object, e.g. `{"subject": "Send the
 * offer", "due_at": "2025-03-07T12:00:00Z", "owner": "maija", "priority":
 * "high", "party_id": "…", "link": {"entity": "interaction", "id":
 * "…"}}`. Priorities: `low`, `normal`, `high`, `urgent`.
 *
 * On success writes the created `Task` as JSON to `*out_task_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (e.g. `subject`), `CRM_NOT_FOUND` (the party or linked
 * record), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_task_create(const crm_db *db, const char *new_task_json, char **out_task_json);

/**
 * Create a task from typed arguments: a `subject`, the party it concerns
 * (`party_id`, may be NULL) and when it is due (`due_at`, RFC 3339 such
 * as `"2025-03-07T12:00:00Z"`; may be NULL), normal priority, no owner.
 *
 * On success writes the new task's id to `*out_id`; free it with
 * `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, not a time),
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. an empty `subject`),
 * `CRM_NOT_FOUND` (the party), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_add(const crm_db *db,
                        const char *party_id,
                        const char *subject,
                        const char *due_at,
                        char **out_id);

/**
 * A task by id, as a `Task` JSON object.
 *
 * On success writes the JSON to `*out_task_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_get(const crm_db *db, const char *id, char **out_task_json);

/**
 * Change a task with a `TaskPatch` JSON object, e.g. `{"status": "done"}`
 * or `{"due_at": null, "priority": "urgent"}`. Statuses of a task:
 * `open`, `in_progress`, `done`, `cancelled`; done or cancelled stamps
 * `completed_at`. `version` is the version the caller read.
 *
 * On success writes the changed `Task` as JSON to `*out_task_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_update(const crm_db *db,
                           const char *id,
                           int64_t version,
                           const char *patch_json,
                           char **out_task_json);

/**
 * Mark a task done. `version` is the version the caller read.
 *
 * On success writes the task's new version to `*out_version`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_complete(const crm_db *db,
                             const char *id,
                             int64_t version,
                             int64_t *out_version);

/**
 * Delete a task.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_task_delete(const crm_db *db, const char *id, int64_t version);

/**
 * A party's open tasks (open or in progress), soonest due first, those
 * without a due time last.
 *
 * On success writes a page of `Task` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_list_open(const crm_db *db, const char *party_id, crm_page **out_page);

/**
 * Everyone's open tasks due before `now` (RFC 3339; NULL: the current
 * time), most overdue first, of one `owner` (NULL: any), at most `limit`
 * (1 to 1000).
 *
 * On success writes a page of `Task` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT` (not a time), `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (`limit`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_task_list_overdue(const crm_db *db,
                                 const char *now,
                                 const char *owner,
                                 size_t limit,
                                 crm_page **out_page);

/**
 * Import parties from the CSV file at `path` (UTF-8 path), reading it as
 * a stream in constant memory, with a `CsvOptions` JSON object, e.g.
 * `{"mapping": {"columns": {"First": "given_name", "Last":
 * "family_name", "E-mail": "email"}, "default_kind": "person", "key":
 * {"by": "email"}}, "delimiter": ";", "encoding": "windows-1251",
 * "mode": "row_by_row", "dry_run": false, "batch_size": 1000, "load":
 * "auto"}` (every key optional but `mapping`; the delimiter and the
 * encoding are detected when absent; `key` is `{"by": "none"}`, `{"by":
 * "email"}`, `{"by": "phone"}`, `{"by": "vat_number"}` or `{"by":
 * "custom", "field": "erp_id"}`; `mode` is `"row_by_row"` or
 * `"all_or_nothing"`; `load` is `"auto"`, `"batches"` or `"bulk"`: a bulk
 * load writes the rest of the import in one transaction and builds the
 * name, contact-value and tag indexes at its end, far faster for large
 * files, and `"auto"` turns to it once the rows read reach a sixteenth of
 * the parties the base held).
 *
 * Bad rows are reported with their line (1 is the header), field and
 * reason while the good rows import (row by row), or nothing imports
 * (all or nothing). `rejects_path` (may be NULL) receives every bad row
 * as CSV: line, field, reason, then the row as read; it is created (or
 * truncated) when the first bad row is found or, when there is none, at
 * the end. `progress` (may be NULL) is called after every batch with
 * `user_data` (may be NULL); see `crm_progress_fn`: a nonzero return
 * stops the import.
 *
 * On success writes the `ImportReport` as JSON to `*out_report_json`
 * (`{"rows", "created", "updated", "unchanged", "rejected", "rejects":
 * [{"line", "field", "reason"}] (the first 1000), "rolled_back", "stopped",
 * "bulk", "encoding", "delimiter"}`); free it with `crm_string_free`. In row by
 * row mode, batches written before a failure stay written. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`mapping.columns`: an unknown
 * target or a column the file does not have; `encoding`, `delimiter`,
 * `header`, `key`), `CRM_IO` (field `path` or `rejects_path`: the file
 * cannot be opened, read or written), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_import_csv_file(const crm_db *db,
                               const char *path,
                               const char *options_json,
                               const char *rejects_path,
                               crm_progress_fn progress,
                               void *user_data,
                               char **out_report_json);

/**
 * `crm_import_csv_file` reading the CSV from `data_len` bytes at `data`
 * (in any encoding the options name or detection finds; not
 * NUL-terminated).
 *
 * On success writes the `ImportReport` as JSON to `*out_report_json`;
 * free it with `crm_string_free`. Statuses: as `crm_import_csv_file`
 * (`CRM_IO` only for `rejects_path`). Thread-safe.
 */
crm_status crm_import_csv_buffer(const crm_db *db,
                                 const char *data,
                                 size_t data_len,
                                 const char *options_json,
                                 const char *rejects_path,
                                 crm_progress_fn progress,
                                 void *user_data,
                                 char **out_report_json);

/**
 * Save a column mapping (a `CsvMapping` JSON object: `{"columns":
 * {"E-mail": "email"}, "default_kind": "person", "key": {"by":
 * "email"}}`) under `name` (1 to 100 characters), replacing one of that
 * name. Use it as the `"mapping"` of a later import's options.
 *
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`name`, `mapping.columns`),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_mapping_save(const crm_db *db, const char *name, const char *mapping_json);

/**
 * The mapping saved under `name`.
 *
 * On success writes the `CsvMapping` as JSON to `*out_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_mapping_get(const crm_db *db, const char *name, char **out_json);

/**
 * Write the whole base (every table, row by row, one consistent snapshot)
 * as JSON lines to the file at `path`, replacing it. Importing the file
 * with `crm_import_json_file` into an empty base gives the same base
 * back. The file is written beside `path` and renamed over it at the end:
 * a failed export leaves `path` as it was.
 *
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT` (a path naming no file), `CRM_INVALID_HANDLE`,
 * `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_json_file(const crm_db *db, const char *path);

/**
 * `crm_export_json_file` into memory, for small bases: the whole export
 * is held in memory at once.
 *
 * On success writes the JSON lines to `*out_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_STORAGE`, `CRM_INTERNAL`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_json(const crm_db *db, char **out_json);

/**
 * Write the parties matching a `PartyFilter` JSON object (may be NULL:
 * active parties of every kind), e.g. `{"role": "customer", "tag":
 * "vip"}`, with everything they hold and the relationships among them,
 * as JSON lines to the file at `path`, replacing it (written beside it
 * and renamed at the end).
 *
 * On success writes the number of parties to `*out_count`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`,
 * `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_parties_json_file(const crm_db *db,
                                        const char *filter_json,
                                        const char *path,
                                        uint64_t *out_count);

/**
 * `crm_export_parties_json_file` into memory, for small selections.
 *
 * On success writes the JSON lines to `*out_json` (free it with
 * `crm_string_free`) and the number of parties to `*out_count`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_INTERNAL`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_parties_json(const crm_db *db,
                                   const char *filter_json,
                                   char **out_json,
                                   uint64_t *out_count);

/**
 * Read a JSON lines export from the file at `path`: a whole base (written
 * by `crm_export_json_file`; only into an empty base, which then holds the
 * same records, ids, versions and history) or a selection (written by
 * `crm_export_parties_json_file`; parties new to the base are created with
 * their ids, those already there are left as they are). All or nothing: a
 * bad line changes nothing and is named as the field (`"line 7"`).
 *
 * On success writes the `JsonImportReport` (`{"written", "skipped"}`) as
 * JSON to `*out_report_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (`line N`; `base`: a whole base into a base that is not
 * empty), `CRM_SCHEMA` (an export older than schema 8 or newer than this
 * build), `CRM_IO` (field `path`: missing or unreadable, or not UTF-8),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_import_json_file(const crm_db *db, const char *path, char **out_report_json);

/**
 * `crm_import_json_file` reading the export from `data_len` bytes of
 * UTF-8 at `data` (not NUL-terminated).
 *
 * On success writes the `JsonImportReport` as JSON to `*out_report_json`;
 * free it with `crm_string_free`. Statuses: as `crm_import_json_file`,
 * with `CRM_INVALID_UTF8` (field `data`) for bytes that are not UTF-8 and
 * no `CRM_IO`. Thread-safe.
 */
crm_status crm_import_json_buffer(const crm_db *db,
                                  const char *data,
                                  size_t data_len,
                                  char **out_report_json);

/**
 * Write the parties matching a `PartyFilter` JSON object (may be NULL:
 * active parties of every kind) as vCard 4.0 to the file at `path`,
 * replacing it (written beside it and renamed at the end). What vCard has
 * no property for travels in `X-CRM-*` properties, so that
 * `crm_import_vcard_file` loses nothing.
 *
 * On success writes the number of cards to `*out_count`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`,
 * `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_vcard_file(const crm_db *db,
                                 const char *filter_json,
                                 const char *path,
                                 uint64_t *out_count);

/**
 * `crm_export_vcard_file` into memory, for small selections.
 *
 * On success writes the vCards to `*out_vcard` (free it with
 * `crm_string_free`) and their number to `*out_count`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_INTERNAL`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_export_vcard(const crm_db *db,
                            const char *filter_json,
                            char **out_vcard,
                            uint64_t *out_count);

/**
 * Read vCards (3.0 or 4.0) from the file at `path`. A card whose UID is a
 * party's id updates that party; others create parties (with the UID as
 * id when it is one). A person's ORG links it to the organization of that
 * name, created if there is none. Bad cards (an unknown VERSION, broken
 * folding, no END, a bad email, …) are reported with the line they begin
 * on, and the good ones import, each in its own transaction.
 *
 * On success writes the `VcardReport` (`{"cards", "created", "updated",
 * "rejects": [{"line", "field", "reason"}]}`) as JSON to
 * `*out_report_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
 * `CRM_IO` (field `path`: missing or unreadable, or not UTF-8),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_import_vcard_file(const crm_db *db, const char *path, char **out_report_json);

/**
 * `crm_import_vcard_file` reading the cards from `data_len` bytes of
 * UTF-8 at `data` (not NUL-terminated).
 *
 * On success writes the `VcardReport` as JSON to `*out_report_json`; free
 * it with `crm_string_free`. Statuses: as `crm_import_vcard_file`, with
 * `CRM_INVALID_UTF8` (field `data`) for bytes that are not UTF-8 and no
 * `CRM_IO`. Thread-safe.
 */
crm_status crm_import_vcard_buffer(const crm_db *db,
                                   const char *data,
                                   size_t data_len,
                                   char **out_report_json);

/**
 * Create a lead from a `NewLead` JSON object, e.g. `{"source": "web",
 * "given_name": "Ilze", "family_name": "Liepa", "email": "ilze@liepa.lv",
 * "company_name": "Liepa SIA", "country": "LV", "utm": {"source":
 * "newsletter"}}`; it needs a name, an email, a phone or a company. It is
 * scored by the current score rules.
 *
 * On success writes the created `Lead` as JSON to `*out_lead_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (e.g. `email`), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_create(const crm_db *db, const char *new_lead_json, char **out_lead_json);

/**
 * A lead by id, as a `Lead` JSON object.
 *
 * On success writes the JSON to `*out_lead_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_get(const crm_db *db, const char *id, char **out_lead_json);

/**
 * Leads, newest first, in one `status` (`"new"`, `"working"`,
 * `"qualified"`, `"converted"`, `"disqualified"`; NULL: any), at most
 * `limit` (1 to 1000).
 *
 * On success writes a page of `Lead` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT` (an unknown status), `CRM_INVALID_HANDLE`,
 * `CRM_VALIDATION` (`limit`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_list(const crm_db *db, const char *status, size_t limit, crm_page **out_page);

/**
 * Change a lead with a `LeadPatch` JSON object, e.g. `{"status":
 * "working", "owner": "maija"}` or `{"status": "disqualified",
 * "disqualify_reason": "no budget"}`. A converted lead no longer changes;
 * convert with `crm_lead_convert`. `version` is the version the caller
 * read.
 *
 * On success writes the changed `Lead` as JSON to `*out_lead_json`; free
 * it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
 * (e.g. `status`), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_update(const crm_db *db,
                           const char *id,
                           int64_t version,
                           const char *patch_json,
                           char **out_lead_json);

/**
 * The lead score rules, as a JSON array of `LeadScoreRule` objects, e.g.
 * `[{"condition": "has_email", "points": 10}, {"condition": {"source":
 * "referral"}, "points": 25}]`.
 *
 * On success writes the JSON to `*out_rules_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_score_rules_get(const crm_db *db, char **out_rules_json);

/**
 * Replace the lead score rules with a JSON array of `LeadScoreRule`
 * objects (see `crm_lead_score_rules_get`; conditions: `has_email`,
 * `has_phone`, `has_company`, `{"source": …}`, `{"utm_source": …}`,
 * `{"country": …}`, `{"title_contains": …}`) and rescore every open lead.
 *
 * No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
 * `rules[0].points`, -1000 to 1000), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_score_rules_set(const crm_db *db, const char *rules_json);

/**
 * Convert a lead with a `LeadConversion` JSON object: into a new or an
 * existing person and organization, and optionally an opportunity, e.g.
 * `{"person": {"mode": "new"}, "organization": {"mode": "existing", "id":
 * "…"}, "opportunity": {"pipeline_id": "…", "amount": {"amount": 500000,
 * "currency": "EUR"}}}` (`{"mode": "skip"}` creates none; `"{}"`: a new
 * person and organization, no opportunity). `version` is the version the
 * caller read.
 *
 * On success writes the converted `Lead` as JSON to `*out_lead_json` and
 * the created `Opportunity` as JSON, or NULL when none was asked for, to
 * `*out_opportunity_json`; free both with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION` (`status`: converted already or
 * disqualified; `person`, `organization`, `opportunity…`), `CRM_READ_ONLY`,
 * `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_convert(const crm_db *db,
                            const char *id,
                            int64_t version,
                            const char *conversion_json,
                            char **out_lead_json,
                            char **out_opportunity_json);

/**
 * The interactions linked to a lead (by their `lead_id`), newest first.
 *
 * On success writes a page of `Interaction` objects to `*out_page`; free
 * it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
 * `CRM_NOT_FOUND` (the lead), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_lead_interactions(const crm_db *db, const char *lead_id, crm_page **out_page);

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
 * Create a pipeline from a `NewPipeline` JSON object: a name and its
 * stages in order, with at least one open, one won and one lost stage,
 * e.g. `{"name": "B2B", "stages": [{"name": "Qualify", "probability":
 * 10}, {"name": "Offer", "probability": 50}, {"name": "Won",
 * "probability": 100, "outcome": "won"}, {"name": "Lost", "probability":
 * 0, "outcome": "lost"}]}`.
 *
 * On success writes the created `Pipeline` (with its stages' ids) as JSON
 * to `*out_pipeline_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `name` exists, `stages`),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_pipeline_create(const crm_db *db,
                               const char *new_pipeline_json,
                               char **out_pipeline_json);

/**
 * A pipeline by id, as a `Pipeline` JSON object with its stages.
 *
 * On success writes the JSON to `*out_pipeline_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_pipeline_get(const crm_db *db, const char *id, char **out_pipeline_json);

/**
 * Every pipeline, by name.
 *
 * On success writes a page of `Pipeline` objects to `*out_page`; free it
 * with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_pipeline_list(const crm_db *db, crm_page **out_page);

/**
 * The id of a pipeline's stage by its name (exact, e.g. `"Offer"`), to
 * pass to `crm_opportunity_move`.
 *
 * On success writes the stage's id to `*out_stage_id`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the
 * pipeline, or no stage of that name; the field is `stage_name`),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_pipeline_stage_id(const crm_db *db,
                                 const char *pipeline_id,
                                 const char *stage_name,
                                 char **out_stage_id);

/**
 * A pipeline's open, won and lost opportunities by stage: count, amount
 * and weighted amount per currency, as a `PipelineSummary` JSON object.
 *
 * On success writes the JSON to `*out_summary_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_pipeline_summary(const crm_db *db, const char *pipeline_id, char **out_summary_json);

/**
 * Create an opportunity from a `NewOpportunity` JSON object, e.g.
 * `{"name": "Acme renewal", "account_id": "…", "pipeline_id": "…",
 * "amount": {"amount": 1250000, "currency": "EUR"}, "expected_close":
 * "2025-06-30", "owner": "maija", "contacts": [{"party_id": "…",
 * "buying_role": "decision_maker"}]}`; it starts in the pipeline's first
 * stage unless `"stage_id"` names another. Amounts are in minor units.
 *
 * On success writes the created `Opportunity` as JSON to
 * `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the account or pipeline),
 * `CRM_VALIDATION` (e.g. `amount`, `stage_id`, an archived `account_id`),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_opportunity_create(const crm_db *db,
                                  const char *new_opportunity_json,
                                  char **out_opportunity_json);

/**
 * An opportunity by id, as an `Opportunity` JSON object (with its stage
 * history, contacts and partners).
 *
 * On success writes the JSON to `*out_opportunity_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_opportunity_get(const crm_db *db, const char *id, char **out_opportunity_json);

/**
 * The opportunities of an account (a party), newest first.
 *
 * On success writes a page of `Opportunity` objects (possibly empty) to
 * `*out_page`; free it with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_opportunity_list(const crm_db *db, const char *account_id, crm_page **out_page);

/**
 * Change an opportunity with an `OpportunityPatch` JSON object, e.g.
 * `{"amount": {"amount": 900000, "currency": "EUR"}, "probability": 60,
 * "expected_close": null}`. Its stage changes with
 * `crm_opportunity_move`. `version` is the version the caller read.
 *
 * On success writes the changed `Opportunity` as JSON to
 * `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_opportunity_update(const crm_db *db,
                                  const char *id,
                                  int64_t version,
                                  const char *patch_json,
                                  char **out_opportunity_json);

/**
 * Move an opportunity to another stage of its pipeline (`stage_id`, see
 * `crm_pipeline_stage_id`); a won or lost stage closes it, with an
 * optional `reason` (may be NULL). `version` is the version the caller
 * read.
 *
 * On success writes the moved `Opportunity` as JSON to
 * `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
 * (`stage_id`: not a stage of its pipeline; `reason`), `CRM_READ_ONLY`,
 * `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_opportunity_move(const crm_db *db,
                                const char *id,
                                int64_t version,
                                const char *stage_id,
                                const char *reason,
                                char **out_opportunity_json);

/**
 * Create an order from a `NewOrder` JSON object, e.g. `{"party_id": "…",
 * "currency": "EUR", "channel": "web_shop", "external_id": "WS-1001",
 * "status": "placed", "price_list_id": "…", "lines": [{"product_id": "…",
 * "quantity": 2}, {"description": "Delivery", "quantity": 1,
 * "unit_price": 500, "tax_rate_bp": 2100}]}`. Amounts are in minor units;
 * lines without a unit price are priced from the order's price list or
 * the customer's best one. Channels: `web_shop`, `store`, `partner`,
 * `phone`, `marketplace`, `direct`; statuses: `draft`, `placed`, `paid`,
 * `shipped`, `delivered`, `cancelled`, `returned`.
 *
 * On success writes the created `Order` (lines, totals, status history)
 * as JSON to `*out_order_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
 * (e.g. `lines[0].quantity`, `currency`, an archived `party_id`, an
 * `external_id` that exists), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_order_create(const crm_db *db, const char *new_order_json, char **out_order_json);

/**
 * Create several orders in one transaction from a JSON array of
 * `NewOrder` objects: all are created or none (a validation field is
 * prefixed `orders[i].`).
 *
 * On success writes the created orders as a JSON array to
 * `*out_orders_json`; free it with `crm_string_free`. Statuses: as
 * `crm_order_create`. Thread-safe.
 */
crm_status crm_order_create_many(const crm_db *db,
                                 const char *new_orders_json,
                                 char **out_orders_json);

/**
 * Import an order (a `NewOrder` JSON object, see `crm_order_create`) by
 * its `channel` and `external_id`, which is required: stored once however
 * often it is sent; a changed one is updated (its status moving along the
 * allowed road), an unchanged one left as it is.
 *
 * On success writes the stored `Order` as JSON to `*out_order_json` (free
 * it with `crm_string_free`) and what the import did to `*out_outcome`.
 * Statuses: as `crm_order_create`, and `CRM_VALIDATION` on `external_id`
 * (missing) or `status` (a status the stored order cannot reach).
 * Thread-safe.
 */
crm_status crm_order_import(const crm_db *db,
                            const char *new_order_json,
                            char **out_order_json,
                            crm_upsert_outcome *out_outcome);

/**
 * An order by id, as an `Order` JSON object with its lines and status
 * history.
 *
 * On success writes the JSON to `*out_order_json`; free it with
 * `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_order_get(const crm_db *db, const char *id, char **out_order_json);

/**
 * An order by the channel it came from (`"web_shop"`, `"store"`,
 * `"partner"`, `"phone"`, `"marketplace"`, `"direct"`) and the id that
 * channel gave it.
 *
 * On success writes the `Order` as JSON to `*out_order_json`; free it
 * with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (an unknown channel),
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_order_by_external_id(const crm_db *db,
                                    const char *channel,
                                    const char *external_id,
                                    char **out_order_json);

/**
 * Move an order to another `status` (`"placed"`, `"paid"`, `"shipped"`,
 * `"delivered"`, `"cancelled"`, `"returned"`) along the allowed road:
 * draft → placed → paid → shipped → delivered; cancelled before shipping;
 * returned after it. `version` is the version the caller read.
 *
 * On success writes the order's new version to `*out_version`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a
 * UUID, an unknown status), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_CONFLICT`, `CRM_VALIDATION` (`status`: not allowed from the
 * current one), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_order_set_status(const crm_db *db,
                                const char *id,
                                int64_t version,
                                const char *status,
                                int64_t *out_version);

/**
 * An order's current version, to pass to `crm_order_set_status`.
 *
 * On success writes the version to `*out_version`. Statuses: as
 * `crm_order_get`. Thread-safe.
 */
crm_status crm_order_version(const crm_db *db, const char *id, int64_t *out_version);

/**
 * What the customer pays for an order: its total in minor units, and its
 * currency (ISO 4217, 3 letters) written NUL-terminated into
 * `currency_buf`, which holds `currency_buf_len` bytes (4 are enough).
 *
 * On success writes the total to `*out_total` and the currency into
 * `currency_buf`; nothing to free. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID;
 * `currency_buf_len` too small), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_order_total(const crm_db *db,
                           const char *id,
                           int64_t *out_total,
                           char *currency_buf,
                           size_t currency_buf_len);

/**
 * One page of orders matching an `OrderQuery` JSON object (`"{}"`: the
 * first 50, newest placed first, drafts last), e.g. `{"party_id": "…",
 * "status": "paid", "from": "2025-01-01T00:00:00Z", "to": "…", "limit":
 * 100, "after": "<cursor>"}`. Get the next page by passing
 * `crm_page_next_cursor` as `"after"`.
 *
 * On success writes a page of `Order` objects to `*out_page`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
 * `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_order_list(const crm_db *db, const char *query_json, crm_page **out_page);

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
 * A field of item `index` as text, without parsing JSON: a
 * string as it is, a number or boolean in its JSON form, an object or
 * array as JSON text, and NULL for a null field. For example
 * `"display_name"` and `"id"` of a party, `"label"` and `"party_id"` of a
 * neighbour. A nested field is named by its dotted path, e.g.
 * `"party.display_name"` of a search hit or `"amount.currency"` of an
 * opportunity.
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
 * An integer field of item `index`, e.g. `"version"` of a party, `"seq"`
 * of an event or `"amount.amount"` of an opportunity (a dotted path names
 * a nested field).
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

/**
 * Parties matching every word of `text` as a prefix (in their names,
 * contact points, tags or notes; case and diacritics ignored; no
 * character acts as query syntax), best first, narrowed by a
 * `PartyFilter` JSON object (may be NULL: active parties of every kind),
 * e.g. `{"kind": "organization", "role": "customer", "tag": "vip"}`; at
 * most `limit` hits (1 to 1000; 0: 20).
 *
 * On success writes a page of `SearchHit` objects (`party`, `score`) to
 * `*out_page`; read the party's fields by path, e.g.
 * `crm_page_item_str(page, i, "party.display_name", &s)`; free it with
 * `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
 * `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`text` with
 * no letter or digit, or too long; `limit`), `CRM_STORAGE`, `CRM_PANIC`.
 * Thread-safe.
 */
crm_status crm_party_search(const crm_db *db,
                            const char *text,
                            const char *filter_json,
                            size_t limit,
                            crm_page **out_page);

/**
 * The hits of `crm_party_search`, with the same arguments and in the same
 * order, as light suggestions for type-ahead: the rest of each party
 * (contact points, roles, tags, custom values) is not read.
 *
 * On success writes a page of `PartySuggestion` objects (`id`, `kind`,
 * `display_name`, `score`) to `*out_page`; read them with
 * `crm_page_item_str(page, i, "display_name", &s)`; free the page with
 * `crm_page_free`. Statuses: as `crm_party_search`. Thread-safe.
 */
crm_status crm_party_suggest(const crm_db *db,
                             const char *text,
                             const char *filter_json,
                             size_t limit,
                             crm_page **out_page);

/**
 * Interactions whose subject or outcome holds every word of `text` as a
 * prefix (case and diacritics ignored; no character acts as query
 * syntax), best first: every word a whole word of the subject, then the
 * start of a word of the subject, then a whole word of the subject or
 * outcome, then the start of one; the most recently recorded first within
 * each. With a `party_id` (may be NULL: any party), only the
 * interactions that party took part in (an id with none gives no hits);
 * at most `limit` hits (1 to 1000).
 *
 * On success writes a page of `Interaction` objects (as
 * `crm_interaction_get` gives them) to `*out_page`; read them with
 * `crm_page_item_json` or by field, e.g. `crm_page_item_str(page, i,
 * "subject", &s)`; free the page with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`
 * (`party_id` not a UUID), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`text`
 * with no letter or digit, or over 1000 characters; `limit`),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_interaction_search(const crm_db *db,
                                  const char *text,
                                  const char *party_id,
                                  size_t limit,
                                  crm_page **out_page);

/**
 * Scan the active parties of one `kind` (`"person"`, `"organization"`;
 * NULL: both) for likely duplicates, best first, with a `MatchConfig`
 * JSON object (may be NULL: the defaults; missing keys take their
 * defaults), e.g. `{"person": {"threshold": 0.85}}`.
 *
 * On success writes a page of `DuplicatePair` objects (`a`, `b`,
 * `result` with `score`, `is_match` and the reasons) to `*out_page`; free
 * it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
 * `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT` (an
 * unknown kind), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`config.…`),
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_find_duplicates(const crm_db *db,
                                     const char *kind,
                                     const char *config_json,
                                     crm_page **out_page);

/**
 * The active parties that a party about to be created (a `NewParty` JSON
 * object, as for `crm_party_create`) may duplicate, best first, with a
 * `MatchConfig` JSON object (may be NULL: the defaults).
 *
 * On success writes a page of `DuplicateCandidate` objects (`party_id`,
 * `display_name`, `result`) to `*out_page`; free it with `crm_page_free`.
 * Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`config.…`), `CRM_STORAGE`,
 * `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_possible_duplicates(const crm_db *db,
                                         const char *new_party_json,
                                         const char *config_json,
                                         crm_page **out_page);

/**
 * Create a party (a `NewParty` JSON object) and say which existing
 * parties it may duplicate, with a `MatchConfig` JSON object (may be
 * NULL: the defaults). With `refuse_duplicates`, a likely duplicate stops
 * the creation with `CRM_VALIDATION` on `duplicates`, naming the best
 * candidate in the message.
 *
 * On success writes the created `Party` as JSON to `*out_party_json`
 * (free it with `crm_string_free`) and a page of `DuplicateCandidate`
 * objects (possibly empty) to `*out_candidates` (free it with
 * `crm_page_free`). Statuses: as `crm_party_create`, and
 * `CRM_VALIDATION` on `duplicates` or `config.…`. Thread-safe.
 */
crm_status crm_party_create_checked(const crm_db *db,
                                    const char *new_party_json,
                                    const char *config_json,
                                    bool refuse_duplicates,
                                    char **out_party_json,
                                    crm_page **out_candidates);

/**
 * Merge parties into a survivor with a `MergeRequest` JSON object, e.g.
 * `{"survivor_id": "…", "merged_ids": ["…"], "choose": {"birth_date":
 * "<id of the party whose value to keep>"}}`: every record of the merged
 * parties moves to the survivor in one transaction; the merged ids
 * resolve to the survivor afterwards. Undo with `crm_merge_undo`.
 *
 * On success writes the `MergeOutcome` (`merge_id`, `survivor`,
 * `contact_points_folded`, `relationships_folded`) as JSON to
 * `*out_outcome_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (a party), `CRM_VALIDATION` (e.g.
 * `merged_ids`: empty, the survivor itself, another kind; `choose`),
 * `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_party_merge(const crm_db *db,
                           const char *merge_request_json,
                           char **out_outcome_json);

/**
 * Merge one party into another from typed arguments (the survivor's
 * values win; empty ones are filled from the merged party).
 *
 * On success writes the merge's id (for `crm_merge_undo`) to
 * `*out_merge_id`; free it with `crm_string_free`. Statuses: as
 * `crm_party_merge`, with `CRM_INVALID_ARGUMENT` for an id that is not a
 * UUID instead of `CRM_INVALID_JSON`. Thread-safe.
 */
crm_status crm_party_merge_into(const crm_db *db,
                                const char *survivor_id,
                                const char *merged_id,
                                char **out_merge_id);

/**
 * Undo a merge: the merged parties come back with everything they had,
 * and the survivor is as it was. Refused with `CRM_CONFLICT` once a
 * record the merge touched has changed since.
 *
 * On success writes the survivor `Party` as it is now as JSON to
 * `*out_party_json`; free it with `crm_string_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
 * (`merge_id`: undone already), `CRM_READ_ONLY`, `CRM_BUSY`,
 * `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_merge_undo(const crm_db *db, const char *merge_id, char **out_party_json);

/**
 * The merges into a party, newest first.
 *
 * On success writes a page of `MergeRecord` objects (`id`,
 * `survivor_id`, `merged_ids`, `at`, `actor`, `undone_at`) to
 * `*out_page`; free it with `crm_page_free`. Statuses:
 * `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
 * `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
 */
crm_status crm_merge_list(const crm_db *db, const char *survivor_id, crm_page **out_page);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CRM_H */
