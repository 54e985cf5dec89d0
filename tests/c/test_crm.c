/*
 * The C test suite of libcrm: every function, every status it can return
 * from C, NULL in each pointer argument, invalid UTF-8, bad JSON, unknown
 * ids, stale versions, one crm_db shared by several threads; interactions and
 * tasks, leads, pipelines and opportunities, products, price lists and
 * orders, search over parties and interactions, duplicates and merges,
 * analytics.
 *
 * Usage: test_crm [scratch-directory]   (default: /tmp)
 * Prints "N passed, N failed" last; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <crm.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
static char dir[512] = "/tmp";

#define BAD_UTF8 "\xC3\x28"
#define NOT_A_UUID "not-a-uuid"
#define UNKNOWN_ID "01890000-0000-7000-8000-000000000000"
#define SENTINEL ((void *)0x1)

static void note_result(int ok, const char *file, int line, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
    }
}

#define CHECK(cond) note_result((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

static int expect_status(crm_status got, crm_status want, const char *call, const char *file,
                         int line) {
    if (got == want) {
        passed++;
        return 1;
    }
    failed++;
    const char *field = crm_last_error_field();
    fprintf(stderr, "%s:%d: FAILED: %s returned %s, expected %s (%s%s%s)\n", file, line, call,
            crm_status_name((int)got), crm_status_name((int)want), crm_last_error_message(),
            field ? "; field " : "", field ? field : "");
    return 0;
}

#define EXPECT(call, want) expect_status((call), (want), #call, __FILE__, __LINE__)
#define OK(call) EXPECT(call, CRM_OK)

static int field_is(const char *want) {
    const char *f = crm_last_error_field();
    return f != NULL && strcmp(f, want) == 0;
}

/* A call failing with CRM_NULL_PARAMETER that names `field`. */
#define NUL(call, field)                                          \
    do {                                                          \
        if (EXPECT(call, CRM_NULL_PARAMETER)) CHECK(field_is(field)); \
    } while (0)

/* A call failing with `want` whose output pointer `out` stays untouched. */
#define FAILS_UNTOUCHED(call, want, out)            \
    do {                                            \
        out = SENTINEL;                             \
        EXPECT(call, want);                         \
        CHECK((void *)(out) == SENTINEL);           \
    } while (0)

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
static int contains(const char *hay, const char *needle) {
    return hay && needle && strstr(hay, needle) != NULL;
}

static void path_in_dir(char *buf, size_t n, const char *name) {
    snprintf(buf, n, "%s/%s.%ld", dir, name, (long)getpid());
}

static void remove_db(const char *path) {
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static uint64_t count_all(crm_db *db) {
    uint64_t n = 0;
    OK(crm_party_count(db, "{\"archived\":\"include\"}", &n));
    return n;
}

/* ---------------------------------------------------------------- misc */

static void test_misc(void) {
    CHECK(streq(crm_status_name(CRM_OK), "CRM_OK"));
    CHECK(streq(crm_status_name(CRM_NULL_PARAMETER), "CRM_NULL_PARAMETER"));
    CHECK(streq(crm_status_name(CRM_INTERNAL), "CRM_INTERNAL"));
    CHECK(streq(crm_status_name(-1), "CRM_UNKNOWN_STATUS"));
    CHECK(streq(crm_status_name(999), "CRM_UNKNOWN_STATUS"));
    CHECK(CRM_OK == 0 && CRM_NULL_PARAMETER == 1 && CRM_PANIC == 16 && CRM_INTERNAL == 17);
    for (int s = 0; s <= 17; s++) CHECK(strncmp(crm_status_name(s), "CRM_", 4) == 0);
    CHECK(crm_version() != NULL && strlen(crm_version()) > 0);
    crm_string_free(NULL);
    crm_db_free(NULL);
    crm_page_free(NULL);
    CHECK(crm_page_len(NULL) == 0);
    passed++; /* the frees of NULL above returned */

    /* The last error is per call: cleared by success. */
    crm_db *db = NULL;
    EXPECT(crm_db_open_in_memory(NULL), CRM_NULL_PARAMETER);
    CHECK(strlen(crm_last_error_message()) > 0);
    CHECK(field_is("out_db"));
    OK(crm_db_open_in_memory(&db));
    CHECK(streq(crm_last_error_message(), ""));
    CHECK(crm_last_error_field() == NULL);
    crm_db_free(db);
}

/* ---------------------------------------------------------------- open */

static void test_open(void) {
    char path[512], bad[512];
    crm_db *db = NULL, *other = NULL;
    char *s = NULL;

    NUL(crm_db_open(NULL, &db), "path");
    NUL(crm_db_open("x.db", NULL), "out_db");
    FAILS_UNTOUCHED(crm_db_open(BAD_UTF8, &db), CRM_INVALID_UTF8, db);
    FAILS_UNTOUCHED(crm_db_open("/nonexistent-dir-of-crm-tests/x.db", &db), CRM_STORAGE, db);

    NUL(crm_db_open_read_only(NULL, &db), "path");
    NUL(crm_db_open_read_only("x.db", NULL), "out_db");
    FAILS_UNTOUCHED(crm_db_open_read_only(BAD_UTF8, &db), CRM_INVALID_UTF8, db);
    FAILS_UNTOUCHED(crm_db_open_read_only("/nonexistent-dir-of-crm-tests/x.db", &db),
                    CRM_NOT_FOUND, db);

    NUL(crm_db_open_with(NULL, "{}", &db), "path");
    NUL(crm_db_open_with("x.db", NULL, &db), "options_json");
    NUL(crm_db_open_with("x.db", "{}", NULL), "out_db");
    FAILS_UNTOUCHED(crm_db_open_with(BAD_UTF8, "{}", &db), CRM_INVALID_UTF8, db);
    FAILS_UNTOUCHED(crm_db_open_with("x.db", "{", &db), CRM_INVALID_JSON, db);
    FAILS_UNTOUCHED(crm_db_open_with("x.db", "{\"read_only\": \"yes\"}", &db), CRM_INVALID_JSON,
                    db);
    FAILS_UNTOUCHED(crm_db_open_with("x.db", "{\"colour\": 1}", &db), CRM_INVALID_JSON, db);

    NUL(crm_db_open_in_memory_with(NULL, &db), "options_json");
    NUL(crm_db_open_in_memory_with("{}", NULL), "out_db");
    FAILS_UNTOUCHED(crm_db_open_in_memory_with(BAD_UTF8, &db), CRM_INVALID_UTF8, db);
    FAILS_UNTOUCHED(crm_db_open_in_memory_with("5", &db), CRM_INVALID_JSON, db);
    FAILS_UNTOUCHED(crm_db_open_in_memory_with("{\"default_region\": \"Atlantis\"}", &db),
                    CRM_VALIDATION, db);
    CHECK(field_is("default_region"));

    /* A file base: create, write, reopen read-only. */
    path_in_dir(path, sizeof path, "crm-test-open.db");
    remove_db(path);
    OK(crm_db_open(path, &db));
    OK(crm_db_path(db, &s));
    CHECK(streq(s, path));
    crm_string_free(s);
    char *id = NULL;
    OK(crm_person_create(db, "Anna", "Bērziņa", "anna@acme.lv", NULL, &id));
    crm_db_free(db);

    OK(crm_db_open_read_only(path, &db));
    char *name = NULL;
    OK(crm_party_display_name(db, id, &name));
    CHECK(streq(name, "Anna Bērziņa"));
    crm_string_free(name);
    /* Every kind of write fails on a read-only base. */
    char *out = NULL;
    int64_t v = 0;
    uint64_t n = 0;
    const char *tags[] = {"x"};
    FAILS_UNTOUCHED(crm_person_create(db, "B", "C", NULL, NULL, &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"given_name\":\"B\"}", &out), CRM_READ_ONLY, out);
    v = 7;
    EXPECT(crm_party_add_tags(db, id, tags, 1, &v), CRM_READ_ONLY);
    CHECK(v == 7);
    EXPECT(crm_party_delete(db, id, 1), CRM_READ_ONLY);
    FAILS_UNTOUCHED(crm_note_add(db, id, "hello", &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(crm_contact_add_email(db, id, "a@b.lv", NULL, &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(crm_role_grant(db, id, "customer", &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(
        crm_field_define(db, "{\"entity\":\"party\",\"name\":\"x\",\"field_type\":\"text\"}", &out),
        CRM_READ_ONLY, out);
    n = 7;
    EXPECT(crm_event_prune(db, 1000, &n), CRM_READ_ONLY);
    CHECK(n == 7);
    FAILS_UNTOUCHED(crm_task_add(db, id, "Call", NULL, &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(crm_interaction_log(db, id, "email", false, "Hi", NULL, &out), CRM_READ_ONLY,
                    out);
    FAILS_UNTOUCHED(crm_lead_create(db, "{\"given_name\": \"B\"}", &out), CRM_READ_ONLY, out);
    FAILS_UNTOUCHED(crm_product_add(db, "SKU-1", "Thing", NULL, &out), CRM_READ_ONLY, out);
    EXPECT(crm_lead_score_rules_set(db, "[]"), CRM_READ_ONLY);
    crm_db_free(db);

    OK(crm_db_open_with(path, "{\"read_only\": true, \"busy_timeout_ms\": 100, \"readers\": 2}",
                        &db));
    FAILS_UNTOUCHED(crm_person_create(db, "B", "C", NULL, NULL, &out), CRM_READ_ONLY, out);
    crm_db_free(db);

    /* Options: a default region reads local phone numbers. */
    OK(crm_db_open_with(path, "{\"default_region\": \"LV\"}", &db));
    OK(crm_person_create(db, "Jānis", "Ozols", NULL, "2000 0002", &out));
    char *phone = NULL;
    OK(crm_party_primary_phone(db, out, &phone));
    CHECK(streq(phone, "+37120000002"));
    crm_string_free(phone);
    crm_string_free(out);
    crm_db_free(db);
    crm_string_free(id);

    /* A file that is not a database. */
    path_in_dir(bad, sizeof bad, "crm-test-not-a-db.db");
    FILE *f = fopen(bad, "wb");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 64; i++) fputs("this is not a database. ", f);
        fclose(f);
    }
    FAILS_UNTOUCHED(crm_db_open(bad, &db), CRM_NOT_A_DATABASE, db);
    unlink(bad);

    /* Another application's database, and a newer schema. */
    for (int which = 0; which < 2; which++) {
        remove_db(path);
        OK(crm_db_open(path, &db));
        crm_db_free(db);
        int fd = open(path, O_RDWR);
        CHECK(fd >= 0);
        if (fd >= 0) {
            unsigned char bytes[4] = {0x12, 0x34, 0x56, 0x78};
            /* application_id sits at offset 68, user_version at 60. */
            CHECK(pwrite(fd, bytes, 4, which == 0 ? 68 : 60) == 4);
            close(fd);
        }
        FAILS_UNTOUCHED(crm_db_open(path, &db), CRM_SCHEMA, db);
    }
    remove_db(path);

    /* with_actor, actor, path */
    OK(crm_db_open_in_memory(&db));
    NUL(crm_db_with_actor(NULL, "clerk", &other), "db");
    NUL(crm_db_with_actor(db, NULL, &other), "actor");
    NUL(crm_db_with_actor(db, "clerk", NULL), "out_db");
    FAILS_UNTOUCHED(crm_db_with_actor(db, BAD_UTF8, &other), CRM_INVALID_UTF8, other);
    OK(crm_db_with_actor(db, "clerk", &other));
    NUL(crm_db_actor(NULL, &s), "db");
    NUL(crm_db_actor(db, NULL), "out_actor");
    OK(crm_db_actor(db, &s));
    CHECK(streq(s, "system"));
    crm_string_free(s);
    OK(crm_db_actor(other, &s));
    CHECK(streq(s, "clerk"));
    crm_string_free(s);
    NUL(crm_db_path(NULL, &s), "db");
    NUL(crm_db_path(db, NULL), "out_path");
    s = SENTINEL;
    OK(crm_db_path(db, &s));
    CHECK(s == NULL);
    /* Writes through the second handle are audited under its actor. */
    OK(crm_person_create(other, "Eva", "Kalniņa", NULL, NULL, &id));
    crm_db_free(db); /* the base lives on through `other` */
    crm_page *page = NULL;
    OK(crm_audit_list(other, id, &page));
    const char *actor = NULL;
    OK(crm_page_item_str(page, 0, "actor", &actor));
    CHECK(streq(actor, "clerk"));
    crm_page_free(page);
    crm_string_free(id);
    crm_db_free(other);

    /* A handle that is not a live crm_db. */
    uint64_t fake[8] = {0};
    FAILS_UNTOUCHED(crm_db_actor((const crm_db *)fake, &s), CRM_INVALID_HANDLE, s);
    FAILS_UNTOUCHED(crm_party_get((const crm_db *)fake, UNKNOWN_ID, &s), CRM_INVALID_HANDLE, s);
    CHECK(field_is("db"));
}

/* ------------------------------------------------------------- parties */

static void test_parties(crm_db *db) {
    char *s = NULL, *id = NULL, *org = NULL;
    int64_t v = 0;
    uint64_t before = count_all(db);

    /* crm_party_create */
    NUL(crm_party_create(NULL, "{}", &s), "db");
    NUL(crm_party_create(db, NULL, &s), "new_party_json");
    NUL(crm_party_create(db, "{}", NULL), "out_party_json");
    FAILS_UNTOUCHED(crm_party_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"given_name\": ", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"given_name\": 5}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"kind\": \"robot\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"shoe_size\": 44}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create(db, "[1, 2]", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create(db, "{\"kind\": \"person\"}", &s), CRM_VALIDATION, s);
    CHECK(field_is("display_name"));
    FAILS_UNTOUCHED(crm_party_create(db,
                                     "{\"given_name\": \"A\", \"contact_points\": "
                                     "[{\"kind\": \"email\", \"address\": \"nope\"}]}",
                                     &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("contact_points[0].address"));
    FAILS_UNTOUCHED(crm_party_create(db, "{\"given_name\": \"A\", \"parent_id\": \"" UNKNOWN_ID "\"}",
                                     &s),
                    CRM_NOT_FOUND, s);
    CHECK(count_all(db) == before); /* nothing changed */
    OK(crm_party_create(db,
                        "{\"kind\": \"organization\", \"legal_name\": \"Acme SIA\", "
                        "\"vat_number\": \"lv 40003000001\", \"tags\": [\"key\"]}",
                        &s));
    CHECK(contains(s, "\"display_name\":\"Acme SIA\""));
    CHECK(contains(s, "\"vat_number\":\"LV40003000001\""));
    CHECK(contains(s, "\"version\":1"));
    crm_string_free(s);

    /* crm_party_create_many */
    NUL(crm_party_create_many(NULL, "[]", &s), "db");
    NUL(crm_party_create_many(db, NULL, &s), "new_parties_json");
    NUL(crm_party_create_many(db, "[]", NULL), "out_parties_json");
    FAILS_UNTOUCHED(crm_party_create_many(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_create_many(db, "[{]", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_create_many(db, "{\"given_name\": \"A\"}", &s), CRM_INVALID_JSON, s);
    before = count_all(db);
    FAILS_UNTOUCHED(crm_party_create_many(db, "[{\"given_name\": \"A\"}, {\"kind\": \"person\"}]", &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("parties[1].display_name"));
    CHECK(count_all(db) == before); /* all or nothing */
    OK(crm_party_create_many(db, "[{\"given_name\": \"A\"}, {\"given_name\": \"B\"}]", &s));
    CHECK(s && s[0] == '[' && contains(s, "\"display_name\":\"B\""));
    crm_string_free(s);
    CHECK(count_all(db) == before + 2);

    /* crm_person_create */
    NUL(crm_person_create(NULL, "A", "B", NULL, NULL, &id), "db");
    NUL(crm_person_create(db, NULL, "B", NULL, NULL, &id), "given_name");
    NUL(crm_person_create(db, "A", NULL, NULL, NULL, &id), "family_name");
    NUL(crm_person_create(db, "A", "B", NULL, NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_person_create(db, BAD_UTF8, "B", NULL, NULL, &id), CRM_INVALID_UTF8, id);
    CHECK(field_is("given_name"));
    FAILS_UNTOUCHED(crm_person_create(db, "A", BAD_UTF8, NULL, NULL, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_person_create(db, "A", "B", BAD_UTF8, NULL, &id), CRM_INVALID_UTF8, id);
    CHECK(field_is("email"));
    FAILS_UNTOUCHED(crm_person_create(db, "A", "B", NULL, BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    CHECK(field_is("phone"));
    FAILS_UNTOUCHED(crm_person_create(db, "A", "B", "no-at-sign", NULL, &id), CRM_VALIDATION, id);
    FAILS_UNTOUCHED(crm_person_create(db, "A", "B", NULL, "2000 0001", &id), CRM_VALIDATION, id);
    FAILS_UNTOUCHED(crm_person_create(db, "", "", NULL, NULL, &id), CRM_VALIDATION, id);
    OK(crm_person_create(db, "Anna", "Bērziņa", "Anna@Acme.LV", "+371 2000 0001", &id));
    CHECK(id && strlen(id) == 36);

    /* crm_organization_create */
    NUL(crm_organization_create(NULL, "X", NULL, &org), "db");
    NUL(crm_organization_create(db, NULL, NULL, &org), "legal_name");
    NUL(crm_organization_create(db, "X", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_organization_create(db, BAD_UTF8, NULL, &org), CRM_INVALID_UTF8, org);
    FAILS_UNTOUCHED(crm_organization_create(db, "X", BAD_UTF8, &org), CRM_INVALID_UTF8, org);
    FAILS_UNTOUCHED(crm_organization_create(db, "X", "!", &org), CRM_VALIDATION, org);
    CHECK(field_is("vat_number"));
    OK(crm_organization_create(db, "Globex AS", "NO 999 999 999", &org));

    /* crm_party_get and the typed getters */
    NUL(crm_party_get(NULL, id, &s), "db");
    NUL(crm_party_get(db, NULL, &s), "id");
    NUL(crm_party_get(db, id, NULL), "out_party_json");
    FAILS_UNTOUCHED(crm_party_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    CHECK(field_is("id"));
    FAILS_UNTOUCHED(crm_party_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_party_get(db, id, &s));
    CHECK(contains(s, "\"given_name\":\"Anna\""));
    CHECK(contains(s, "\"address\":\"anna@acme.lv\""));
    crm_string_free(s);

    NUL(crm_party_display_name(NULL, id, &s), "db");
    NUL(crm_party_display_name(db, NULL, &s), "id");
    NUL(crm_party_display_name(db, id, NULL), "out_name");
    FAILS_UNTOUCHED(crm_party_display_name(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_display_name(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_party_display_name(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_party_display_name(db, id, &s));
    CHECK(streq(s, "Anna Bērziņa"));
    crm_string_free(s);

    NUL(crm_party_version(NULL, id, &v), "db");
    NUL(crm_party_version(db, NULL, &v), "id");
    NUL(crm_party_version(db, id, NULL), "out_version");
    v = 42;
    EXPECT(crm_party_version(db, BAD_UTF8, &v), CRM_INVALID_UTF8);
    EXPECT(crm_party_version(db, NOT_A_UUID, &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_version(db, UNKNOWN_ID, &v), CRM_NOT_FOUND);
    CHECK(v == 42);
    OK(crm_party_version(db, id, &v));
    CHECK(v == 1);

    crm_kind k = (crm_kind)0;
    NUL(crm_party_kind(NULL, id, &k), "db");
    NUL(crm_party_kind(db, NULL, &k), "id");
    NUL(crm_party_kind(db, id, NULL), "out_kind");
    EXPECT(crm_party_kind(db, BAD_UTF8, &k), CRM_INVALID_UTF8);
    EXPECT(crm_party_kind(db, NOT_A_UUID, &k), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_kind(db, UNKNOWN_ID, &k), CRM_NOT_FOUND);
    CHECK(k == (crm_kind)0);
    OK(crm_party_kind(db, id, &k));
    CHECK(k == CRM_KIND_PERSON);
    OK(crm_party_kind(db, org, &k));
    CHECK(k == CRM_KIND_ORGANIZATION);

    NUL(crm_party_primary_email(NULL, id, &s), "db");
    NUL(crm_party_primary_email(db, NULL, &s), "id");
    NUL(crm_party_primary_email(db, id, NULL), "out_email");
    FAILS_UNTOUCHED(crm_party_primary_email(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_primary_email(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_party_primary_email(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_party_primary_email(db, id, &s));
    CHECK(streq(s, "anna@acme.lv"));
    crm_string_free(s);
    s = SENTINEL;
    OK(crm_party_primary_email(db, org, &s));
    CHECK(s == NULL);

    NUL(crm_party_primary_phone(NULL, id, &s), "db");
    NUL(crm_party_primary_phone(db, NULL, &s), "id");
    NUL(crm_party_primary_phone(db, id, NULL), "out_phone");
    FAILS_UNTOUCHED(crm_party_primary_phone(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_primary_phone(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_party_primary_phone(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_party_primary_phone(db, id, &s));
    CHECK(streq(s, "+37120000001"));
    crm_string_free(s);
    s = SENTINEL;
    OK(crm_party_primary_phone(db, org, &s));
    CHECK(s == NULL);

    /* crm_party_update */
    NUL(crm_party_update(NULL, id, 1, "{}", &s), "db");
    NUL(crm_party_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_party_update(db, id, 1, NULL, &s), "patch_json");
    NUL(crm_party_update(db, id, 1, "{}", NULL), "out_party_json");
    FAILS_UNTOUCHED(crm_party_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"language\": }", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"language\": 12}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"hair\": \"red\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_party_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"language\": \"not a language\"}", &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("language"));
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"vat_number\": \"LV40003000001\"}", &s),
                    CRM_VALIDATION, s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 99, "{\"language\": \"lv\"}", &s), CRM_CONFLICT, s);
    OK(crm_party_version(db, id, &v));
    CHECK(v == 1); /* failures changed nothing */
    OK(crm_party_update(db, id, 1, "{\"language\": \"lv\"}", &s));
    CHECK(contains(s, "\"language\":\"lv\"") && contains(s, "\"version\":2"));
    crm_string_free(s);
    FAILS_UNTOUCHED(crm_party_update(db, id, 1, "{\"language\": \"en\"}", &s), CRM_CONFLICT, s);

    /* tags */
    const char *tags[] = {"vip", "newsletter"};
    const char *bad_tags[] = {"ok", BAD_UTF8};
    const char *null_tags[] = {"ok", NULL};
    const char *empty_tag[] = {"   "};
    NUL(crm_party_add_tags(NULL, id, tags, 2, &v), "db");
    NUL(crm_party_add_tags(db, NULL, tags, 2, &v), "party_id");
    NUL(crm_party_add_tags(db, id, NULL, 2, &v), "tags");
    NUL(crm_party_add_tags(db, id, null_tags, 2, &v), "tags[1]");
    NUL(crm_party_add_tags(db, id, tags, 2, NULL), "out_version");
    v = 42;
    EXPECT(crm_party_add_tags(db, BAD_UTF8, tags, 2, &v), CRM_INVALID_UTF8);
    EXPECT(crm_party_add_tags(db, id, bad_tags, 2, &v), CRM_INVALID_UTF8);
    CHECK(field_is("tags[1]"));
    EXPECT(crm_party_add_tags(db, NOT_A_UUID, tags, 2, &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_add_tags(db, UNKNOWN_ID, tags, 2, &v), CRM_NOT_FOUND);
    EXPECT(crm_party_add_tags(db, id, empty_tag, 1, &v), CRM_VALIDATION);
    CHECK(field_is("tags"));
    CHECK(v == 42);
    OK(crm_party_add_tags(db, id, tags, 2, &v));
    CHECK(v == 3);
    OK(crm_party_add_tags(db, id, tags, 0, &v));
    CHECK(v == 3);
    NUL(crm_party_remove_tags(NULL, id, tags, 1, &v), "db");
    NUL(crm_party_remove_tags(db, NULL, tags, 1, &v), "party_id");
    NUL(crm_party_remove_tags(db, id, NULL, 1, &v), "tags");
    NUL(crm_party_remove_tags(db, id, tags, 1, NULL), "out_version");
    v = 42;
    EXPECT(crm_party_remove_tags(db, BAD_UTF8, tags, 1, &v), CRM_INVALID_UTF8);
    EXPECT(crm_party_remove_tags(db, NOT_A_UUID, tags, 1, &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_remove_tags(db, UNKNOWN_ID, tags, 1, &v), CRM_NOT_FOUND);
    EXPECT(crm_party_remove_tags(db, id, empty_tag, 1, &v), CRM_VALIDATION);
    CHECK(v == 42);
    OK(crm_party_remove_tags(db, id, tags + 1, 1, &v));
    CHECK(v == 4);
    OK(crm_party_get(db, id, &s));
    CHECK(contains(s, "\"tags\":[\"vip\"]"));
    crm_string_free(s);

    /* archive / restore */
    NUL(crm_party_archive(NULL, id, v, &v), "db");
    NUL(crm_party_archive(db, NULL, v, &v), "id");
    NUL(crm_party_archive(db, id, v, NULL), "out_version");
    int64_t w = 42;
    EXPECT(crm_party_archive(db, BAD_UTF8, v, &w), CRM_INVALID_UTF8);
    EXPECT(crm_party_archive(db, NOT_A_UUID, v, &w), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_archive(db, UNKNOWN_ID, v, &w), CRM_NOT_FOUND);
    EXPECT(crm_party_archive(db, id, v - 1, &w), CRM_CONFLICT);
    EXPECT(crm_party_restore(db, id, v, &w), CRM_VALIDATION); /* not archived */
    CHECK(w == 42);
    OK(crm_party_archive(db, id, v, &v));
    CHECK(v == 5);
    EXPECT(crm_party_archive(db, id, v, &w), CRM_VALIDATION); /* already archived */
    NUL(crm_party_restore(NULL, id, v, &v), "db");
    NUL(crm_party_restore(db, NULL, v, &v), "id");
    NUL(crm_party_restore(db, id, v, NULL), "out_version");
    EXPECT(crm_party_restore(db, BAD_UTF8, v, &w), CRM_INVALID_UTF8);
    EXPECT(crm_party_restore(db, NOT_A_UUID, v, &w), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_restore(db, UNKNOWN_ID, v, &w), CRM_NOT_FOUND);
    EXPECT(crm_party_restore(db, id, v + 1, &w), CRM_CONFLICT);
    CHECK(w == 42);
    OK(crm_party_restore(db, id, v, &v));
    CHECK(v == 6);

    /* delete */
    char *gone = NULL;
    OK(crm_person_create(db, "Gone", "Soon", NULL, NULL, &gone));
    NUL(crm_party_delete(NULL, gone, 1), "db");
    NUL(crm_party_delete(db, NULL, 1), "id");
    EXPECT(crm_party_delete(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_party_delete(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_party_delete(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_party_delete(db, gone, 2), CRM_CONFLICT);
    OK(crm_party_delete(db, gone, 1));
    FAILS_UNTOUCHED(crm_party_get(db, gone, &s), CRM_NOT_FOUND, s);
    EXPECT(crm_party_delete(db, gone, 1), CRM_NOT_FOUND);
    crm_string_free(gone);

    crm_string_free(id);
    crm_string_free(org);
}

/* ---------------------------------------------------- lists and pages */

static void test_lists(crm_db *db) {
    crm_page *page = NULL;
    char *s = NULL;
    uint64_t n = 0;
    const char *t = NULL;
    int64_t i64 = 0;

    OK(crm_party_create_many(db,
                             "[{\"given_name\": \"Zed\", \"tags\": [\"list\"]},"
                             " {\"given_name\": \"Yan\", \"tags\": [\"list\"]},"
                             " {\"given_name\": \"Xia\", \"tags\": [\"list\"]}]",
                             &s));
    crm_string_free(s);

    /* crm_party_count */
    NUL(crm_party_count(NULL, "{}", &n), "db");
    NUL(crm_party_count(db, NULL, &n), "filter_json");
    NUL(crm_party_count(db, "{}", NULL), "out_count");
    n = 42;
    EXPECT(crm_party_count(db, BAD_UTF8, &n), CRM_INVALID_UTF8);
    EXPECT(crm_party_count(db, "{\"tag\": [1]}", &n), CRM_INVALID_JSON);
    EXPECT(crm_party_count(db, "{", &n), CRM_INVALID_JSON);
    EXPECT(crm_party_count(db, "{\"country\": \"Narnia\"}", &n), CRM_VALIDATION);
    CHECK(n == 42);
    OK(crm_party_count(db, "{\"tag\": \"list\"}", &n));
    CHECK(n == 3);

    /* crm_party_list: keyset pages of 2 */
    NUL(crm_party_list(NULL, "{}", &page), "db");
    NUL(crm_party_list(db, NULL, &page), "query_json");
    NUL(crm_party_list(db, "{}", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_list(db, "{\"limit\": \"two\"}", &page), CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_list(db, "{\"limit\": 0}", &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    FAILS_UNTOUCHED(crm_party_list(db, "{\"after\": \"garbage\"}", &page), CRM_VALIDATION, page);
    CHECK(field_is("after"));
    OK(crm_party_list(db, "{\"tag\": \"list\", \"limit\": 2}", &page));
    CHECK(crm_page_len(page) == 2);

    /* page accessors */
    NUL(crm_page_item_json(NULL, 0, &t), "page");
    NUL(crm_page_item_json(page, 0, NULL), "out_json");
    t = SENTINEL;
    EXPECT(crm_page_item_json(page, 2, &t), CRM_INVALID_ARGUMENT);
    CHECK(field_is("index") && t == SENTINEL);
    OK(crm_page_item_json(page, 0, &t));
    CHECK(contains(t, "\"display_name\":\"Xia\""));

    NUL(crm_page_item_str(NULL, 0, "id", &t), "page");
    NUL(crm_page_item_str(page, 0, NULL, &t), "field");
    NUL(crm_page_item_str(page, 0, "id", NULL), "out_text");
    t = SENTINEL;
    EXPECT(crm_page_item_str(page, 0, BAD_UTF8, &t), CRM_INVALID_UTF8);
    EXPECT(crm_page_item_str(page, 9, "id", &t), CRM_INVALID_ARGUMENT);
    EXPECT(crm_page_item_str(page, 0, "no_such_field", &t), CRM_NOT_FOUND);
    CHECK(t == SENTINEL);
    OK(crm_page_item_str(page, 1, "display_name", &t));
    CHECK(streq(t, "Yan"));
    const char *again = NULL;
    OK(crm_page_item_str(page, 1, "display_name", &again));
    CHECK(again == t); /* borrowed, stable until the page is freed */
    OK(crm_page_item_str(page, 1, "version", &t));
    CHECK(streq(t, "1"));
    OK(crm_page_item_str(page, 1, "tags", &t));
    CHECK(streq(t, "[\"list\"]"));
    t = SENTINEL;
    OK(crm_page_item_str(page, 1, "birth_date", &t));
    CHECK(t == NULL);

    NUL(crm_page_item_int(NULL, 0, "version", &i64), "page");
    NUL(crm_page_item_int(page, 0, NULL, &i64), "field");
    NUL(crm_page_item_int(page, 0, "version", NULL), "out_value");
    i64 = 42;
    EXPECT(crm_page_item_int(page, 0, BAD_UTF8, &i64), CRM_INVALID_UTF8);
    EXPECT(crm_page_item_int(page, 5, "version", &i64), CRM_INVALID_ARGUMENT);
    EXPECT(crm_page_item_int(page, 0, "display_name", &i64), CRM_INVALID_ARGUMENT);
    EXPECT(crm_page_item_int(page, 0, "nope", &i64), CRM_NOT_FOUND);
    CHECK(i64 == 42);
    OK(crm_page_item_int(page, 0, "version", &i64));
    CHECK(i64 == 1);

    NUL(crm_page_next_cursor(NULL, &t), "page");
    NUL(crm_page_next_cursor(page, NULL), "out_cursor");
    const char *cursor = NULL;
    OK(crm_page_next_cursor(page, &cursor));
    CHECK(cursor != NULL);

    NUL(crm_page_to_json(NULL, &s), "page");
    NUL(crm_page_to_json(page, NULL), "out_json");
    OK(crm_page_to_json(page, &s));
    CHECK(contains(s, "\"items\":[") && contains(s, "\"next\":\""));
    crm_string_free(s);

    /* A page is not a crm_db, and a crm_db is not a page. */
    FAILS_UNTOUCHED(crm_party_get((const crm_db *)page, UNKNOWN_ID, &s), CRM_INVALID_HANDLE, s);
    FAILS_UNTOUCHED(crm_page_to_json((const crm_page *)db, &s), CRM_INVALID_HANDLE, s);
    CHECK(crm_page_len((const crm_page *)db) == 0);

    /* The next page, by the cursor. */
    char q[1024];
    snprintf(q, sizeof q, "{\"tag\": \"list\", \"limit\": 2, \"after\": \"%s\"}", cursor);
    crm_page *page2 = NULL;
    OK(crm_party_list(db, q, &page2));
    crm_page_free(page);
    CHECK(crm_page_len(page2) == 1);
    OK(crm_page_item_str(page2, 0, "display_name", &t));
    CHECK(streq(t, "Zed"));
    cursor = SENTINEL;
    OK(crm_page_next_cursor(page2, &cursor));
    CHECK(cursor == NULL);
    OK(crm_page_to_json(page2, &s));
    CHECK(contains(s, "\"next\":null"));
    crm_string_free(s);
    /* A cursor of another order is refused. */
    snprintf(q, sizeof q, "{\"tag\": \"list\", \"limit\": 2, \"sort\": \"created\", \"after\": \"%s\"}",
             "eyJzb3J0IjoibmFtZSIsImRlc2NlbmRpbmciOmZhbHNlLCJrZXkiOiJ4IiwiaWQiOiIwMTg5MDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDAifQ");
    FAILS_UNTOUCHED(crm_party_list(db, q, &page), CRM_VALIDATION, page);
    crm_page_free(page2);

    /* find by contact */
    char *id = NULL;
    OK(crm_person_create(db, "Finn", "Finder", "finn@example.com", "+47 912 34 567", &id));
    NUL(crm_party_find_by_contact(NULL, "{}", &page), "db");
    NUL(crm_party_find_by_contact(db, NULL, &page), "contact_value_json");
    NUL(crm_party_find_by_contact(db, "{}", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_find_by_contact(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_find_by_contact(db, "{\"kind\": \"pigeon\"}", &page), CRM_INVALID_JSON,
                    page);
    FAILS_UNTOUCHED(crm_party_find_by_contact(db, "{\"kind\": \"email\"}", &page), CRM_INVALID_JSON,
                    page);
    FAILS_UNTOUCHED(crm_party_find_by_contact(db, "{\"kind\": \"email\", \"address\": \"x\"}", &page),
                    CRM_VALIDATION, page);
    OK(crm_party_find_by_contact(db, "{\"kind\": \"email\", \"address\": \"FINN@example.com\"}",
                                 &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "id", &t));
    CHECK(streq(t, id));
    crm_page_free(page);

    NUL(crm_party_find_by_email(NULL, "a@b.c", &page), "db");
    NUL(crm_party_find_by_email(db, NULL, &page), "address");
    NUL(crm_party_find_by_email(db, "a@b.c", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_find_by_email(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_find_by_email(db, "not an email", &page), CRM_VALIDATION, page);
    OK(crm_party_find_by_email(db, "finn@EXAMPLE.com", &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);
    OK(crm_party_find_by_email(db, "nobody@example.com", &page));
    CHECK(crm_page_len(page) == 0);
    crm_page_free(page);

    NUL(crm_party_find_by_phone(NULL, "+4791234567", &page), "db");
    NUL(crm_party_find_by_phone(db, NULL, &page), "number");
    NUL(crm_party_find_by_phone(db, "+4791234567", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_find_by_phone(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_find_by_phone(db, "12", &page), CRM_VALIDATION, page);
    OK(crm_party_find_by_phone(db, "+47 91 23 45 67", &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);
    crm_string_free(id);
}

/* ------------------------------------------- contacts, roles and notes */

static void test_contacts_roles_notes(crm_db *db) {
    char *id = NULL, *s = NULL, *cid = NULL, *rid = NULL, *nid = NULL;
    crm_page *page = NULL;
    const char *t = NULL;
    OK(crm_person_create(db, "Carl", "Contact", NULL, NULL, &id));

    /* crm_contact_add */
    const char *addr = "{\"kind\": \"address\", \"street\": \"Brīvības 1\", \"city\": \"Rīga\", "
                       "\"country\": \"LVA\", \"label\": \"billing\"}";
    NUL(crm_contact_add(NULL, id, addr, &s), "db");
    NUL(crm_contact_add(db, NULL, addr, &s), "party_id");
    NUL(crm_contact_add(db, id, NULL, &s), "new_contact_json");
    NUL(crm_contact_add(db, id, addr, NULL), "out_contact_json");
    FAILS_UNTOUCHED(crm_contact_add(db, BAD_UTF8, addr, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_contact_add(db, id, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_contact_add(db, NOT_A_UUID, addr, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_contact_add(db, id, "{\"kind\": ", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_contact_add(db, id, "{\"kind\": \"web\", \"url\": 7}", &s), CRM_INVALID_JSON,
                    s);
    FAILS_UNTOUCHED(crm_contact_add(db, UNKNOWN_ID, addr, &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_contact_add(db, id, "{\"kind\": \"address\", \"country\": \"ZZZ\"}", &s),
                    CRM_VALIDATION, s);
    OK(crm_contact_add(db, id, addr, &s));
    CHECK(contains(s, "\"country\":\"LV\"") && contains(s, "\"primary\":true"));
    crm_string_free(s);

    /* crm_contact_add_email / _phone */
    NUL(crm_contact_add_email(NULL, id, "c@x.lv", NULL, &cid), "db");
    NUL(crm_contact_add_email(db, NULL, "c@x.lv", NULL, &cid), "party_id");
    NUL(crm_contact_add_email(db, id, NULL, NULL, &cid), "address");
    NUL(crm_contact_add_email(db, id, "c@x.lv", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_contact_add_email(db, BAD_UTF8, "c@x.lv", NULL, &cid), CRM_INVALID_UTF8, cid);
    FAILS_UNTOUCHED(crm_contact_add_email(db, id, BAD_UTF8, NULL, &cid), CRM_INVALID_UTF8, cid);
    FAILS_UNTOUCHED(crm_contact_add_email(db, id, "c@x.lv", BAD_UTF8, &cid), CRM_INVALID_UTF8, cid);
    CHECK(field_is("label"));
    FAILS_UNTOUCHED(crm_contact_add_email(db, NOT_A_UUID, "c@x.lv", NULL, &cid),
                    CRM_INVALID_ARGUMENT, cid);
    FAILS_UNTOUCHED(crm_contact_add_email(db, UNKNOWN_ID, "c@x.lv", NULL, &cid), CRM_NOT_FOUND, cid);
    FAILS_UNTOUCHED(crm_contact_add_email(db, id, "c@", NULL, &cid), CRM_VALIDATION, cid);
    OK(crm_contact_add_email(db, id, "carl@x.lv", "work", &cid));
    crm_string_free(cid);
    OK(crm_contact_add_email(db, id, "carl@home.lv", NULL, &cid));

    char *pid = NULL;
    NUL(crm_contact_add_phone(NULL, id, "+37120000009", NULL, &pid), "db");
    NUL(crm_contact_add_phone(db, NULL, "+37120000009", NULL, &pid), "party_id");
    NUL(crm_contact_add_phone(db, id, NULL, NULL, &pid), "number");
    NUL(crm_contact_add_phone(db, id, "+37120000009", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_contact_add_phone(db, BAD_UTF8, "+37120000009", NULL, &pid),
                    CRM_INVALID_UTF8, pid);
    FAILS_UNTOUCHED(crm_contact_add_phone(db, id, BAD_UTF8, NULL, &pid), CRM_INVALID_UTF8, pid);
    FAILS_UNTOUCHED(crm_contact_add_phone(db, id, "+37120000009", BAD_UTF8, &pid), CRM_INVALID_UTF8,
                    pid);
    FAILS_UNTOUCHED(crm_contact_add_phone(db, NOT_A_UUID, "+37120000009", NULL, &pid),
                    CRM_INVALID_ARGUMENT, pid);
    FAILS_UNTOUCHED(crm_contact_add_phone(db, UNKNOWN_ID, "+37120000009", NULL, &pid),
                    CRM_NOT_FOUND, pid);
    FAILS_UNTOUCHED(crm_contact_add_phone(db, id, "12", NULL, &pid), CRM_VALIDATION, pid);
    OK(crm_contact_add_phone(db, id, "+371 2000 0009", "mobile", &pid));
    OK(crm_party_primary_phone(db, id, &s));
    CHECK(streq(s, "+37120000009"));
    crm_string_free(s);

    /* crm_contact_update */
    NUL(crm_contact_update(NULL, cid, 1, "{}", &s), "db");
    NUL(crm_contact_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_contact_update(db, cid, 1, NULL, &s), "patch_json");
    NUL(crm_contact_update(db, cid, 1, "{}", NULL), "out_contact_json");
    FAILS_UNTOUCHED(crm_contact_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_contact_update(db, cid, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_contact_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_contact_update(db, cid, 1, "{\"primary\": \"yes\"}", &s), CRM_INVALID_JSON,
                    s);
    FAILS_UNTOUCHED(crm_contact_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_contact_update(db, cid, 7, "{\"verified\": true}", &s), CRM_CONFLICT, s);
    FAILS_UNTOUCHED(crm_contact_update(db, cid, 1,
                                       "{\"value\": {\"kind\": \"email\", \"address\": \"bad\"}}", &s),
                    CRM_VALIDATION, s);
    OK(crm_contact_update(db, cid, 1, "{\"verified\": true, \"primary\": true}", &s));
    CHECK(contains(s, "\"verified\":true") && contains(s, "\"version\":2"));
    crm_string_free(s);
    OK(crm_party_primary_email(db, id, &s));
    CHECK(streq(s, "carl@home.lv"));
    crm_string_free(s);

    /* crm_contact_remove */
    NUL(crm_contact_remove(NULL, pid, 1), "db");
    NUL(crm_contact_remove(db, NULL, 1), "id");
    EXPECT(crm_contact_remove(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_contact_remove(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_contact_remove(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_contact_remove(db, pid, 99), CRM_CONFLICT);
    /* the contact point's version, read from its party */
    int64_t pv = 0;
    OK(crm_party_get(db, id, &s));
    const char *at = strstr(s, pid);
    at = at ? strstr(at, "\"version\":") : NULL;
    CHECK(at != NULL);
    if (at) pv = strtoll(at + 10, NULL, 10);
    crm_string_free(s);
    OK(crm_contact_remove(db, pid, pv));
    s = SENTINEL;
    OK(crm_party_primary_phone(db, id, &s));
    CHECK(s == NULL);
    crm_string_free(pid);
    crm_string_free(cid);

    /* roles */
    const char *role = "{\"role\": \"customer\", \"tier\": \"gold\", \"customer_number\": \"C-1\"}";
    NUL(crm_role_add(NULL, id, role, &s), "db");
    NUL(crm_role_add(db, NULL, role, &s), "party_id");
    NUL(crm_role_add(db, id, NULL, &s), "new_role_json");
    NUL(crm_role_add(db, id, role, NULL), "out_role_json");
    FAILS_UNTOUCHED(crm_role_add(db, BAD_UTF8, role, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_role_add(db, id, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_role_add(db, NOT_A_UUID, role, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_role_add(db, id, "{\"role\": \"king\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_role_add(db, id, "{\"role\": \"customer\", \"vip\": 3}", &s), CRM_INVALID_JSON,
                    s);
    FAILS_UNTOUCHED(crm_role_add(db, UNKNOWN_ID, role, &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_role_add(db, id,
                                 "{\"role\": \"customer\", \"valid_from\": \"2025-01-02\", "
                                 "\"valid_to\": \"2025-01-01\"}",
                                 &s),
                    CRM_VALIDATION, s);
    OK(crm_role_add(db, id, role, &s));
    CHECK(contains(s, "\"tier\":\"gold\""));
    /* the role id sits right after "id":" */
    char role_id[37] = {0};
    const char *p = strstr(s, "\"id\":\"");
    CHECK(p != NULL);
    if (p) memcpy(role_id, p + 6, 36);
    crm_string_free(s);

    NUL(crm_role_grant(NULL, id, "supplier", &rid), "db");
    NUL(crm_role_grant(db, NULL, "supplier", &rid), "party_id");
    NUL(crm_role_grant(db, id, NULL, &rid), "role");
    NUL(crm_role_grant(db, id, "supplier", NULL), "out_id");
    FAILS_UNTOUCHED(crm_role_grant(db, BAD_UTF8, "supplier", &rid), CRM_INVALID_UTF8, rid);
    FAILS_UNTOUCHED(crm_role_grant(db, id, BAD_UTF8, &rid), CRM_INVALID_UTF8, rid);
    FAILS_UNTOUCHED(crm_role_grant(db, NOT_A_UUID, "supplier", &rid), CRM_INVALID_ARGUMENT, rid);
    FAILS_UNTOUCHED(crm_role_grant(db, id, "emperor", &rid), CRM_INVALID_ARGUMENT, rid);
    CHECK(field_is("role"));
    FAILS_UNTOUCHED(crm_role_grant(db, UNKNOWN_ID, "supplier", &rid), CRM_NOT_FOUND, rid);
    char *org = NULL;
    OK(crm_organization_create(db, "Roles Ltd", NULL, &org));
    FAILS_UNTOUCHED(crm_role_grant(db, org, "employee", &rid), CRM_VALIDATION, rid);
    crm_string_free(org);
    OK(crm_role_grant(db, id, "supplier", &rid));

    NUL(crm_role_update(NULL, role_id, 1, "{}", &s), "db");
    NUL(crm_role_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_role_update(db, role_id, 1, NULL, &s), "patch_json");
    NUL(crm_role_update(db, role_id, 1, "{}", NULL), "out_role_json");
    FAILS_UNTOUCHED(crm_role_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_role_update(db, role_id, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_role_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_role_update(db, role_id, 1, "{\"valid_to\": 5}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_role_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_role_update(db, role_id, 3, "{}", &s), CRM_CONFLICT, s);
    FAILS_UNTOUCHED(crm_role_update(db, role_id, 1, "{\"details\": {\"role\": \"partner\"}}", &s),
                    CRM_VALIDATION, s);
    OK(crm_role_update(db, role_id, 1, "{\"details\": {\"role\": \"customer\", \"tier\": \"silver\"}}",
                       &s));
    CHECK(contains(s, "\"tier\":\"silver\"") && contains(s, "\"version\":2"));
    crm_string_free(s);

    NUL(crm_role_remove(NULL, rid, 1), "db");
    NUL(crm_role_remove(db, NULL, 1), "id");
    EXPECT(crm_role_remove(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_role_remove(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_role_remove(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_role_remove(db, rid, 5), CRM_CONFLICT);
    OK(crm_role_remove(db, rid, 1));
    crm_string_free(rid);
    uint64_t n = 0;
    OK(crm_party_count(db, "{\"role\": \"customer\", \"name_prefix\": \"carl\"}", &n));
    CHECK(n == 1);

    /* notes */
    NUL(crm_note_add(NULL, id, "Called.", &nid), "db");
    NUL(crm_note_add(db, NULL, "Called.", &nid), "party_id");
    NUL(crm_note_add(db, id, NULL, &nid), "body");
    NUL(crm_note_add(db, id, "Called.", NULL), "out_id");
    FAILS_UNTOUCHED(crm_note_add(db, BAD_UTF8, "Called.", &nid), CRM_INVALID_UTF8, nid);
    FAILS_UNTOUCHED(crm_note_add(db, id, BAD_UTF8, &nid), CRM_INVALID_UTF8, nid);
    FAILS_UNTOUCHED(crm_note_add(db, NOT_A_UUID, "Called.", &nid), CRM_INVALID_ARGUMENT, nid);
    FAILS_UNTOUCHED(crm_note_add(db, UNKNOWN_ID, "Called.", &nid), CRM_NOT_FOUND, nid);
    FAILS_UNTOUCHED(crm_note_add(db, id, "   ", &nid), CRM_VALIDATION, nid);
    CHECK(field_is("body"));
    OK(crm_note_add(db, id, "Called about the invoice.\nWill pay Friday.", &nid));

    NUL(crm_note_list(NULL, id, &page), "db");
    NUL(crm_note_list(db, NULL, &page), "party_id");
    NUL(crm_note_list(db, id, NULL), "out_page");
    FAILS_UNTOUCHED(crm_note_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_note_list(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    OK(crm_note_list(db, id, &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "body", &t));
    CHECK(streq(t, "Called about the invoice.\nWill pay Friday."));
    OK(crm_page_item_str(page, 0, "author", &t));
    CHECK(streq(t, "system"));
    crm_page_free(page);
    OK(crm_note_list(db, UNKNOWN_ID, &page));
    CHECK(crm_page_len(page) == 0);
    crm_page_free(page);

    NUL(crm_note_delete(NULL, nid, 1), "db");
    NUL(crm_note_delete(db, NULL, 1), "id");
    EXPECT(crm_note_delete(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_note_delete(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_note_delete(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_note_delete(db, nid, 2), CRM_CONFLICT);
    OK(crm_note_delete(db, nid, 1));
    crm_string_free(nid);
    crm_string_free(id);
}

/* ------------------------------------------------------- custom fields */

static void test_fields(crm_db *db) {
    char *s = NULL, *id = NULL;
    crm_page *page = NULL;
    const char *t = NULL;
    const char *def = "{\"entity\": \"person\", \"name\": \"loyalty_points\", \"field_type\": "
                      "\"integer\", \"label\": \"Loyalty points\"}";
    NUL(crm_field_define(NULL, def, &s), "db");
    NUL(crm_field_define(db, NULL, &s), "new_field_json");
    NUL(crm_field_define(db, def, NULL), "out_field_json");
    FAILS_UNTOUCHED(crm_field_define(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_field_define(db, "{\"entity\": \"person\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_field_define(db,
                                     "{\"entity\": \"person\", \"name\": \"x\", \"field_type\": "
                                     "\"colour\"}",
                                     &s),
                    CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_field_define(db,
                                     "{\"entity\": \"spaceship\", \"name\": \"x\", \"field_type\": "
                                     "\"text\"}",
                                     &s),
                    CRM_VALIDATION, s);
    OK(crm_field_define(db, def, &s));
    char fid[37] = {0};
    const char *p = strstr(s, "\"id\":\"");
    CHECK(p != NULL);
    if (p) memcpy(fid, p + 6, 36);
    crm_string_free(s);
    FAILS_UNTOUCHED(crm_field_define(db, def, &s), CRM_VALIDATION, s); /* exists */

    /* values in the party's "custom" object, checked by type */
    FAILS_UNTOUCHED(crm_party_create(db, "{\"given_name\": \"C\", \"custom\": {\"loyalty_points\": \"lots\"}}",
                                     &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("custom.loyalty_points"));
    OK(crm_party_create(db, "{\"given_name\": \"C\", \"custom\": {\"loyalty_points\": 120}}", &s));
    CHECK(contains(s, "\"loyalty_points\":120"));
    crm_string_free(s);

    NUL(crm_field_list(NULL, NULL, &page), "db");
    NUL(crm_field_list(db, NULL, NULL), "out_page");
    FAILS_UNTOUCHED(crm_field_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    OK(crm_field_list(db, NULL, &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "name", &t));
    CHECK(streq(t, "loyalty_points"));
    crm_page_free(page);
    OK(crm_field_list(db, "organization", &page));
    CHECK(crm_page_len(page) == 0);
    crm_page_free(page);

    NUL(crm_field_remove(NULL, fid, 1), "db");
    NUL(crm_field_remove(db, NULL, 1), "id");
    EXPECT(crm_field_remove(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_field_remove(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_field_remove(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_field_remove(db, fid, 9), CRM_CONFLICT);
    OK(crm_field_remove(db, fid, 1));
    (void)id;
}

/* ------------------------------------------------------- relationships */

static void test_relationships(crm_db *db) {
    char *s = NULL, *anna = NULL, *ben = NULL, *acme = NULL, *sub = NULL, *rel = NULL, *rid = NULL;
    crm_page *page = NULL;
    const char *t = NULL;
    OK(crm_person_create(db, "Anna", "Graph", NULL, NULL, &anna));
    OK(crm_person_create(db, "Ben", "Graph", NULL, NULL, &ben));
    OK(crm_organization_create(db, "Graph Corp", NULL, &acme));
    OK(crm_organization_create(db, "Graph Sub", NULL, &sub));

    /* types */
    const char *ty = "{\"code\": \"mentor_of\", \"forward_label\": \"mentor of\", "
                     "\"inverse_label\": \"mentee of\", \"from_kinds\": [\"person\"], "
                     "\"to_kinds\": [\"person\"]}";
    NUL(crm_relationship_type_define(NULL, ty, &s), "db");
    NUL(crm_relationship_type_define(db, NULL, &s), "new_type_json");
    NUL(crm_relationship_type_define(db, ty, NULL), "out_type_json");
    FAILS_UNTOUCHED(crm_relationship_type_define(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_relationship_type_define(db, "{\"code\": 1}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_relationship_type_define(db, "{\"code\": \"Bad Code\", \"forward_label\": \"x\", \"inverse_label\": \"y\"}",
                                                 &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("code"));
    OK(crm_relationship_type_define(db, ty, &s));
    CHECK(contains(s, "\"builtin\":false"));
    crm_string_free(s);
    NUL(crm_relationship_type_list(NULL, &page), "db");
    NUL(crm_relationship_type_list(db, NULL), "out_page");
    OK(crm_relationship_type_list(db, &page));
    CHECK(crm_page_len(page) >= 18);
    crm_page_free(page);

    /* create (JSON) */
    char nr[512];
    snprintf(nr, sizeof nr,
             "{\"type\": \"employee_of\", \"from_id\": \"%s\", \"to_id\": \"%s\", "
             "\"valid_from\": \"2020-01-01\", \"strength\": 0.5}",
             anna, acme);
    NUL(crm_relationship_create(NULL, nr, &s), "db");
    NUL(crm_relationship_create(db, NULL, &s), "new_rel_json");
    NUL(crm_relationship_create(db, nr, NULL), "out_rel_json");
    FAILS_UNTOUCHED(crm_relationship_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_relationship_create(db, "{\"type\": \"employee_of\", \"from_id\": \"x\"}", &s),
                    CRM_INVALID_JSON, s);
    char bad[512];
    snprintf(bad, sizeof bad, "{\"type\": \"employee_of\", \"from_id\": \"%s\", \"to_id\": \"%s\"}",
             acme, anna);
    FAILS_UNTOUCHED(crm_relationship_create(db, bad, &s), CRM_VALIDATION, s); /* kinds */
    snprintf(bad, sizeof bad, "{\"type\": \"employee_of\", \"from_id\": \"%s\", \"to_id\": \"%s\"}",
             UNKNOWN_ID, acme);
    FAILS_UNTOUCHED(crm_relationship_create(db, bad, &s), CRM_NOT_FOUND, s);
    OK(crm_relationship_create(db, nr, &rel));
    CHECK(contains(rel, "\"type\":\"employee_of\""));
    char rel_id[37] = {0};
    const char *p = strstr(rel, "\"id\":\"");
    CHECK(p != NULL);
    if (p) memcpy(rel_id, p + 6, 36);
    crm_string_free(rel);

    /* link (typed) */
    NUL(crm_relationship_link(NULL, "knows", anna, ben, &rid), "db");
    NUL(crm_relationship_link(db, NULL, anna, ben, &rid), "type_code");
    NUL(crm_relationship_link(db, "knows", NULL, ben, &rid), "from_id");
    NUL(crm_relationship_link(db, "knows", anna, NULL, &rid), "to_id");
    NUL(crm_relationship_link(db, "knows", anna, ben, NULL), "out_id");
    FAILS_UNTOUCHED(crm_relationship_link(db, BAD_UTF8, anna, ben, &rid), CRM_INVALID_UTF8, rid);
    FAILS_UNTOUCHED(crm_relationship_link(db, "knows", BAD_UTF8, ben, &rid), CRM_INVALID_UTF8, rid);
    FAILS_UNTOUCHED(crm_relationship_link(db, "knows", anna, NOT_A_UUID, &rid), CRM_INVALID_ARGUMENT,
                    rid);
    CHECK(field_is("to_id"));
    FAILS_UNTOUCHED(crm_relationship_link(db, "knows", anna, UNKNOWN_ID, &rid), CRM_NOT_FOUND, rid);
    FAILS_UNTOUCHED(crm_relationship_link(db, "no_such_type", anna, ben, &rid), CRM_VALIDATION, rid);
    CHECK(field_is("type"));
    FAILS_UNTOUCHED(crm_relationship_link(db, "knows", anna, anna, &rid), CRM_VALIDATION, rid);
    OK(crm_relationship_link(db, "knows", anna, ben, &rid));
    char *sub_rel = NULL;
    OK(crm_relationship_link(db, "subsidiary_of", sub, acme, &sub_rel));
    crm_string_free(sub_rel);

    /* get */
    NUL(crm_relationship_get(NULL, rid, &s), "db");
    NUL(crm_relationship_get(db, NULL, &s), "id");
    NUL(crm_relationship_get(db, rid, NULL), "out_rel_json");
    FAILS_UNTOUCHED(crm_relationship_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_relationship_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_relationship_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_relationship_get(db, rid, &s));
    CHECK(contains(s, "\"type\":\"knows\""));
    crm_string_free(s);

    /* update */
    NUL(crm_relationship_update(NULL, rel_id, 1, "{}", &s), "db");
    NUL(crm_relationship_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_relationship_update(db, rel_id, 1, NULL, &s), "patch_json");
    NUL(crm_relationship_update(db, rel_id, 1, "{}", NULL), "out_rel_json");
    FAILS_UNTOUCHED(crm_relationship_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, rel_id, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, rel_id, 1, "{\"strength\": \"high\"}", &s),
                    CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, rel_id, 4, "{}", &s), CRM_CONFLICT, s);
    FAILS_UNTOUCHED(crm_relationship_update(db, rel_id, 1, "{\"strength\": 2.5}", &s),
                    CRM_VALIDATION, s);
    CHECK(field_is("strength"));
    OK(crm_relationship_update(db, rel_id, 1, "{\"notes\": \"Head of sales\", \"strength\": null}",
                               &s));
    CHECK(contains(s, "\"strength\":null") && contains(s, "\"version\":2"));
    crm_string_free(s);

    /* neighbours */
    NUL(crm_party_neighbours(NULL, anna, "{}", &page), "db");
    NUL(crm_party_neighbours(db, NULL, "{}", &page), "party_id");
    NUL(crm_party_neighbours(db, anna, NULL, &page), "query_json");
    NUL(crm_party_neighbours(db, anna, "{}", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_neighbours(db, BAD_UTF8, "{}", &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_neighbours(db, anna, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_neighbours(db, NOT_A_UUID, "{}", &page), CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_party_neighbours(db, anna, "{\"direction\": \"sideways\"}", &page),
                    CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_neighbours(db, UNKNOWN_ID, "{}", &page), CRM_NOT_FOUND, page);
    FAILS_UNTOUCHED(crm_party_neighbours(db, anna, "{\"type\": \"no_such\"}", &page), CRM_VALIDATION,
                    page);
    OK(crm_party_neighbours(db, anna, "{}", &page));
    CHECK(crm_page_len(page) == 2);
    OK(crm_page_item_str(page, 0, "label", &t));
    CHECK(streq(t, "employee of"));
    OK(crm_page_item_str(page, 0, "display_name", &t));
    CHECK(streq(t, "Graph Corp"));
    OK(crm_page_item_str(page, 1, "label", &t));
    CHECK(streq(t, "knows"));
    crm_page_free(page);
    OK(crm_party_neighbours(db, acme, "{\"direction\": \"incoming\", \"type\": \"employee_of\"}",
                            &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "label", &t));
    CHECK(streq(t, "employer of"));
    crm_page_free(page);

    /* members */
    NUL(crm_party_members(NULL, acme, NULL, &page), "db");
    NUL(crm_party_members(db, NULL, NULL, &page), "organization_id");
    NUL(crm_party_members(db, acme, NULL, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_members(db, BAD_UTF8, NULL, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_members(db, acme, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_members(db, NOT_A_UUID, NULL, &page), CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_party_members(db, acme, "31.12.2024", &page), CRM_INVALID_ARGUMENT, page);
    CHECK(field_is("at"));
    FAILS_UNTOUCHED(crm_party_members(db, UNKNOWN_ID, NULL, &page), CRM_NOT_FOUND, page);
    FAILS_UNTOUCHED(crm_party_members(db, anna, NULL, &page), CRM_VALIDATION, page);
    OK(crm_party_members(db, acme, NULL, &page));
    CHECK(crm_page_len(page) == 1); /* Anna, the employee */
    OK(crm_page_item_str(page, 0, "id", &t));
    CHECK(streq(t, anna));
    crm_page_free(page);
    OK(crm_party_members(db, acme, "2019-06-01", &page));
    CHECK(crm_page_len(page) == 0); /* Anna joined in 2020 */
    crm_page_free(page);

    /* shortest path: Ben - knows - Anna - employee of - Acme */
    NUL(crm_party_shortest_path(NULL, ben, acme, 4, NULL, &page), "db");
    NUL(crm_party_shortest_path(db, NULL, acme, 4, NULL, &page), "from_id");
    NUL(crm_party_shortest_path(db, ben, NULL, 4, NULL, &page), "to_id");
    NUL(crm_party_shortest_path(db, ben, acme, 4, NULL, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_shortest_path(db, BAD_UTF8, acme, 4, NULL, &page), CRM_INVALID_UTF8,
                    page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, acme, 4, BAD_UTF8, &page), CRM_INVALID_UTF8,
                    page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, NOT_A_UUID, 4, NULL, &page),
                    CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, acme, 4, "yesterday", &page),
                    CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, UNKNOWN_ID, 4, NULL, &page), CRM_NOT_FOUND,
                    page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, acme, 0, NULL, &page), CRM_VALIDATION, page);
    FAILS_UNTOUCHED(crm_party_shortest_path(db, ben, acme, 7, NULL, &page), CRM_VALIDATION, page);
    CHECK(field_is("max_depth"));
    OK(crm_party_shortest_path(db, ben, acme, 4, NULL, &page));
    CHECK(page != NULL && crm_page_len(page) == 2);
    OK(crm_page_item_str(page, 1, "type", &t));
    CHECK(streq(t, "employee_of"));
    crm_page_free(page);
    page = SENTINEL;
    OK(crm_party_shortest_path(db, ben, acme, 1, NULL, &page));
    CHECK(page == NULL); /* no path that short */
    OK(crm_party_shortest_path(db, ben, acme, 4, "2019-01-01", &page));
    CHECK(page == NULL); /* the employment did not hold yet */
    OK(crm_party_shortest_path(db, ben, ben, 3, NULL, &page));
    CHECK(page != NULL && crm_page_len(page) == 0);
    crm_page_free(page);

    /* delete */
    NUL(crm_relationship_delete(NULL, rid, 1), "db");
    NUL(crm_relationship_delete(db, NULL, 1), "id");
    EXPECT(crm_relationship_delete(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_relationship_delete(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_relationship_delete(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_relationship_delete(db, rid, 2), CRM_CONFLICT);
    OK(crm_relationship_delete(db, rid, 1));
    FAILS_UNTOUCHED(crm_relationship_get(db, rid, &s), CRM_NOT_FOUND, s);

    /* An archived party takes no new relationships. */
    int64_t v = 0;
    OK(crm_party_archive(db, ben, 1, &v));
    FAILS_UNTOUCHED(crm_relationship_link(db, "knows", anna, ben, &s), CRM_VALIDATION, s);

    crm_string_free(rid);
    crm_string_free(anna);
    crm_string_free(ben);
    crm_string_free(acme);
    crm_string_free(sub);
}

/* ------------------------------------------------------ audit, events */

static void test_audit_events(void) {
    crm_db *db = NULL, *clerk = NULL;
    crm_page *page = NULL;
    char *id = NULL, *s = NULL;
    const char *t = NULL;
    int64_t seq = 0, last = 0;
    uint64_t n = 0;
    OK(crm_db_open_in_memory(&db));
    OK(crm_db_with_actor(db, "clerk", &clerk));
    OK(crm_person_create(db, "Audit", "Me", NULL, NULL, &id));
    OK(crm_party_update(clerk, id, 1, "{\"language\": \"de\"}", &s));
    crm_string_free(s);

    NUL(crm_audit_list(NULL, id, &page), "db");
    NUL(crm_audit_list(db, NULL, &page), "entity_id");
    NUL(crm_audit_list(db, id, NULL), "out_page");
    FAILS_UNTOUCHED(crm_audit_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_audit_list(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    OK(crm_audit_list(db, id, &page));
    CHECK(crm_page_len(page) == 2);
    OK(crm_page_item_str(page, 0, "action", &t));
    CHECK(streq(t, "created"));
    OK(crm_page_item_str(page, 1, "action", &t));
    CHECK(streq(t, "updated"));
    OK(crm_page_item_str(page, 1, "actor", &t));
    CHECK(streq(t, "clerk"));
    OK(crm_page_item_str(page, 1, "changes", &t));
    CHECK(streq(t, "{\"language\":[null,\"de\"]}"));
    crm_page_free(page);
    OK(crm_audit_list(db, UNKNOWN_ID, &page));
    CHECK(crm_page_len(page) == 0);
    crm_page_free(page);

    NUL(crm_event_list(NULL, 0, 10, &page), "db");
    NUL(crm_event_list(db, 0, 10, NULL), "out_page");
    OK(crm_event_list(db, 0, 100, &page));
    CHECK(crm_page_len(page) == 2);
    OK(crm_page_item_str(page, 0, "topic", &t));
    CHECK(streq(t, "party.created"));
    OK(crm_page_item_int(page, 0, "seq", &seq));
    OK(crm_page_item_int(page, 1, "seq", &last));
    CHECK(last > seq);
    crm_page_free(page);
    OK(crm_event_list(db, seq, 100, &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);
    OK(crm_event_list(db, 0, 1, &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);

    NUL(crm_event_prune(NULL, seq, &n), "db");
    NUL(crm_event_prune(db, seq, NULL), "out_removed");
    OK(crm_event_prune(db, seq, &n));
    CHECK(n == 1);
    OK(crm_event_list(db, 0, 100, &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);
    OK(crm_event_prune(db, 0, &n));
    CHECK(n == 0);

    crm_string_free(id);
    crm_db_free(clerk);
    crm_db_free(db);
}

/* --------------------------------------------------------------- busy */

/* Another process holds the write lock: a write fails with CRM_BUSY. The
 * child takes SQLite's WAL write lock (byte 120 of the -shm file) with
 * fcntl, as a writing process would. */
static void test_busy(void) {
    char path[512], shm[600];
    crm_db *db = NULL;
    char *id = NULL;
    path_in_dir(path, sizeof path, "crm-test-busy.db");
    remove_db(path);
    OK(crm_db_open_with(path, "{\"busy_timeout_ms\": 0}", &db));
    snprintf(shm, sizeof shm, "%s-shm", path);
    int ready[2], done[2];
    if (pipe(ready) != 0 || pipe(done) != 0) {
        CHECK(!"pipe");
        crm_db_free(db);
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        char c = 'x';
        int fd = open(shm, O_RDWR);
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        fl.l_start = 120;
        fl.l_len = 1;
        if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0) c = 'e';
        if (write(ready[1], &c, 1) != 1) _exit(2);
        if (read(done[0], &c, 1) < 0) _exit(2);
        _exit(0);
    }
    char c = 0;
    CHECK(read(ready[0], &c, 1) == 1 && c == 'x');
    FAILS_UNTOUCHED(crm_person_create(db, "Busy", "Bee", NULL, NULL, &id), CRM_BUSY, id);
    CHECK(write(done[1], "x", 1) == 1);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(ready[0]);
    close(ready[1]);
    close(done[0]);
    close(done[1]);
    OK(crm_person_create(db, "Busy", "Bee", NULL, NULL, &id));
    crm_string_free(id);
    crm_db_free(db);
    remove_db(path);
}

/* ------------------------------------------------------------ threads */

#define THREADS 4
#define PER_THREAD 25

struct worker {
    crm_db *db;
    int index;
    int ok;
    int errors;
};

static void *work(void *arg) {
    struct worker *w = arg;
    char given[32];
    for (int i = 0; i < PER_THREAD; i++) {
        char *id = NULL, *name = NULL, *json = NULL;
        int64_t v = 0;
        snprintf(given, sizeof given, "T%d-%d", w->index, i);
        if (crm_person_create(w->db, given, "Thread", NULL, NULL, &id) != CRM_OK) {
            w->errors++;
            continue;
        }
        if (crm_party_display_name(w->db, id, &name) == CRM_OK && strncmp(name, given, strlen(given)) == 0)
            w->ok++;
        else
            w->errors++;
        crm_string_free(name);
        if (crm_party_version(w->db, id, &v) == CRM_OK &&
            crm_party_update(w->db, id, v, "{\"language\": \"lv\"}", &json) == CRM_OK)
            w->ok++;
        else
            w->errors++;
        crm_string_free(json);
        /* Each thread has its own last error. */
        if (crm_party_update(w->db, id, v, "{}", &json) == CRM_CONFLICT &&
            strstr(crm_last_error_message(), "expected version") != NULL)
            w->ok++;
        else
            w->errors++;
        crm_page *page = NULL;
        if (crm_party_list(w->db, "{\"limit\": 5}", &page) == CRM_OK && crm_page_len(page) > 0)
            w->ok++;
        else
            w->errors++;
        crm_page_free(page);
        crm_string_free(id);
    }
    return NULL;
}

static void test_threads(void) {
    char path[512];
    crm_db *db = NULL;
    path_in_dir(path, sizeof path, "crm-test-threads.db");
    remove_db(path);
    OK(crm_db_open(path, &db));
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){db, i, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    int ok = 0, errors = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        ok += workers[i].ok;
        errors += workers[i].errors;
    }
    CHECK(errors == 0);
    CHECK(ok == THREADS * PER_THREAD * 4);
    uint64_t n = 0;
    OK(crm_party_count(db, "{}", &n));
    CHECK(n == THREADS * PER_THREAD);
    crm_db_free(db);
    remove_db(path);
}

/* ------------------------------------------------- JSON helpers (tests) */

/* Copy the text of the first "key":"…" of a compact JSON text into buf. */
static int json_text(const char *json, const char *key, char *buf, size_t n) {
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p || n == 0) return 0;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= n) return 0;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = '\0';
    return 1;
}

/* The first "key":<integer> of a compact JSON text; -999 if absent. */
static long long json_int(const char *json, const char *key) {
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p) return -999;
    return strtoll(p + strlen(pat), NULL, 10);
}

/* A call failing with CRM_VALIDATION on `field`, its output untouched. */
#define VALIDATES(call, field, out)             \
    do {                                        \
        FAILS_UNTOUCHED(call, CRM_VALIDATION, out); \
        CHECK(field_is(field));                 \
    } while (0)

/* The length of the page a call wrote to *page (freed), or -1 if it failed. */
static size_t page_len_of(crm_status st, crm_page **page) {
    size_t n = st == CRM_OK ? crm_page_len(*page) : (size_t)-1;
    if (st == CRM_OK) crm_page_free(*page);
    *page = NULL;
    return n;
}

/* ------------------------------------------------ interactions, tasks */

static void test_interactions(crm_db *db) {
    char *anna = NULL, *org = NULL, *s = NULL, *id = NULL, *s2 = NULL;
    char iid[64] = "", tid[64] = "", buf[1024], q[512];
    crm_page *page = NULL;
    int64_t v = 0;

    OK(crm_person_create(db, "Ilze", "Kalna", NULL, NULL, &anna));
    OK(crm_organization_create(db, "Kalna SIA", NULL, &org));

    /* crm_interaction_record */
    snprintf(buf, sizeof buf,
             "{\"channel\":\"phone_call\",\"direction\":\"outbound\",\"subject\":\"Renewal\","
             "\"occurred_at\":\"2025-03-01T09:30:00Z\",\"duration_seconds\":300,"
             "\"participants\":[{\"party_id\":\"%s\",\"role\":\"to\"}]}",
             anna);
    NUL(crm_interaction_record(NULL, buf, &s), "db");
    NUL(crm_interaction_record(db, NULL, &s), "new_interaction_json");
    NUL(crm_interaction_record(db, buf, NULL), "out_interaction_json");
    FAILS_UNTOUCHED(crm_interaction_record(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_interaction_record(db, "{", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_interaction_record(
                        db, "{\"channel\":\"pigeon\",\"subject\":\"x\",\"participants\":[]}", &s),
                    CRM_INVALID_JSON, s);
    CHECK(field_is("new_interaction_json"));
    snprintf(q, sizeof q,
             "{\"channel\":\"email\",\"subject\":\" \",\"participants\":[{\"party_id\":\"%s\","
             "\"role\":\"from\"}]}",
             anna);
    VALIDATES(crm_interaction_record(db, q, &s), "subject", s);
    VALIDATES(crm_interaction_record(db,
                                     "{\"channel\":\"email\",\"subject\":\"x\",\"participants\":"
                                     "[{\"party_id\":\"" UNKNOWN_ID "\",\"role\":\"from\"}]}",
                                     &s),
              "participants[0].party_id", s);
    OK(crm_interaction_record(db, buf, &s));
    CHECK(contains(s, "\"channel\":\"phone_call\""));
    CHECK(contains(s, "\"direction\":\"outbound\""));
    CHECK(json_text(s, "id", iid, sizeof iid));
    crm_string_free(s);

    /* crm_interaction_log */
    NUL(crm_interaction_log(NULL, anna, "email", false, "Hi", NULL, &id), "db");
    NUL(crm_interaction_log(db, NULL, "email", false, "Hi", NULL, &id), "party_id");
    NUL(crm_interaction_log(db, anna, NULL, false, "Hi", NULL, &id), "channel");
    NUL(crm_interaction_log(db, anna, "email", false, NULL, NULL, &id), "subject");
    NUL(crm_interaction_log(db, anna, "email", false, "Hi", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_interaction_log(db, BAD_UTF8, "email", false, "Hi", NULL, &id),
                    CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_interaction_log(db, anna, BAD_UTF8, false, "Hi", NULL, &id),
                    CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_interaction_log(db, anna, "email", false, BAD_UTF8, NULL, &id),
                    CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_interaction_log(db, anna, "email", false, "Hi", BAD_UTF8, &id),
                    CRM_INVALID_UTF8, id);
    CHECK(field_is("body"));
    FAILS_UNTOUCHED(crm_interaction_log(db, NOT_A_UUID, "email", false, "Hi", NULL, &id),
                    CRM_INVALID_ARGUMENT, id);
    FAILS_UNTOUCHED(crm_interaction_log(db, anna, "pigeon", false, "Hi", NULL, &id),
                    CRM_INVALID_ARGUMENT, id);
    CHECK(field_is("channel"));
    VALIDATES(crm_interaction_log(db, anna, "email", false, "", NULL, &id), "subject", id);
    VALIDATES(crm_interaction_log(db, UNKNOWN_ID, "email", false, "Hi", NULL, &id),
              "participants[0].party_id", id);
    OK(crm_interaction_log(db, anna, "email", false, "Question", "About the invoice", &id));
    CHECK(id && strlen(id) == 36);
    OK(crm_interaction_get(db, id, &s));
    CHECK(contains(s, "\"role\":\"from\"") && contains(s, "\"body\":\"About the invoice\""));
    crm_string_free(s);
    crm_string_free(id);
    OK(crm_interaction_log(db, anna, "meeting", true, "Visit", NULL, &id));
    crm_string_free(id);

    /* crm_interaction_get */
    NUL(crm_interaction_get(NULL, iid, &s), "db");
    NUL(crm_interaction_get(db, NULL, &s), "id");
    NUL(crm_interaction_get(db, iid, NULL), "out_interaction_json");
    FAILS_UNTOUCHED(crm_interaction_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_interaction_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_interaction_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_interaction_get(db, iid, &s));
    CHECK(contains(s, "\"subject\":\"Renewal\""));
    crm_string_free(s);

    /* crm_interaction_update */
    NUL(crm_interaction_update(NULL, iid, 1, "{}", &s), "db");
    NUL(crm_interaction_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_interaction_update(db, iid, 1, NULL, &s), "patch_json");
    NUL(crm_interaction_update(db, iid, 1, "{}", NULL), "out_interaction_json");
    FAILS_UNTOUCHED(crm_interaction_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_interaction_update(db, iid, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_interaction_update(db, iid, 1, "{\"mood\": 1}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_interaction_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_interaction_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_interaction_update(db, iid, 7, "{}", &s), CRM_CONFLICT, s);
    VALIDATES(crm_interaction_update(db, iid, 1, "{\"subject\": \"\"}", &s), "subject", s);
    VALIDATES(crm_interaction_update(db, iid, 1, "{\"duration_seconds\": -5}", &s),
              "duration_seconds", s);
    OK(crm_interaction_update(db, iid, 1, "{\"outcome\": \"call back in May\"}", &s));
    CHECK(contains(s, "\"outcome\":\"call back in May\"") && json_int(s, "version") == 2);
    crm_string_free(s);

    /* crm_party_timeline, paged */
    NUL(crm_party_timeline(NULL, anna, "{}", &page), "db");
    NUL(crm_party_timeline(db, NULL, "{}", &page), "party_id");
    NUL(crm_party_timeline(db, anna, NULL, &page), "query_json");
    NUL(crm_party_timeline(db, anna, "{}", NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_timeline(db, BAD_UTF8, "{}", &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_timeline(db, anna, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_timeline(db, anna, "{\"channel\": 3}", &page), CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_timeline(db, NOT_A_UUID, "{}", &page), CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_party_timeline(db, UNKNOWN_ID, "{}", &page), CRM_NOT_FOUND, page);
    FAILS_UNTOUCHED(crm_party_timeline(db, anna, "{\"limit\": 0}", &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    FAILS_UNTOUCHED(crm_party_timeline(db, anna, "{\"after\": \"garbage\"}", &page), CRM_VALIDATION,
                    page);
    OK(crm_party_timeline(db, anna, "{}", &page));
    CHECK(crm_page_len(page) == 3);
    crm_page_free(page);
    OK(crm_party_timeline(db, anna, "{\"limit\": 2}", &page));
    CHECK(crm_page_len(page) == 2);
    const char *cursor = NULL;
    OK(crm_page_next_cursor(page, &cursor));
    CHECK(cursor != NULL);
    snprintf(q, sizeof q, "{\"limit\": 2, \"after\": \"%s\"}", cursor ? cursor : "");
    crm_page_free(page);
    OK(crm_party_timeline(db, anna, q, &page));
    CHECK(crm_page_len(page) == 1);
    const char *subject = NULL;
    OK(crm_page_item_str(page, 0, "subject", &subject));
    CHECK(streq(subject, "Renewal")); /* the oldest, last */
    OK(crm_page_next_cursor(page, &cursor));
    CHECK(cursor == NULL);
    crm_page_free(page);
    CHECK(page_len_of(crm_party_timeline(db, anna, "{\"channel\": \"email\"}", &page), &page) == 1);

    /* crm_interaction_delete */
    NUL(crm_interaction_delete(NULL, iid, 2), "db");
    NUL(crm_interaction_delete(db, NULL, 2), "id");
    EXPECT(crm_interaction_delete(db, BAD_UTF8, 2), CRM_INVALID_UTF8);
    EXPECT(crm_interaction_delete(db, NOT_A_UUID, 2), CRM_INVALID_ARGUMENT);
    EXPECT(crm_interaction_delete(db, UNKNOWN_ID, 2), CRM_NOT_FOUND);
    EXPECT(crm_interaction_delete(db, iid, 1), CRM_CONFLICT);
    OK(crm_interaction_delete(db, iid, 2));
    FAILS_UNTOUCHED(crm_interaction_get(db, iid, &s), CRM_NOT_FOUND, s);

    /* crm_task_create: a task with no subject changes nothing. */
    size_t open_before = page_len_of(crm_task_list_open(db, anna, &page), &page);
    snprintf(buf, sizeof buf, "{\"party_id\":\"%s\",\"priority\":\"high\"}", anna);
    NUL(crm_task_create(NULL, buf, &s), "db");
    NUL(crm_task_create(db, NULL, &s), "new_task_json");
    NUL(crm_task_create(db, buf, NULL), "out_task_json");
    FAILS_UNTOUCHED(crm_task_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_task_create(db, "{\"subject\": ", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_task_create(db, "{\"subject\": \"x\", \"priority\": \"extreme\"}", &s),
                    CRM_INVALID_JSON, s);
    VALIDATES(crm_task_create(db, buf, &s), "subject", s);
    CHECK(page_len_of(crm_task_list_open(db, anna, &page), &page) == open_before);
    FAILS_UNTOUCHED(
        crm_task_create(db, "{\"subject\": \"x\", \"party_id\": \"" UNKNOWN_ID "\"}", &s),
        CRM_NOT_FOUND, s);
    snprintf(buf, sizeof buf,
             "{\"subject\":\"Send the offer\",\"party_id\":\"%s\",\"priority\":\"high\","
             "\"owner\":\"maija\",\"due_at\":\"2020-01-01T12:00:00Z\"}",
             anna);
    OK(crm_task_create(db, buf, &s));
    CHECK(contains(s, "\"status\":\"open\"") && contains(s, "\"priority\":\"high\""));
    CHECK(json_text(s, "id", tid, sizeof tid));
    crm_string_free(s);

    /* crm_task_add */
    NUL(crm_task_add(NULL, anna, "Call", NULL, &id), "db");
    NUL(crm_task_add(db, anna, NULL, NULL, &id), "subject");
    NUL(crm_task_add(db, anna, "Call", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_task_add(db, BAD_UTF8, "Call", NULL, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_task_add(db, anna, BAD_UTF8, NULL, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_task_add(db, anna, "Call", BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_task_add(db, NOT_A_UUID, "Call", NULL, &id), CRM_INVALID_ARGUMENT, id);
    FAILS_UNTOUCHED(crm_task_add(db, anna, "Call", "tomorrow", &id), CRM_INVALID_ARGUMENT, id);
    CHECK(field_is("due_at"));
    VALIDATES(crm_task_add(db, anna, "   ", NULL, &id), "subject", id);
    CHECK(page_len_of(crm_task_list_open(db, anna, &page), &page) == open_before + 1);
    FAILS_UNTOUCHED(crm_task_add(db, UNKNOWN_ID, "Call", NULL, &id), CRM_NOT_FOUND, id);
    OK(crm_task_add(db, anna, "Call back", "2999-05-01T08:00:00+03:00", &id));
    OK(crm_task_get(db, id, &s));
    CHECK(contains(s, "\"due_at\":\"2999-05-01T05:00:00Z\""));
    crm_string_free(s);
    OK(crm_task_add(db, NULL, "Tidy the desk", NULL, &s2)); /* no party */
    crm_string_free(s2);

    /* crm_task_get */
    NUL(crm_task_get(NULL, tid, &s), "db");
    NUL(crm_task_get(db, NULL, &s), "id");
    NUL(crm_task_get(db, tid, NULL), "out_task_json");
    FAILS_UNTOUCHED(crm_task_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_task_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_task_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_task_get(db, tid, &s));
    CHECK(contains(s, "\"subject\":\"Send the offer\""));
    crm_string_free(s);

    /* crm_task_update */
    NUL(crm_task_update(NULL, tid, 1, "{}", &s), "db");
    NUL(crm_task_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_task_update(db, tid, 1, NULL, &s), "patch_json");
    NUL(crm_task_update(db, tid, 1, "{}", NULL), "out_task_json");
    FAILS_UNTOUCHED(crm_task_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_task_update(db, tid, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_task_update(db, tid, 1, "{\"status\": \"sleeping\"}", &s), CRM_INVALID_JSON,
                    s);
    FAILS_UNTOUCHED(crm_task_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_task_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_task_update(db, tid, 9, "{}", &s), CRM_CONFLICT, s);
    VALIDATES(crm_task_update(db, tid, 1, "{\"subject\": \"\"}", &s), "subject", s);
    OK(crm_task_update(db, tid, 1, "{\"status\": \"in_progress\"}", &s));
    CHECK(contains(s, "\"status\":\"in_progress\"") && json_int(s, "version") == 2);
    crm_string_free(s);

    /* crm_task_list_overdue: the task due in 2020 */
    NUL(crm_task_list_overdue(NULL, NULL, NULL, 10, &page), "db");
    NUL(crm_task_list_overdue(db, NULL, NULL, 10, NULL), "out_page");
    FAILS_UNTOUCHED(crm_task_list_overdue(db, BAD_UTF8, NULL, 10, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_task_list_overdue(db, NULL, BAD_UTF8, 10, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_task_list_overdue(db, "yesterday", NULL, 10, &page), CRM_INVALID_ARGUMENT,
                    page);
    CHECK(field_is("now"));
    FAILS_UNTOUCHED(crm_task_list_overdue(db, NULL, NULL, 0, &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    OK(crm_task_list_overdue(db, NULL, NULL, 10, &page));
    CHECK(crm_page_len(page) == 1);
    const char *tsubj = NULL;
    OK(crm_page_item_str(page, 0, "subject", &tsubj));
    CHECK(streq(tsubj, "Send the offer"));
    crm_page_free(page);
    CHECK(page_len_of(crm_task_list_overdue(db, NULL, "maija", 10, &page), &page) == 1);
    CHECK(page_len_of(crm_task_list_overdue(db, NULL, "juris", 10, &page), &page) == 0);
    CHECK(page_len_of(crm_task_list_overdue(db, "2019-01-01T00:00:00Z", NULL, 10, &page), &page) == 0);

    /* crm_task_complete */
    NUL(crm_task_complete(NULL, tid, 2, &v), "db");
    NUL(crm_task_complete(db, NULL, 2, &v), "id");
    NUL(crm_task_complete(db, tid, 2, NULL), "out_version");
    v = 42;
    EXPECT(crm_task_complete(db, BAD_UTF8, 2, &v), CRM_INVALID_UTF8);
    EXPECT(crm_task_complete(db, NOT_A_UUID, 2, &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_task_complete(db, UNKNOWN_ID, 2, &v), CRM_NOT_FOUND);
    EXPECT(crm_task_complete(db, tid, 1, &v), CRM_CONFLICT);
    CHECK(v == 42);
    OK(crm_task_complete(db, tid, 2, &v));
    CHECK(v == 3);
    OK(crm_task_get(db, tid, &s));
    CHECK(contains(s, "\"status\":\"done\"") && !contains(s, "\"completed_at\":null"));
    crm_string_free(s);
    CHECK(page_len_of(crm_task_list_overdue(db, NULL, NULL, 10, &page), &page) == 0);

    /* crm_task_list_open */
    NUL(crm_task_list_open(NULL, anna, &page), "db");
    NUL(crm_task_list_open(db, NULL, &page), "party_id");
    NUL(crm_task_list_open(db, anna, NULL), "out_page");
    FAILS_UNTOUCHED(crm_task_list_open(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_task_list_open(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_task_list_open(db, UNKNOWN_ID, &page), CRM_NOT_FOUND, page);
    OK(crm_task_list_open(db, anna, &page));
    CHECK(crm_page_len(page) == 1); /* "Call back"; the other is done */
    crm_page_free(page);

    /* crm_task_delete */
    NUL(crm_task_delete(NULL, id, 1), "db");
    NUL(crm_task_delete(db, NULL, 1), "id");
    EXPECT(crm_task_delete(db, BAD_UTF8, 1), CRM_INVALID_UTF8);
    EXPECT(crm_task_delete(db, NOT_A_UUID, 1), CRM_INVALID_ARGUMENT);
    EXPECT(crm_task_delete(db, UNKNOWN_ID, 1), CRM_NOT_FOUND);
    EXPECT(crm_task_delete(db, id, 5), CRM_CONFLICT);
    OK(crm_task_delete(db, id, 1));
    CHECK(page_len_of(crm_task_list_open(db, anna, &page), &page) == 0);
    crm_string_free(id);

    crm_string_free(org);
    crm_string_free(anna);
}

/* The subject of item `i` of a page, or "" when there is none. */
static const char *subject_at(crm_page *page, size_t i) {
    const char *subject = NULL;
    if (crm_page_item_str(page, i, "subject", &subject) != CRM_OK || subject == NULL) return "";
    return subject;
}

/* crm_interaction_search, on a base of its own: tiers, newest first within
 * one, the party filter, and every argument that is refused. */
static void test_interaction_search(void) {
    crm_db *db = NULL;
    char *anna = NULL, *org = NULL, *id = NULL, *s = NULL, *got = NULL;
    char buf[1024], newest[64] = "";
    crm_page *page = NULL;
    OK(crm_db_open_in_memory(&db));
    OK(crm_person_create(db, "Ilze", "Kalna", NULL, NULL, &anna));
    OK(crm_organization_create(db, "Kalna SIA", NULL, &org));

    /* For "invoice", recorded oldest first: the start of a word of the
     * subject; a whole word of the subject (twice); a whole word of the
     * outcome only; no match. */
    OK(crm_interaction_log(db, anna, "email", false, "Invoices overdue", NULL, &id));
    crm_string_free(id);
    OK(crm_interaction_log(db, org, "email", true, "Invoice sent", NULL, &id));
    crm_string_free(id);
    OK(crm_interaction_log(db, anna, "phone_call", false, "Invoice question", NULL, &id));
    CHECK(id && strlen(id) < sizeof newest);
    snprintf(newest, sizeof newest, "%s", id ? id : "");
    crm_string_free(id);
    snprintf(buf, sizeof buf,
             "{\"channel\":\"meeting\",\"subject\":\"Visit\",\"outcome\":\"invoice paid\","
             "\"participants\":[{\"party_id\":\"%s\",\"role\":\"attendee\"}]}",
             anna);
    OK(crm_interaction_record(db, buf, &s));
    crm_string_free(s);
    OK(crm_interaction_log(db, anna, "chat", false, "Delivery date", NULL, &id));
    crm_string_free(id);

    NUL(crm_interaction_search(NULL, "invoice", NULL, 10, &page), "db");
    NUL(crm_interaction_search(db, NULL, NULL, 10, &page), "text");
    NUL(crm_interaction_search(db, "invoice", NULL, 10, NULL), "out_page");
    FAILS_UNTOUCHED(crm_interaction_search(db, BAD_UTF8, NULL, 10, &page), CRM_INVALID_UTF8, page);
    CHECK(field_is("text"));
    FAILS_UNTOUCHED(crm_interaction_search(db, "invoice", BAD_UTF8, 10, &page), CRM_INVALID_UTF8,
                    page);
    CHECK(field_is("party_id"));
    FAILS_UNTOUCHED(crm_interaction_search(db, "invoice", NOT_A_UUID, 10, &page),
                    CRM_INVALID_ARGUMENT, page);
    CHECK(field_is("party_id"));
    VALIDATES(crm_interaction_search(db, "", NULL, 10, &page), "text", page);
    VALIDATES(crm_interaction_search(db, " -:* \"()", NULL, 10, &page), "text", page);
    VALIDATES(crm_interaction_search(db, "invoice", NULL, 0, &page), "limit", page);
    VALIDATES(crm_interaction_search(db, "invoice", NULL, 1001, &page), "limit", page);
    char *long_text = malloc(1002);
    if (long_text) {
        memset(long_text, 'a', 1001);
        long_text[1001] = '\0';
        VALIDATES(crm_interaction_search(db, long_text, NULL, 10, &page), "text", page);
        free(long_text);
    }

    /* Best tier first, the most recently recorded first within a tier. */
    OK(crm_interaction_search(db, "invoice", NULL, 10, &page));
    CHECK(crm_page_len(page) == 4);
    CHECK(streq(subject_at(page, 0), "Invoice question"));
    CHECK(streq(subject_at(page, 1), "Invoice sent"));
    CHECK(streq(subject_at(page, 2), "Invoices overdue"));
    CHECK(streq(subject_at(page, 3), "Visit"));
    /* An item is the JSON crm_interaction_get gives. */
    const char *item = NULL;
    OK(crm_page_item_json(page, 0, &item));
    OK(crm_interaction_get(db, newest, &got));
    CHECK(streq(item, got));
    crm_string_free(got);
    crm_page_free(page);
    OK(crm_interaction_search(db, "INVOICE", NULL, 2, &page)); /* case ignored; the limit */
    CHECK(crm_page_len(page) == 2);
    CHECK(streq(subject_at(page, 0), "Invoice question"));
    CHECK(streq(subject_at(page, 1), "Invoice sent"));
    crm_page_free(page);
    CHECK(page_len_of(crm_interaction_search(db, "invoice paid", NULL, 10, &page), &page) == 1);
    CHECK(page_len_of(crm_interaction_search(db, "Ínvoi", NULL, 10, &page), &page) == 4);

    /* The party filter. */
    OK(crm_interaction_search(db, "invoice", anna, 10, &page));
    CHECK(crm_page_len(page) == 3);
    CHECK(streq(subject_at(page, 0), "Invoice question"));
    CHECK(streq(subject_at(page, 1), "Invoices overdue"));
    CHECK(streq(subject_at(page, 2), "Visit"));
    crm_page_free(page);
    OK(crm_interaction_search(db, "invoice", org, 10, &page));
    CHECK(crm_page_len(page) == 1);
    CHECK(streq(subject_at(page, 0), "Invoice sent"));
    crm_page_free(page);
    CHECK(page_len_of(crm_interaction_search(db, "delivery", org, 10, &page), &page) == 0);
    CHECK(page_len_of(crm_interaction_search(db, "invoice", UNKNOWN_ID, 10, &page), &page) == 0);

    /* Query syntax is searched literally; nothing matches it here. */
    CHECK(page_len_of(crm_interaction_search(db, "invoice OR NEAR(x*", NULL, 10, &page), &page) == 0);
    CHECK(page_len_of(crm_interaction_search(db, "\"invoice\" -", NULL, 10, &page), &page) == 4);
    CHECK(page_len_of(crm_interaction_search(db, "zzz", NULL, 1000, &page), &page) == 0);

    crm_string_free(org);
    crm_string_free(anna);
    crm_db_free(db);
}

/* ----------------------------------------------------------- sales */

static const char *PIPELINE_B2B =
    "{\"name\":\"B2B\",\"stages\":[{\"name\":\"Qualify\",\"probability\":10},"
    "{\"name\":\"Offer\",\"probability\":50},{\"name\":\"Won\",\"probability\":100,"
    "\"outcome\":\"won\"},{\"name\":\"Lost\",\"probability\":0,\"outcome\":\"lost\"}]}";
static const char *PIPELINE_RETAIL =
    "{\"name\":\"Retail\",\"stages\":[{\"name\":\"Open\",\"probability\":30},"
    "{\"name\":\"Won\",\"probability\":100,\"outcome\":\"won\"},"
    "{\"name\":\"Lost\",\"probability\":0,\"outcome\":\"lost\"}]}";

/* Ids the sales tests share with the analytics tests. */
static char b2b[64], retail[64], customer_id[64], chair[64], desk[64], eur_list[64];

static void test_leads_pipelines(crm_db *db) {
    char *s = NULL, *s2 = NULL, *id = NULL, *acme = NULL, *gone = NULL;
    char lead[64] = "", lead2[64] = "", opp[64] = "", won_b2b[64] = "", offer[64] = "",
         open_retail[64] = "", buf[1024];
    crm_page *page = NULL;
    int64_t v = 0;

    /* crm_lead_create */
    const char *new_lead = "{\"source\":\"web\",\"given_name\":\"Ilze\",\"family_name\":\"Liepa\","
                           "\"email\":\"Ilze@Liepa.lv\",\"company_name\":\"Liepa SIA\","
                           "\"country\":\"lv\"}";
    NUL(crm_lead_create(NULL, new_lead, &s), "db");
    NUL(crm_lead_create(db, NULL, &s), "new_lead_json");
    NUL(crm_lead_create(db, new_lead, NULL), "out_lead_json");
    FAILS_UNTOUCHED(crm_lead_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_create(db, "{\"source\":", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_lead_create(db, "{\"shoe_size\": 44}", &s), CRM_INVALID_JSON, s);
    VALIDATES(crm_lead_create(db, "{}", &s), "given_name", s);
    VALIDATES(crm_lead_create(db, "{\"email\": \"nope\"}", &s), "email", s);
    OK(crm_lead_create(db, new_lead, &s));
    CHECK(contains(s, "\"email\":\"ilze@liepa.lv\"") && contains(s, "\"status\":\"new\""));
    CHECK(json_text(s, "id", lead, sizeof lead));
    crm_string_free(s);
    OK(crm_lead_create(db, "{\"company_name\":\"Ozols AS\"}", &s));
    CHECK(json_text(s, "id", lead2, sizeof lead2));
    crm_string_free(s);

    /* crm_lead_get */
    NUL(crm_lead_get(NULL, lead, &s), "db");
    NUL(crm_lead_get(db, NULL, &s), "id");
    NUL(crm_lead_get(db, lead, NULL), "out_lead_json");
    FAILS_UNTOUCHED(crm_lead_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_lead_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_lead_get(db, lead, &s));
    CHECK(contains(s, "\"country\":\"LV\""));
    crm_string_free(s);

    /* crm_lead_list */
    NUL(crm_lead_list(NULL, NULL, 10, &page), "db");
    NUL(crm_lead_list(db, NULL, 10, NULL), "out_page");
    FAILS_UNTOUCHED(crm_lead_list(db, BAD_UTF8, 10, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_lead_list(db, "hot", 10, &page), CRM_INVALID_ARGUMENT, page);
    CHECK(field_is("status"));
    FAILS_UNTOUCHED(crm_lead_list(db, NULL, 0, &page), CRM_VALIDATION, page);
    CHECK(page_len_of(crm_lead_list(db, NULL, 10, &page), &page) == 2);
    CHECK(page_len_of(crm_lead_list(db, "new", 1, &page), &page) == 1);
    CHECK(page_len_of(crm_lead_list(db, "working", 10, &page), &page) == 0);

    /* crm_lead_update */
    NUL(crm_lead_update(NULL, lead, 1, "{}", &s), "db");
    NUL(crm_lead_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_lead_update(db, lead, 1, NULL, &s), "patch_json");
    NUL(crm_lead_update(db, lead, 1, "{}", NULL), "out_lead_json");
    FAILS_UNTOUCHED(crm_lead_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_update(db, lead, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_update(db, lead, 1, "{\"status\": \"hot\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_lead_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_lead_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_lead_update(db, lead, 3, "{}", &s), CRM_CONFLICT, s);
    VALIDATES(crm_lead_update(db, lead, 1, "{\"status\": \"converted\"}", &s), "status", s);
    VALIDATES(crm_lead_update(db, lead, 1, "{\"status\": \"disqualified\"}", &s),
              "disqualify_reason", s);
    OK(crm_lead_update(db, lead, 1, "{\"status\": \"working\", \"owner\": \"maija\"}", &s));
    CHECK(contains(s, "\"status\":\"working\"") && json_int(s, "version") == 2);
    crm_string_free(s);

    /* Score rules */
    NUL(crm_lead_score_rules_get(NULL, &s), "db");
    NUL(crm_lead_score_rules_get(db, NULL), "out_rules_json");
    NUL(crm_lead_score_rules_set(NULL, "[]"), "db");
    NUL(crm_lead_score_rules_set(db, NULL), "rules_json");
    EXPECT(crm_lead_score_rules_set(db, BAD_UTF8), CRM_INVALID_UTF8);
    EXPECT(crm_lead_score_rules_set(db, "{}"), CRM_INVALID_JSON);
    EXPECT(crm_lead_score_rules_set(db, "[{\"condition\": \"is_nice\", \"points\": 1}]"),
           CRM_INVALID_JSON);
    EXPECT(crm_lead_score_rules_set(db, "[{\"condition\": \"has_email\", \"points\": 5000}]"),
           CRM_VALIDATION);
    CHECK(field_is("rules[0].points"));
    OK(crm_lead_score_rules_get(db, &s));
    CHECK(s && s[0] == '['); /* the default rules */
    crm_string_free(s);
    OK(crm_lead_score_rules_set(db, "[{\"condition\": \"has_email\", \"points\": 10}, "
                                    "{\"condition\": {\"source\": \"web\"}, \"points\": 5}]"));
    OK(crm_lead_score_rules_get(db, &s));
    CHECK(contains(s, "\"has_email\"") && contains(s, "\"points\":5"));
    crm_string_free(s);
    OK(crm_lead_get(db, lead, &s));
    CHECK(json_int(s, "score") == 15); /* rescored */
    crm_string_free(s);

    /* Pipelines */
    NUL(crm_pipeline_create(NULL, PIPELINE_B2B, &s), "db");
    NUL(crm_pipeline_create(db, NULL, &s), "new_pipeline_json");
    NUL(crm_pipeline_create(db, PIPELINE_B2B, NULL), "out_pipeline_json");
    FAILS_UNTOUCHED(crm_pipeline_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_pipeline_create(db, "{\"name\": \"X\"}", &s), CRM_INVALID_JSON, s);
    VALIDATES(crm_pipeline_create(
                  db, "{\"name\":\"X\",\"stages\":[{\"name\":\"A\",\"probability\":10}]}", &s),
              "stages", s);
    VALIDATES(crm_pipeline_create(db,
                                  "{\"name\":\"X\",\"stages\":[{\"name\":\"A\",\"probability\":"
                                  "150},{\"name\":\"W\",\"probability\":100,\"outcome\":\"won\"}]}",
                                  &s),
              "stages[0].probability", s);
    OK(crm_pipeline_create(db, PIPELINE_B2B, &s));
    CHECK(json_text(s, "id", b2b, sizeof b2b));
    crm_string_free(s);
    VALIDATES(crm_pipeline_create(db, PIPELINE_B2B, &s), "name", s);
    OK(crm_pipeline_create(db, PIPELINE_RETAIL, &s));
    CHECK(json_text(s, "id", retail, sizeof retail));
    crm_string_free(s);

    NUL(crm_pipeline_get(NULL, b2b, &s), "db");
    NUL(crm_pipeline_get(db, NULL, &s), "id");
    NUL(crm_pipeline_get(db, b2b, NULL), "out_pipeline_json");
    FAILS_UNTOUCHED(crm_pipeline_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_pipeline_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_pipeline_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_pipeline_get(db, b2b, &s));
    CHECK(contains(s, "\"name\":\"Offer\""));
    crm_string_free(s);

    NUL(crm_pipeline_list(NULL, &page), "db");
    NUL(crm_pipeline_list(db, NULL), "out_page");
    OK(crm_pipeline_list(db, &page));
    CHECK(crm_page_len(page) == 2);
    const char *pname = NULL;
    OK(crm_page_item_str(page, 1, "name", &pname));
    CHECK(streq(pname, "Retail"));
    crm_page_free(page);

    NUL(crm_pipeline_stage_id(NULL, b2b, "Won", &id), "db");
    NUL(crm_pipeline_stage_id(db, NULL, "Won", &id), "pipeline_id");
    NUL(crm_pipeline_stage_id(db, b2b, NULL, &id), "stage_name");
    NUL(crm_pipeline_stage_id(db, b2b, "Won", NULL), "out_stage_id");
    FAILS_UNTOUCHED(crm_pipeline_stage_id(db, BAD_UTF8, "Won", &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_pipeline_stage_id(db, b2b, BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_pipeline_stage_id(db, NOT_A_UUID, "Won", &id), CRM_INVALID_ARGUMENT, id);
    FAILS_UNTOUCHED(crm_pipeline_stage_id(db, UNKNOWN_ID, "Won", &id), CRM_NOT_FOUND, id);
    FAILS_UNTOUCHED(crm_pipeline_stage_id(db, b2b, "Dreaming", &id), CRM_NOT_FOUND, id);
    CHECK(field_is("stage_name"));
    OK(crm_pipeline_stage_id(db, b2b, "Won", &id));
    snprintf(won_b2b, sizeof won_b2b, "%s", id);
    crm_string_free(id);
    OK(crm_pipeline_stage_id(db, b2b, "Offer", &id));
    snprintf(offer, sizeof offer, "%s", id);
    crm_string_free(id);
    OK(crm_pipeline_stage_id(db, retail, "Open", &id));
    snprintf(open_retail, sizeof open_retail, "%s", id);
    crm_string_free(id);

    /* crm_lead_convert, with an opportunity; converting twice fails. */
    snprintf(buf, sizeof buf,
             "{\"opportunity\":{\"pipeline_id\":\"%s\",\"amount\":{\"amount\":500000,"
             "\"currency\":\"EUR\"}}}",
             b2b);
    NUL(crm_lead_convert(NULL, lead, 2, buf, &s, &s2), "db");
    NUL(crm_lead_convert(db, NULL, 2, buf, &s, &s2), "id");
    NUL(crm_lead_convert(db, lead, 2, NULL, &s, &s2), "conversion_json");
    NUL(crm_lead_convert(db, lead, 2, buf, NULL, &s2), "out_lead_json");
    NUL(crm_lead_convert(db, lead, 2, buf, &s, NULL), "out_opportunity_json");
    s2 = SENTINEL;
    FAILS_UNTOUCHED(crm_lead_convert(db, BAD_UTF8, 2, buf, &s, &s2), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_convert(db, lead, 2, BAD_UTF8, &s, &s2), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_lead_convert(db, lead, 2, "{\"person\": \"yes\"}", &s, &s2),
                    CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_lead_convert(db, NOT_A_UUID, 2, buf, &s, &s2), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_lead_convert(db, UNKNOWN_ID, 2, buf, &s, &s2), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_lead_convert(db, lead, 1, buf, &s, &s2), CRM_CONFLICT, s);
    VALIDATES(crm_lead_convert(db, lead, 2,
                               "{\"person\":{\"mode\":\"skip\"},\"organization\":{\"mode\":"
                               "\"skip\"}}",
                               &s, &s2),
              "person", s);
    CHECK(s2 == SENTINEL);
    OK(crm_lead_convert(db, lead, 2, buf, &s, &s2));
    CHECK(contains(s, "\"status\":\"converted\"") && json_int(s, "version") == 3);
    CHECK(s2 != NULL && s2 != SENTINEL && contains(s2, "\"amount\":500000"));
    if (s2 && s2 != SENTINEL) CHECK(json_text(s2, "id", opp, sizeof opp));
    crm_string_free(s);
    crm_string_free(s2);
    s2 = SENTINEL;
    VALIDATES(crm_lead_convert(db, lead, 3, buf, &s, &s2), "status", s); /* twice */
    CHECK(s2 == SENTINEL);
    OK(crm_lead_get(db, lead, &s));
    CHECK(json_int(s, "version") == 3); /* nothing changed */
    crm_string_free(s);
    CHECK(page_len_of(crm_opportunity_list(db, UNKNOWN_ID, &page), &page) == 0);
    /* Without an opportunity, NULL is written. */
    s2 = SENTINEL;
    OK(crm_lead_convert(db, lead2, 1, "{\"person\":{\"mode\":\"skip\"}}", &s, &s2));
    CHECK(s2 == NULL);
    CHECK(json_text(s, "organization_id", buf, sizeof buf));
    crm_string_free(s);
    acme = NULL;
    OK(crm_party_display_name(db, buf, &acme));
    CHECK(streq(acme, "Ozols AS"));
    crm_string_free(acme);
    acme = strdup(buf); /* the organization from the lead */

    /* crm_lead_interactions */
    snprintf(buf, sizeof buf,
             "{\"channel\":\"email\",\"subject\":\"Brochure\",\"participants\":[],"
             "\"lead_id\":\"%s\"}",
             lead);
    OK(crm_interaction_record(db, buf, &s));
    crm_string_free(s);
    NUL(crm_lead_interactions(NULL, lead, &page), "db");
    NUL(crm_lead_interactions(db, NULL, &page), "lead_id");
    NUL(crm_lead_interactions(db, lead, NULL), "out_page");
    FAILS_UNTOUCHED(crm_lead_interactions(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_lead_interactions(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    FAILS_UNTOUCHED(crm_lead_interactions(db, UNKNOWN_ID, &page), CRM_NOT_FOUND, page);
    CHECK(page_len_of(crm_lead_interactions(db, lead, &page), &page) == 1);
    CHECK(page_len_of(crm_lead_interactions(db, lead2, &page), &page) == 0);

    /* Opportunities */
    OK(crm_organization_create(db, "Gone SIA", NULL, &gone));
    OK(crm_party_archive(db, gone, 1, &v));
    char new_opp[1024];
    snprintf(new_opp, sizeof new_opp,
             "{\"name\":\"Ozols fit-out\",\"account_id\":\"%s\",\"pipeline_id\":\"%s\","
             "\"amount\":{\"amount\":200000,\"currency\":\"eur\"},\"expected_close\":"
             "\"2025-06-30\"}",
             acme, b2b);
    NUL(crm_opportunity_create(NULL, new_opp, &s), "db");
    NUL(crm_opportunity_create(db, NULL, &s), "new_opportunity_json");
    NUL(crm_opportunity_create(db, new_opp, NULL), "out_opportunity_json");
    FAILS_UNTOUCHED(crm_opportunity_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_create(db, "{\"name\": \"x\"}", &s), CRM_INVALID_JSON, s);
    snprintf(buf, sizeof buf,
             "{\"name\":\"x\",\"account_id\":\"%s\",\"pipeline_id\":\"%s\",\"amount\":"
             "{\"amount\":-1,\"currency\":\"EUR\"}}",
             acme, b2b);
    VALIDATES(crm_opportunity_create(db, buf, &s), "amount", s);
    snprintf(buf, sizeof buf,
             "{\"name\":\"x\",\"account_id\":\"%s\",\"pipeline_id\":\"%s\",\"amount\":"
             "{\"amount\":1,\"currency\":\"EUR\"}}",
             gone, b2b);
    VALIDATES(crm_opportunity_create(db, buf, &s), "account_id", s);
    snprintf(buf, sizeof buf,
             "{\"name\":\"x\",\"account_id\":\"%s\",\"pipeline_id\":\"%s\",\"stage_id\":\"%s\","
             "\"amount\":{\"amount\":1,\"currency\":\"EUR\"}}",
             acme, b2b, open_retail);
    VALIDATES(crm_opportunity_create(db, buf, &s), "stage_id", s);
    snprintf(buf, sizeof buf,
             "{\"name\":\"x\",\"account_id\":\"" UNKNOWN_ID "\",\"pipeline_id\":\"%s\","
             "\"amount\":{\"amount\":1,\"currency\":\"EUR\"}}",
             b2b);
    FAILS_UNTOUCHED(crm_opportunity_create(db, buf, &s), CRM_NOT_FOUND, s);
    CHECK(page_len_of(crm_opportunity_list(db, acme, &page), &page) == 0); /* nothing created */
    OK(crm_opportunity_create(db, new_opp, &s));
    CHECK(contains(s, "\"currency\":\"EUR\"") && contains(s, "\"weighted_amount\":20000"));
    char opp2[64] = "";
    CHECK(json_text(s, "id", opp2, sizeof opp2));
    crm_string_free(s);

    NUL(crm_opportunity_get(NULL, opp2, &s), "db");
    NUL(crm_opportunity_get(db, NULL, &s), "id");
    NUL(crm_opportunity_get(db, opp2, NULL), "out_opportunity_json");
    FAILS_UNTOUCHED(crm_opportunity_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_opportunity_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_opportunity_get(db, opp2, &s));
    CHECK(contains(s, "\"name\":\"Ozols fit-out\""));
    crm_string_free(s);

    NUL(crm_opportunity_list(NULL, acme, &page), "db");
    NUL(crm_opportunity_list(db, NULL, &page), "account_id");
    NUL(crm_opportunity_list(db, acme, NULL), "out_page");
    FAILS_UNTOUCHED(crm_opportunity_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_opportunity_list(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    OK(crm_opportunity_list(db, acme, &page));
    CHECK(crm_page_len(page) == 1);
    int64_t amount = 0;
    OK(crm_page_item_int(page, 0, "amount.amount", &amount)); /* a nested field */
    CHECK(amount == 200000);
    const char *cur = NULL;
    OK(crm_page_item_str(page, 0, "amount.currency", &cur));
    CHECK(streq(cur, "EUR"));
    EXPECT(crm_page_item_str(page, 0, "amount.colour", &cur), CRM_NOT_FOUND);
    crm_page_free(page);

    NUL(crm_opportunity_update(NULL, opp2, 1, "{}", &s), "db");
    NUL(crm_opportunity_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_opportunity_update(db, opp2, 1, NULL, &s), "patch_json");
    NUL(crm_opportunity_update(db, opp2, 1, "{}", NULL), "out_opportunity_json");
    FAILS_UNTOUCHED(crm_opportunity_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_update(db, opp2, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_update(db, opp2, 1, "{\"amount\": 5}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_opportunity_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_opportunity_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_opportunity_update(db, opp2, 4, "{}", &s), CRM_CONFLICT, s);
    VALIDATES(crm_opportunity_update(db, opp2, 1, "{\"probability\": 150}", &s), "probability", s);
    OK(crm_opportunity_update(db, opp2, 1, "{\"probability\": 60, \"owner\": \"maija\"}", &s));
    CHECK(contains(s, "\"effective_probability\":60") && json_int(s, "version") == 2);
    crm_string_free(s);

    /* crm_opportunity_move: a stage of another pipeline changes nothing. */
    NUL(crm_opportunity_move(NULL, opp2, 2, offer, NULL, &s), "db");
    NUL(crm_opportunity_move(db, NULL, 2, offer, NULL, &s), "id");
    NUL(crm_opportunity_move(db, opp2, 2, NULL, NULL, &s), "stage_id");
    NUL(crm_opportunity_move(db, opp2, 2, offer, NULL, NULL), "out_opportunity_json");
    FAILS_UNTOUCHED(crm_opportunity_move(db, BAD_UTF8, 2, offer, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_move(db, opp2, 2, BAD_UTF8, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_opportunity_move(db, opp2, 2, offer, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    CHECK(field_is("reason"));
    FAILS_UNTOUCHED(crm_opportunity_move(db, opp2, 2, NOT_A_UUID, NULL, &s), CRM_INVALID_ARGUMENT,
                    s);
    CHECK(field_is("stage_id"));
    FAILS_UNTOUCHED(crm_opportunity_move(db, UNKNOWN_ID, 2, offer, NULL, &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_opportunity_move(db, opp2, 1, offer, NULL, &s), CRM_CONFLICT, s);
    VALIDATES(crm_opportunity_move(db, opp2, 2, open_retail, NULL, &s), "stage_id", s);
    OK(crm_opportunity_get(db, opp2, &s));
    CHECK(json_int(s, "version") == 2 && !contains(s, offer)); /* nothing changed */
    crm_string_free(s);
    OK(crm_opportunity_move(db, opp2, 2, offer, NULL, &s));
    CHECK(contains(s, "\"effective_probability\":60") && json_int(s, "version") == 3);
    crm_string_free(s);
    OK(crm_opportunity_move(db, opp2, 3, won_b2b, "signed", &s));
    CHECK(contains(s, "\"status\":\"won\"") && contains(s, "\"close_reason\":\"signed\""));
    crm_string_free(s);

    /* crm_pipeline_summary */
    NUL(crm_pipeline_summary(NULL, b2b, &s), "db");
    NUL(crm_pipeline_summary(db, NULL, &s), "pipeline_id");
    NUL(crm_pipeline_summary(db, b2b, NULL), "out_summary_json");
    FAILS_UNTOUCHED(crm_pipeline_summary(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_pipeline_summary(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_pipeline_summary(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_pipeline_summary(db, b2b, &s));
    CHECK(contains(s, "\"name\":\"B2B\"") && contains(s, "\"EUR\":200000"));
    crm_string_free(s);

    snprintf(customer_id, sizeof customer_id, "%s", acme);
    free(acme);
    crm_string_free(gone);
}

/* ------------------------------------------------- products, orders */

static size_t order_count(crm_db *db) {
    crm_page *page = NULL;
    return page_len_of(crm_order_list(db, "{\"limit\": 1000}", &page), &page);
}

static void test_catalog_orders(crm_db *db) {
    char *s = NULL, *id = NULL, *gone = NULL, buf[2048], usd_list[64] = "", order[64] = "",
         imported[64] = "";
    crm_page *page = NULL;
    int64_t v = 0, amount = 0;
    bool found = false;

    /* crm_product_create */
    const char *new_product = "{\"sku\":\"CHAIR-01\",\"name\":\"Office chair\","
                              "\"category\":\"furniture\"}";
    NUL(crm_product_create(NULL, new_product, &s), "db");
    NUL(crm_product_create(db, NULL, &s), "new_product_json");
    NUL(crm_product_create(db, new_product, NULL), "out_product_json");
    FAILS_UNTOUCHED(crm_product_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_create(db, "{\"sku\": 1}", &s), CRM_INVALID_JSON, s);
    VALIDATES(crm_product_create(db, "{\"sku\": \" \", \"name\": \"x\"}", &s), "sku", s);
    OK(crm_product_create(db, new_product, &s));
    CHECK(contains(s, "\"unit\":\"pcs\"") && contains(s, "\"active\":true"));
    CHECK(json_text(s, "id", chair, sizeof chair));
    crm_string_free(s);
    VALIDATES(crm_product_create(db, new_product, &s), "sku", s); /* the SKU exists */

    /* crm_product_add */
    NUL(crm_product_add(NULL, "DESK-01", "Desk", NULL, &id), "db");
    NUL(crm_product_add(db, NULL, "Desk", NULL, &id), "sku");
    NUL(crm_product_add(db, "DESK-01", NULL, NULL, &id), "name");
    NUL(crm_product_add(db, "DESK-01", "Desk", NULL, NULL), "out_id");
    FAILS_UNTOUCHED(crm_product_add(db, BAD_UTF8, "Desk", NULL, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_product_add(db, "DESK-01", BAD_UTF8, NULL, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_product_add(db, "DESK-01", "Desk", BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    VALIDATES(crm_product_add(db, "DESK-01", "", NULL, &id), "name", id);
    VALIDATES(crm_product_add(db, "CHAIR-01", "Again", NULL, &id), "sku", id);
    OK(crm_product_add(db, "DESK-01", "Desk", "furniture", &id));
    snprintf(desk, sizeof desk, "%s", id);
    crm_string_free(id);
    OK(crm_product_add(db, "PEN-01", "Pen", NULL, &id));
    char pen[64];
    snprintf(pen, sizeof pen, "%s", id);
    crm_string_free(id);

    /* crm_product_get, crm_product_by_sku, crm_product_id_by_sku */
    NUL(crm_product_get(NULL, chair, &s), "db");
    NUL(crm_product_get(db, NULL, &s), "id");
    NUL(crm_product_get(db, chair, NULL), "out_product_json");
    FAILS_UNTOUCHED(crm_product_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_product_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_product_get(db, chair, &s));
    CHECK(contains(s, "\"sku\":\"CHAIR-01\""));
    crm_string_free(s);
    NUL(crm_product_by_sku(NULL, "CHAIR-01", &s), "db");
    NUL(crm_product_by_sku(db, NULL, &s), "sku");
    NUL(crm_product_by_sku(db, "CHAIR-01", NULL), "out_product_json");
    FAILS_UNTOUCHED(crm_product_by_sku(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_by_sku(db, "NOPE-99", &s), CRM_NOT_FOUND, s);
    OK(crm_product_by_sku(db, "DESK-01", &s));
    CHECK(contains(s, desk));
    crm_string_free(s);
    NUL(crm_product_id_by_sku(NULL, "CHAIR-01", &id), "db");
    NUL(crm_product_id_by_sku(db, NULL, &id), "sku");
    NUL(crm_product_id_by_sku(db, "CHAIR-01", NULL), "out_id");
    FAILS_UNTOUCHED(crm_product_id_by_sku(db, BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_product_id_by_sku(db, "NOPE-99", &id), CRM_NOT_FOUND, id);
    OK(crm_product_id_by_sku(db, " CHAIR-01 ", &id));
    CHECK(streq(id, chair));
    crm_string_free(id);

    /* crm_product_update */
    NUL(crm_product_update(NULL, pen, 1, "{}", &s), "db");
    NUL(crm_product_update(db, NULL, 1, "{}", &s), "id");
    NUL(crm_product_update(db, pen, 1, NULL, &s), "patch_json");
    NUL(crm_product_update(db, pen, 1, "{}", NULL), "out_product_json");
    FAILS_UNTOUCHED(crm_product_update(db, BAD_UTF8, 1, "{}", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_update(db, pen, 1, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_update(db, pen, 1, "{\"active\": \"no\"}", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_product_update(db, NOT_A_UUID, 1, "{}", &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_product_update(db, UNKNOWN_ID, 1, "{}", &s), CRM_NOT_FOUND, s);
    FAILS_UNTOUCHED(crm_product_update(db, pen, 2, "{}", &s), CRM_CONFLICT, s);
    VALIDATES(crm_product_update(db, pen, 1, "{\"name\": \"\"}", &s), "name", s);
    OK(crm_product_update(db, pen, 1, "{\"active\": false, \"category\": \"office\"}", &s));
    CHECK(contains(s, "\"active\":false") && json_int(s, "version") == 2);
    crm_string_free(s);

    /* crm_product_list */
    NUL(crm_product_list(NULL, NULL, false, &page), "db");
    NUL(crm_product_list(db, NULL, false, NULL), "out_page");
    FAILS_UNTOUCHED(crm_product_list(db, BAD_UTF8, false, &page), CRM_INVALID_UTF8, page);
    CHECK(page_len_of(crm_product_list(db, NULL, false, &page), &page) == 2);
    CHECK(page_len_of(crm_product_list(db, NULL, true, &page), &page) == 3);
    CHECK(page_len_of(crm_product_list(db, "furniture", false, &page), &page) == 2);
    CHECK(page_len_of(crm_product_list(db, "office", false, &page), &page) == 0);

    /* Price lists */
    NUL(crm_price_list_create(NULL, "{}", &s), "db");
    NUL(crm_price_list_create(db, NULL, &s), "new_price_list_json");
    NUL(crm_price_list_create(db, "{}", NULL), "out_price_list_json");
    FAILS_UNTOUCHED(crm_price_list_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_price_list_create(db, "{\"name\": \"x\"}", &s), CRM_INVALID_JSON, s);
    VALIDATES(crm_price_list_create(db, "{\"name\": \"x\", \"currency\": \"EURO\"}", &s), "currency",
              s);
    OK(crm_price_list_create(db, "{\"name\": \"Retail EUR\", \"currency\": \"eur\"}", &s));
    CHECK(contains(s, "\"currency\":\"EUR\""));
    CHECK(json_text(s, "id", eur_list, sizeof eur_list));
    crm_string_free(s);
    VALIDATES(crm_price_list_create(db, "{\"name\": \"Retail EUR\", \"currency\": \"EUR\"}", &s),
              "name", s);
    OK(crm_price_list_create(db, "{\"name\": \"Export USD\", \"currency\": \"USD\"}", &s));
    CHECK(json_text(s, "id", usd_list, sizeof usd_list));
    crm_string_free(s);

    NUL(crm_price_list_get(NULL, eur_list, &s), "db");
    NUL(crm_price_list_get(db, NULL, &s), "id");
    NUL(crm_price_list_get(db, eur_list, NULL), "out_price_list_json");
    FAILS_UNTOUCHED(crm_price_list_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_price_list_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_price_list_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_price_list_get(db, eur_list, &s));
    CHECK(contains(s, "\"name\":\"Retail EUR\""));
    crm_string_free(s);
    NUL(crm_price_list_list(NULL, &page), "db");
    NUL(crm_price_list_list(db, NULL), "out_page");
    CHECK(page_len_of(crm_price_list_list(db, &page), &page) == 2);

    /* crm_price_list_set_price: a currency that differs from the list's
       changes nothing. */
    NUL(crm_price_list_set_price(NULL, eur_list, chair, 4999, "EUR"), "db");
    NUL(crm_price_list_set_price(db, NULL, chair, 4999, "EUR"), "price_list_id");
    NUL(crm_price_list_set_price(db, eur_list, NULL, 4999, "EUR"), "product_id");
    NUL(crm_price_list_set_price(db, eur_list, chair, 4999, NULL), "currency");
    EXPECT(crm_price_list_set_price(db, BAD_UTF8, chair, 4999, "EUR"), CRM_INVALID_UTF8);
    EXPECT(crm_price_list_set_price(db, eur_list, BAD_UTF8, 4999, "EUR"), CRM_INVALID_UTF8);
    EXPECT(crm_price_list_set_price(db, eur_list, chair, 4999, BAD_UTF8), CRM_INVALID_UTF8);
    EXPECT(crm_price_list_set_price(db, NOT_A_UUID, chair, 4999, "EUR"), CRM_INVALID_ARGUMENT);
    EXPECT(crm_price_list_set_price(db, UNKNOWN_ID, chair, 4999, "EUR"), CRM_NOT_FOUND);
    EXPECT(crm_price_list_set_price(db, eur_list, UNKNOWN_ID, 4999, "EUR"), CRM_NOT_FOUND);
    OK(crm_price_list_set_price(db, eur_list, chair, 4999, "EUR"));
    if (EXPECT(crm_price_list_set_price(db, eur_list, chair, 5999, "USD"), CRM_VALIDATION))
        CHECK(field_is("currency"));
    if (EXPECT(crm_price_list_set_price(db, eur_list, chair, -1, "EUR"), CRM_VALIDATION))
        CHECK(field_is("unit_price"));
    if (EXPECT(crm_price_list_set_price(db, eur_list, chair, 1, "EURO"), CRM_VALIDATION))
        CHECK(field_is("currency"));
    OK(crm_price_list_set_price(db, eur_list, desk, 25000, "eur"));
    OK(crm_price_list_set_price(db, usd_list, chair, 5500, "USD"));

    /* crm_product_price and crm_product_unit_price */
    NUL(crm_product_price(NULL, chair, NULL, NULL, "EUR", &s), "db");
    NUL(crm_product_price(db, NULL, NULL, NULL, "EUR", &s), "product_id");
    NUL(crm_product_price(db, chair, NULL, NULL, NULL, &s), "currency");
    NUL(crm_product_price(db, chair, NULL, NULL, "EUR", NULL), "out_quote_json");
    FAILS_UNTOUCHED(crm_product_price(db, BAD_UTF8, NULL, NULL, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_price(db, chair, BAD_UTF8, NULL, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_price(db, chair, NULL, BAD_UTF8, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_price(db, chair, NULL, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_product_price(db, chair, NOT_A_UUID, NULL, "EUR", &s), CRM_INVALID_ARGUMENT,
                    s);
    FAILS_UNTOUCHED(crm_product_price(db, chair, NULL, "31.12.2025", "EUR", &s),
                    CRM_INVALID_ARGUMENT, s);
    CHECK(field_is("date"));
    FAILS_UNTOUCHED(crm_product_price(db, UNKNOWN_ID, NULL, NULL, "EUR", &s), CRM_NOT_FOUND, s);
    VALIDATES(crm_product_price(db, chair, NULL, NULL, "EURO", &s), "currency", s);
    OK(crm_product_price(db, chair, customer_id, "2025-05-01", "EUR", &s));
    CHECK(contains(s, "\"unit_price\":{\"amount\":4999,\"currency\":\"EUR\"}"));
    CHECK(contains(s, eur_list));
    crm_string_free(s);
    s = SENTINEL;
    OK(crm_product_price(db, desk, NULL, NULL, "USD", &s));
    CHECK(s == NULL); /* no USD price for the desk */

    NUL(crm_product_unit_price(NULL, chair, NULL, NULL, "EUR", &amount, &found), "db");
    NUL(crm_product_unit_price(db, NULL, NULL, NULL, "EUR", &amount, &found), "product_id");
    NUL(crm_product_unit_price(db, chair, NULL, NULL, NULL, &amount, &found), "currency");
    NUL(crm_product_unit_price(db, chair, NULL, NULL, "EUR", NULL, &found), "out_amount");
    NUL(crm_product_unit_price(db, chair, NULL, NULL, "EUR", &amount, NULL), "out_found");
    amount = 7;
    EXPECT(crm_product_unit_price(db, BAD_UTF8, NULL, NULL, "EUR", &amount, &found),
           CRM_INVALID_UTF8);
    EXPECT(crm_product_unit_price(db, chair, NULL, "2025-02-30", "EUR", &amount, &found),
           CRM_INVALID_ARGUMENT);
    EXPECT(crm_product_unit_price(db, UNKNOWN_ID, NULL, NULL, "EUR", &amount, &found),
           CRM_NOT_FOUND);
    CHECK(amount == 7);
    OK(crm_product_unit_price(db, chair, NULL, NULL, "USD", &amount, &found));
    CHECK(found && amount == 5500);
    amount = 7;
    OK(crm_product_unit_price(db, pen, NULL, NULL, "EUR", &amount, &found));
    CHECK(!found && amount == 7);

    /* crm_order_create: a negative quantity, a currency other than the
       price list's, an archived customer: each changes nothing. */
    OK(crm_organization_create(db, "Archived SIA", NULL, &gone));
    OK(crm_party_archive(db, gone, 1, &v));
    size_t orders_before = order_count(db);
    char new_order[1024];
    snprintf(new_order, sizeof new_order,
             "{\"party_id\":\"%s\",\"currency\":\"EUR\",\"price_list_id\":\"%s\","
             "\"status\":\"placed\",\"lines\":[{\"product_id\":\"%s\",\"quantity\":2}]}",
             customer_id, eur_list, chair);
    NUL(crm_order_create(NULL, new_order, &s), "db");
    NUL(crm_order_create(db, NULL, &s), "new_order_json");
    NUL(crm_order_create(db, new_order, NULL), "out_order_json");
    FAILS_UNTOUCHED(crm_order_create(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_create(db, "{\"party_id\": ", &s), CRM_INVALID_JSON, s);
    FAILS_UNTOUCHED(crm_order_create(db,
                                     "{\"party_id\":\"" NOT_A_UUID "\",\"currency\":\"EUR\","
                                     "\"lines\":[]}",
                                     &s),
                    CRM_INVALID_JSON, s);
    snprintf(buf, sizeof buf,
             "{\"party_id\":\"%s\",\"currency\":\"EUR\",\"lines\":[{\"product_id\":\"%s\","
             "\"quantity\":-3}]}",
             customer_id, chair);
    VALIDATES(crm_order_create(db, buf, &s), "lines[0].quantity", s);
    snprintf(buf, sizeof buf,
             "{\"party_id\":\"%s\",\"currency\":\"EUR\",\"price_list_id\":\"%s\",\"lines\":"
             "[{\"product_id\":\"%s\",\"quantity\":1}]}",
             customer_id, usd_list, chair);
    VALIDATES(crm_order_create(db, buf, &s), "currency", s);
    snprintf(buf, sizeof buf,
             "{\"party_id\":\"%s\",\"currency\":\"EUR\",\"lines\":[{\"product_id\":\"%s\","
             "\"quantity\":1}]}",
             gone, chair);
    VALIDATES(crm_order_create(db, buf, &s), "party_id", s);
    snprintf(buf, sizeof buf,
             "{\"party_id\":\"%s\",\"currency\":\"EUR\",\"lines\":[]}", customer_id);
    VALIDATES(crm_order_create(db, buf, &s), "lines", s);
    snprintf(buf, sizeof buf,
             "{\"party_id\":\"" UNKNOWN_ID "\",\"currency\":\"EUR\",\"lines\":[{\"product_id\":"
             "\"%s\",\"quantity\":1}]}",
             chair);
    FAILS_UNTOUCHED(crm_order_create(db, buf, &s), CRM_NOT_FOUND, s);
    CHECK(order_count(db) == orders_before);
    OK(crm_order_create(db, new_order, &s));
    CHECK(json_int(s, "total") == 9998 && contains(s, "\"status\":\"placed\""));
    CHECK(json_text(s, "id", order, sizeof order));
    crm_string_free(s);
    CHECK(order_count(db) == orders_before + 1);

    /* crm_order_create_many: all or nothing */
    NUL(crm_order_create_many(NULL, "[]", &s), "db");
    NUL(crm_order_create_many(db, NULL, &s), "new_orders_json");
    NUL(crm_order_create_many(db, "[]", NULL), "out_orders_json");
    FAILS_UNTOUCHED(crm_order_create_many(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_create_many(db, new_order, &s), CRM_INVALID_JSON, s); /* not [] */
    snprintf(buf, sizeof buf,
             "[%s, {\"party_id\":\"%s\",\"currency\":\"EUR\",\"lines\":[{\"product_id\":"
             "\"%s\",\"quantity\":0}]}]",
             new_order, customer_id, desk);
    VALIDATES(crm_order_create_many(db, buf, &s), "orders[1].lines[0].quantity", s);
    CHECK(order_count(db) == orders_before + 1);
    snprintf(buf, sizeof buf,
             "[{\"party_id\":\"%s\",\"currency\":\"EUR\",\"status\":\"delivered\","
             "\"placed_at\":\"2025-01-10T10:00:00Z\",\"lines\":[{\"product_id\":\"%s\","
             "\"quantity\":1}]},{\"party_id\":\"%s\",\"currency\":\"EUR\",\"status\":\"paid\","
             "\"placed_at\":\"2025-02-10T10:00:00Z\",\"lines\":[{\"product_id\":\"%s\","
             "\"quantity\":1},{\"product_id\":\"%s\",\"quantity\":1}]}]",
             customer_id, desk, customer_id, desk, chair);
    OK(crm_order_create_many(db, buf, &s));
    CHECK(s && s[0] == '[' && contains(s, "\"total\":25000") && contains(s, "\"total\":29999"));
    crm_string_free(s);
    CHECK(order_count(db) == orders_before + 3);

    /* crm_order_import: created, unchanged, updated */
    crm_upsert_outcome outcome = (crm_upsert_outcome)0;
    char imp[1024];
    snprintf(imp, sizeof imp,
             "{\"external_id\":\"WS-1001\",\"channel\":\"web_shop\",\"party_id\":\"%s\","
             "\"currency\":\"EUR\",\"status\":\"placed\",\"placed_at\":"
             "\"2025-03-05T10:00:00Z\",\"lines\":[{\"description\":\"Delivery\",\"quantity\":1,"
             "\"unit_price\":1000,\"tax_rate_bp\":2100}]}",
             customer_id);
    NUL(crm_order_import(NULL, imp, &s, &outcome), "db");
    NUL(crm_order_import(db, NULL, &s, &outcome), "new_order_json");
    NUL(crm_order_import(db, imp, NULL, &outcome), "out_order_json");
    NUL(crm_order_import(db, imp, &s, NULL), "out_outcome");
    FAILS_UNTOUCHED(crm_order_import(db, BAD_UTF8, &s, &outcome), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_import(db, "[", &s, &outcome), CRM_INVALID_JSON, s);
    VALIDATES(crm_order_import(db, new_order, &s, &outcome), "external_id", s);
    CHECK(outcome == (crm_upsert_outcome)0);
    OK(crm_order_import(db, imp, &s, &outcome));
    CHECK(outcome == CRM_UPSERT_CREATED && json_int(s, "total") == 1210);
    CHECK(json_text(s, "id", imported, sizeof imported));
    crm_string_free(s);
    OK(crm_order_import(db, imp, &s, &outcome));
    CHECK(outcome == CRM_UPSERT_UNCHANGED && contains(s, imported));
    crm_string_free(s);
    char imp_paid[1024];
    snprintf(imp_paid, sizeof imp_paid,
             "{\"external_id\":\"WS-1001\",\"channel\":\"web_shop\",\"party_id\":\"%s\","
             "\"currency\":\"EUR\",\"status\":\"shipped\",\"placed_at\":"
             "\"2025-03-05T10:00:00Z\",\"lines\":[{\"description\":\"Delivery\",\"quantity\":1,"
             "\"unit_price\":1000,\"tax_rate_bp\":2100}]}",
             customer_id);
    OK(crm_order_import(db, imp_paid, &s, &outcome));
    CHECK(outcome == CRM_UPSERT_UPDATED && contains(s, "\"status\":\"shipped\""));
    crm_string_free(s);
    /* A shipped order cannot be imported back to draft. */
    outcome = (crm_upsert_outcome)0;
    snprintf(buf, sizeof buf,
             "{\"external_id\":\"WS-1001\",\"channel\":\"web_shop\",\"party_id\":\"%s\","
             "\"currency\":\"EUR\",\"status\":\"draft\",\"lines\":[{\"description\":"
             "\"Delivery\",\"quantity\":1,\"unit_price\":1000}]}",
             customer_id);
    VALIDATES(crm_order_import(db, buf, &s, &outcome), "status", s);
    CHECK(outcome == (crm_upsert_outcome)0);
    CHECK(order_count(db) == orders_before + 4);

    /* crm_order_get, crm_order_by_external_id, crm_order_version */
    NUL(crm_order_get(NULL, order, &s), "db");
    NUL(crm_order_get(db, NULL, &s), "id");
    NUL(crm_order_get(db, order, NULL), "out_order_json");
    FAILS_UNTOUCHED(crm_order_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_get(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_order_get(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_order_get(db, order, &s));
    CHECK(contains(s, "\"lines\":[{\"line_no\":1"));
    crm_string_free(s);
    NUL(crm_order_by_external_id(NULL, "web_shop", "WS-1001", &s), "db");
    NUL(crm_order_by_external_id(db, NULL, "WS-1001", &s), "channel");
    NUL(crm_order_by_external_id(db, "web_shop", NULL, &s), "external_id");
    NUL(crm_order_by_external_id(db, "web_shop", "WS-1001", NULL), "out_order_json");
    FAILS_UNTOUCHED(crm_order_by_external_id(db, BAD_UTF8, "WS-1001", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_by_external_id(db, "web_shop", BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_order_by_external_id(db, "carrier_pigeon", "WS-1001", &s),
                    CRM_INVALID_ARGUMENT, s);
    CHECK(field_is("channel"));
    FAILS_UNTOUCHED(crm_order_by_external_id(db, "store", "WS-1001", &s), CRM_NOT_FOUND, s);
    OK(crm_order_by_external_id(db, "web_shop", "WS-1001", &s));
    CHECK(contains(s, imported));
    crm_string_free(s);
    NUL(crm_order_version(NULL, order, &v), "db");
    NUL(crm_order_version(db, NULL, &v), "id");
    NUL(crm_order_version(db, order, NULL), "out_version");
    v = 42;
    EXPECT(crm_order_version(db, BAD_UTF8, &v), CRM_INVALID_UTF8);
    EXPECT(crm_order_version(db, NOT_A_UUID, &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_order_version(db, UNKNOWN_ID, &v), CRM_NOT_FOUND);
    CHECK(v == 42);
    OK(crm_order_version(db, order, &v));
    CHECK(v == 1);

    /* crm_order_set_status: along the road; delivered -> draft changes
       nothing. */
    NUL(crm_order_set_status(NULL, order, 1, "paid", &v), "db");
    NUL(crm_order_set_status(db, NULL, 1, "paid", &v), "id");
    NUL(crm_order_set_status(db, order, 1, NULL, &v), "status");
    NUL(crm_order_set_status(db, order, 1, "paid", NULL), "out_version");
    v = 42;
    EXPECT(crm_order_set_status(db, BAD_UTF8, 1, "paid", &v), CRM_INVALID_UTF8);
    EXPECT(crm_order_set_status(db, order, 1, BAD_UTF8, &v), CRM_INVALID_UTF8);
    EXPECT(crm_order_set_status(db, NOT_A_UUID, 1, "paid", &v), CRM_INVALID_ARGUMENT);
    EXPECT(crm_order_set_status(db, order, 1, "lost_in_post", &v), CRM_INVALID_ARGUMENT);
    CHECK(field_is("status"));
    EXPECT(crm_order_set_status(db, UNKNOWN_ID, 1, "paid", &v), CRM_NOT_FOUND);
    EXPECT(crm_order_set_status(db, order, 5, "paid", &v), CRM_CONFLICT);
    EXPECT(crm_order_set_status(db, order, 1, "delivered", &v), CRM_VALIDATION);
    CHECK(field_is("status"));
    CHECK(v == 42);
    OK(crm_order_set_status(db, order, 1, "paid", &v));
    OK(crm_order_set_status(db, order, v, "shipped", &v));
    OK(crm_order_set_status(db, order, v, "delivered", &v));
    CHECK(v == 4);
    if (EXPECT(crm_order_set_status(db, order, v, "draft", &v), CRM_VALIDATION))
        CHECK(field_is("status"));
    CHECK(v == 4);
    OK(crm_order_get(db, order, &s));
    CHECK(contains(s, "\"status\":\"delivered\"") && json_int(s, "version") == 4);
    crm_string_free(s);

    /* crm_order_total */
    char currency[8] = "xxxxxxx";
    int64_t total = 0;
    NUL(crm_order_total(NULL, order, &total, currency, sizeof currency), "db");
    NUL(crm_order_total(db, NULL, &total, currency, sizeof currency), "id");
    NUL(crm_order_total(db, order, NULL, currency, sizeof currency), "out_total");
    NUL(crm_order_total(db, order, &total, NULL, sizeof currency), "currency_buf");
    EXPECT(crm_order_total(db, BAD_UTF8, &total, currency, sizeof currency), CRM_INVALID_UTF8);
    EXPECT(crm_order_total(db, NOT_A_UUID, &total, currency, sizeof currency),
           CRM_INVALID_ARGUMENT);
    EXPECT(crm_order_total(db, UNKNOWN_ID, &total, currency, sizeof currency), CRM_NOT_FOUND);
    EXPECT(crm_order_total(db, order, &total, currency, 3), CRM_INVALID_ARGUMENT);
    CHECK(field_is("currency_buf_len"));
    CHECK(total == 0 && streq(currency, "xxxxxxx"));
    OK(crm_order_total(db, order, &total, currency, 4));
    CHECK(total == 9998 && streq(currency, "EUR"));

    /* crm_order_list, paged */
    NUL(crm_order_list(NULL, "{}", &page), "db");
    NUL(crm_order_list(db, NULL, &page), "query_json");
    NUL(crm_order_list(db, "{}", NULL), "out_page");
    FAILS_UNTOUCHED(crm_order_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_order_list(db, "{\"status\": \"lost\"}", &page), CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_order_list(db, "{\"limit\": 5000}", &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    FAILS_UNTOUCHED(crm_order_list(db, "{\"after\": \"nonsense\"}", &page), CRM_VALIDATION, page);
    snprintf(buf, sizeof buf, "{\"party_id\": \"%s\", \"limit\": 3}", customer_id);
    OK(crm_order_list(db, buf, &page));
    CHECK(crm_page_len(page) == 3);
    const char *cursor = NULL;
    OK(crm_page_next_cursor(page, &cursor));
    CHECK(cursor != NULL);
    char q[512];
    snprintf(q, sizeof q, "{\"party_id\": \"%s\", \"limit\": 3, \"after\": \"%s\"}", customer_id,
             cursor ? cursor : "");
    crm_page_free(page);
    OK(crm_order_list(db, q, &page));
    CHECK(crm_page_len(page) == 1);
    crm_page_free(page);
    CHECK(page_len_of(crm_order_list(db, "{\"status\": \"delivered\"}", &page), &page) == 2);

    crm_string_free(gone);
}

/* -------------------------------------------------- search, dedup */

static void test_search_dedup(void) {
    crm_db *db = NULL;
    char *s = NULL, *janis = NULL, *dup = NULL, *third = NULL, *id = NULL, merge_id[64] = "";
    crm_page *page = NULL, *cands = NULL;
    OK(crm_db_open_in_memory(&db));
    OK(crm_person_create(db, "Jānis", "Bērziņš", "janis@ozols.lv", "+371 2000 0101", &janis));
    OK(crm_person_create(db, "Janis", "Berzins", "JANIS@ozols.lv", NULL, &dup));
    OK(crm_organization_create(db, "Bērziņi un partneri", NULL, &third));

    /* crm_party_search */
    NUL(crm_party_search(NULL, "bērz", NULL, 10, &page), "db");
    NUL(crm_party_search(db, NULL, NULL, 10, &page), "text");
    NUL(crm_party_search(db, "bērz", NULL, 10, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_search(db, BAD_UTF8, NULL, 10, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_search(db, "bērz", BAD_UTF8, 10, &page), CRM_INVALID_UTF8, page);
    CHECK(field_is("filter_json"));
    FAILS_UNTOUCHED(crm_party_search(db, "bērz", "{\"kind\": \"robot\"}", 10, &page),
                    CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_search(db, " -:* ", NULL, 10, &page), CRM_VALIDATION, page);
    CHECK(field_is("text"));
    FAILS_UNTOUCHED(crm_party_search(db, "bērz", NULL, 5000, &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    OK(crm_party_search(db, "berz", NULL, 0, &page)); /* diacritics ignored */
    CHECK(crm_page_len(page) == 3);
    const char *name = NULL;
    OK(crm_page_item_str(page, 0, "party.display_name", &name));
    CHECK(name != NULL && strlen(name) > 0);
    crm_page_free(page);
    OK(crm_party_search(db, "bērz \"OR* NEAR(", NULL, 10, &page)); /* no query syntax */
    crm_page_free(page);
    OK(crm_party_search(db, "Bērz", "{\"kind\": \"organization\"}", 10, &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "party.display_name", &name));
    CHECK(streq(name, "Bērziņi un partneri"));
    crm_page_free(page);
    CHECK(page_len_of(crm_party_search(db, "ozols.lv", NULL, 1, &page), &page) == 1);

    /* crm_party_suggest: the hits of crm_party_search, light, same order */
    NUL(crm_party_suggest(NULL, "bērz", NULL, 10, &page), "db");
    NUL(crm_party_suggest(db, NULL, NULL, 10, &page), "text");
    NUL(crm_party_suggest(db, "bērz", NULL, 10, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_suggest(db, BAD_UTF8, NULL, 10, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_suggest(db, "bērz", BAD_UTF8, 10, &page), CRM_INVALID_UTF8, page);
    CHECK(field_is("filter_json"));
    FAILS_UNTOUCHED(crm_party_suggest(db, "bērz", "{\"kind\": \"robot\"}", 10, &page),
                    CRM_INVALID_JSON, page);
    CHECK(field_is("filter_json"));
    FAILS_UNTOUCHED(crm_party_suggest(db, "bērz", "{\"kind\":", 10, &page), CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_suggest(db, "", NULL, 10, &page), CRM_VALIDATION, page);
    CHECK(field_is("text"));
    FAILS_UNTOUCHED(crm_party_suggest(db, " -:* ", NULL, 10, &page), CRM_VALIDATION, page);
    CHECK(field_is("text"));
    FAILS_UNTOUCHED(crm_party_suggest(db, "bērz", NULL, 5000, &page), CRM_VALIDATION, page);
    CHECK(field_is("limit"));
    {
        static const char *const texts[] = {"berz", "Bērz", "ozols.lv", "jānis"};
        static const char *const filters[] = {NULL, "{\"kind\": \"person\"}"};
        for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
            for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
                crm_page *hits = NULL;
                OK(crm_party_search(db, texts[t], filters[f], 0, &hits));
                OK(crm_party_suggest(db, texts[t], filters[f], 0, &page));
                CHECK(crm_page_len(page) == crm_page_len(hits));
                CHECK(crm_page_len(page) > 0);
                for (size_t i = 0; i < crm_page_len(page) && i < crm_page_len(hits); i++) {
                    const char *want = NULL, *got = NULL, *want_score = NULL, *got_score = NULL;
                    OK(crm_page_item_str(hits, i, "party.id", &want));
                    OK(crm_page_item_str(page, i, "id", &got));
                    CHECK(streq(got, want));
                    OK(crm_page_item_str(hits, i, "party.display_name", &want));
                    OK(crm_page_item_str(page, i, "display_name", &got));
                    CHECK(streq(got, want));
                    OK(crm_page_item_str(hits, i, "party.kind", &want));
                    OK(crm_page_item_str(page, i, "kind", &got));
                    CHECK(streq(got, want));
                    OK(crm_page_item_str(hits, i, "score", &want_score));
                    OK(crm_page_item_str(page, i, "score", &got_score));
                    CHECK(streq(got_score, want_score));
                }
                crm_page_free(hits);
                crm_page_free(page);
            }
        }
    }
    OK(crm_party_suggest(db, "Bērz", "{\"kind\": \"organization\"}", 10, &page));
    CHECK(crm_page_len(page) == 1);
    OK(crm_page_item_str(page, 0, "display_name", &name));
    CHECK(streq(name, "Bērziņi un partneri"));
    OK(crm_page_item_str(page, 0, "id", &name));
    CHECK(streq(name, third));
    OK(crm_page_item_str(page, 0, "kind", &name));
    CHECK(streq(name, "organization"));
    crm_page_free(page);
    CHECK(page_len_of(crm_party_suggest(db, "ozols.lv", NULL, 1, &page), &page) == 1);

    /* crm_party_find_duplicates */
    NUL(crm_party_find_duplicates(NULL, NULL, NULL, &page), "db");
    NUL(crm_party_find_duplicates(db, NULL, NULL, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_find_duplicates(db, BAD_UTF8, NULL, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_find_duplicates(db, NULL, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_find_duplicates(db, "robot", NULL, &page), CRM_INVALID_ARGUMENT, page);
    CHECK(field_is("kind"));
    FAILS_UNTOUCHED(crm_party_find_duplicates(db, NULL, "{\"colour\": 1}", &page), CRM_INVALID_JSON,
                    page);
    FAILS_UNTOUCHED(crm_party_find_duplicates(db, NULL, "{\"blocking\": {\"window\": 0}}", &page),
                    CRM_VALIDATION, page);
    CHECK(field_is("config.blocking.window"));
    OK(crm_party_find_duplicates(db, "person", NULL, &page));
    CHECK(crm_page_len(page) == 1);
    const char *a = NULL, *b = NULL, *is_match = NULL;
    OK(crm_page_item_str(page, 0, "a", &a));
    OK(crm_page_item_str(page, 0, "b", &b));
    OK(crm_page_item_str(page, 0, "result.is_match", &is_match));
    CHECK((streq(a, janis) && streq(b, dup)) || (streq(a, dup) && streq(b, janis)));
    CHECK(streq(is_match, "true"));
    crm_page_free(page);
    CHECK(page_len_of(crm_party_find_duplicates(db, "organization", "{}", &page), &page) == 0);

    /* crm_party_possible_duplicates */
    const char *newp = "{\"given_name\": \"Jānis\", \"family_name\": \"Bērziņš\", "
                       "\"contact_points\": [{\"kind\": \"email\", \"address\": "
                       "\"janis@ozols.lv\"}]}";
    NUL(crm_party_possible_duplicates(NULL, newp, NULL, &page), "db");
    NUL(crm_party_possible_duplicates(db, NULL, NULL, &page), "new_party_json");
    NUL(crm_party_possible_duplicates(db, newp, NULL, NULL), "out_page");
    FAILS_UNTOUCHED(crm_party_possible_duplicates(db, BAD_UTF8, NULL, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_possible_duplicates(db, newp, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_party_possible_duplicates(db, "{\"kind\": 1}", NULL, &page),
                    CRM_INVALID_JSON, page);
    FAILS_UNTOUCHED(crm_party_possible_duplicates(db, newp, "{\"person\": {\"threshold\": 7}}", &page),
                    CRM_VALIDATION, page);
    OK(crm_party_possible_duplicates(db, newp, NULL, &page));
    CHECK(crm_page_len(page) == 2);
    crm_page_free(page);
    CHECK(page_len_of(crm_party_possible_duplicates(db, "{\"given_name\": \"Zz\"}", "{}", &page),
                      &page) == 0);

    /* crm_party_create_checked */
    uint64_t before = count_all(db);
    NUL(crm_party_create_checked(NULL, newp, NULL, true, &s, &cands), "db");
    NUL(crm_party_create_checked(db, NULL, NULL, true, &s, &cands), "new_party_json");
    NUL(crm_party_create_checked(db, newp, NULL, true, NULL, &cands), "out_party_json");
    NUL(crm_party_create_checked(db, newp, NULL, true, &s, NULL), "out_candidates");
    cands = SENTINEL;
    FAILS_UNTOUCHED(crm_party_create_checked(db, BAD_UTF8, NULL, true, &s, &cands), CRM_INVALID_UTF8,
                    s);
    FAILS_UNTOUCHED(crm_party_create_checked(db, newp, "{", true, &s, &cands), CRM_INVALID_JSON, s);
    VALIDATES(crm_party_create_checked(db, newp, NULL, true, &s, &cands), "duplicates", s);
    CHECK(cands == SENTINEL);
    VALIDATES(crm_party_create_checked(db, "{\"kind\": \"person\"}", NULL, false, &s, &cands),
              "display_name", s);
    CHECK(cands == SENTINEL && count_all(db) == before);
    OK(crm_party_create_checked(db, newp, NULL, false, &s, &cands));
    CHECK(contains(s, "\"given_name\":\"Jānis\"") && crm_page_len(cands) == 2);
    char checked[64] = "";
    CHECK(json_text(s, "id", checked, sizeof checked));
    crm_string_free(s);
    crm_page_free(cands);
    OK(crm_party_create_checked(db, "{\"legal_name\": \"Unique Things AS\", \"kind\": "
                                    "\"organization\"}",
                                NULL, true, &s, &cands));
    CHECK(crm_page_len(cands) == 0);
    crm_string_free(s);
    crm_page_free(cands);
    CHECK(count_all(db) == before + 2);

    /* crm_party_merge */
    char req[512];
    snprintf(req, sizeof req, "{\"survivor_id\": \"%s\", \"merged_ids\": [\"%s\"]}", janis, dup);
    NUL(crm_party_merge(NULL, req, &s), "db");
    NUL(crm_party_merge(db, NULL, &s), "merge_request_json");
    NUL(crm_party_merge(db, req, NULL), "out_outcome_json");
    FAILS_UNTOUCHED(crm_party_merge(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_party_merge(db, "{\"survivor_id\": 5}", &s), CRM_INVALID_JSON, s);
    char bad[512];
    snprintf(bad, sizeof bad, "{\"survivor_id\": \"%s\", \"merged_ids\": []}", janis);
    VALIDATES(crm_party_merge(db, bad, &s), "merged_ids", s);
    snprintf(bad, sizeof bad, "{\"survivor_id\": \"%s\", \"merged_ids\": [\"%s\"]}", janis, janis);
    VALIDATES(crm_party_merge(db, bad, &s), "merged_ids[0]", s);
    snprintf(bad, sizeof bad, "{\"survivor_id\": \"%s\", \"merged_ids\": [\"" UNKNOWN_ID "\"]}",
             janis);
    FAILS_UNTOUCHED(crm_party_merge(db, bad, &s), CRM_NOT_FOUND, s);
    OK(crm_party_merge(db, req, &s));
    CHECK(json_text(s, "merge_id", merge_id, sizeof merge_id));
    CHECK(json_int(s, "contact_points_folded") == 1);
    crm_string_free(s);

    /* crm_merge_list */
    NUL(crm_merge_list(NULL, janis, &page), "db");
    NUL(crm_merge_list(db, NULL, &page), "survivor_id");
    NUL(crm_merge_list(db, janis, NULL), "out_page");
    FAILS_UNTOUCHED(crm_merge_list(db, BAD_UTF8, &page), CRM_INVALID_UTF8, page);
    FAILS_UNTOUCHED(crm_merge_list(db, NOT_A_UUID, &page), CRM_INVALID_ARGUMENT, page);
    OK(crm_merge_list(db, janis, &page));
    CHECK(crm_page_len(page) == 1);
    const char *mid = NULL;
    OK(crm_page_item_str(page, 0, "id", &mid));
    CHECK(streq(mid, merge_id));
    crm_page_free(page);

    /* crm_merge_undo */
    NUL(crm_merge_undo(NULL, merge_id, &s), "db");
    NUL(crm_merge_undo(db, NULL, &s), "merge_id");
    NUL(crm_merge_undo(db, merge_id, NULL), "out_party_json");
    FAILS_UNTOUCHED(crm_merge_undo(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_merge_undo(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_merge_undo(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    OK(crm_merge_undo(db, merge_id, &s));
    CHECK(contains(s, janis));
    crm_string_free(s);
    VALIDATES(crm_merge_undo(db, merge_id, &s), "merge_id", s); /* undone already */
    OK(crm_party_display_name(db, dup, &s)); /* back */
    CHECK(streq(s, "Janis Berzins"));
    crm_string_free(s);

    /* crm_party_merge_into */
    NUL(crm_party_merge_into(NULL, janis, checked, &id), "db");
    NUL(crm_party_merge_into(db, NULL, checked, &id), "survivor_id");
    NUL(crm_party_merge_into(db, janis, NULL, &id), "merged_id");
    NUL(crm_party_merge_into(db, janis, checked, NULL), "out_merge_id");
    FAILS_UNTOUCHED(crm_party_merge_into(db, BAD_UTF8, checked, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_party_merge_into(db, janis, BAD_UTF8, &id), CRM_INVALID_UTF8, id);
    FAILS_UNTOUCHED(crm_party_merge_into(db, janis, NOT_A_UUID, &id), CRM_INVALID_ARGUMENT, id);
    VALIDATES(crm_party_merge_into(db, janis, janis, &id), "merged_ids[0]", id);
    FAILS_UNTOUCHED(crm_party_merge_into(db, janis, UNKNOWN_ID, &id), CRM_NOT_FOUND, id);
    OK(crm_party_merge_into(db, janis, checked, &id));
    CHECK(id && strlen(id) == 36);
    crm_string_free(id);
    CHECK(page_len_of(crm_merge_list(db, janis, &page), &page) == 2);

    crm_string_free(janis);
    crm_string_free(dup);
    crm_string_free(third);
    crm_db_free(db);
}

/* -------------------------------------------------------- analytics */

/* Every analytics call: NULL in each pointer, bad input, and a JSON result. */
static void test_analytics(crm_db *db) {
    char *s = NULL;
    crm_db *empty = NULL;
    OK(crm_db_open_in_memory(&empty));

    /* crm_analytics_funnel */
    NUL(crm_analytics_funnel(NULL, b2b, NULL, NULL, NULL, &s), "db");
    NUL(crm_analytics_funnel(db, NULL, NULL, NULL, NULL, &s), "pipeline_id");
    NUL(crm_analytics_funnel(db, b2b, NULL, NULL, NULL, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_funnel(db, BAD_UTF8, NULL, NULL, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_funnel(db, b2b, BAD_UTF8, NULL, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_funnel(db, b2b, NULL, BAD_UTF8, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_funnel(db, b2b, NULL, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_funnel(db, NOT_A_UUID, NULL, NULL, NULL, &s),
                    CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_analytics_funnel(db, b2b, "last week", NULL, NULL, &s),
                    CRM_INVALID_ARGUMENT, s);
    CHECK(field_is("from"));
    FAILS_UNTOUCHED(crm_analytics_funnel(db, b2b, NULL, NULL, "weekday", &s), CRM_INVALID_ARGUMENT,
                    s);
    CHECK(field_is("group"));
    FAILS_UNTOUCHED(crm_analytics_funnel(db, UNKNOWN_ID, NULL, NULL, NULL, &s), CRM_NOT_FOUND, s);
    OK(crm_analytics_funnel(db, b2b, NULL, NULL, NULL, &s));
    CHECK(s && s[0] == '[' && contains(s, "\"opportunities\":2"));
    crm_string_free(s);
    OK(crm_analytics_funnel(db, b2b, "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "owner", &s));
    CHECK(s && s[0] == '[');
    crm_string_free(s);

    /* crm_analytics_lead_funnel */
    NUL(crm_analytics_lead_funnel(NULL, NULL, NULL, NULL, &s), "db");
    NUL(crm_analytics_lead_funnel(db, NULL, NULL, NULL, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_lead_funnel(db, BAD_UTF8, NULL, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_lead_funnel(db, NULL, BAD_UTF8, NULL, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_lead_funnel(db, NULL, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_lead_funnel(db, NULL, "2025", NULL, &s), CRM_INVALID_ARGUMENT, s);
    VALIDATES(crm_analytics_lead_funnel(db, NULL, NULL, "weekday", &s), "group", s);
    OK(crm_analytics_lead_funnel(db, NULL, NULL, NULL, &s));
    CHECK(contains(s, "\"leads\":2") && contains(s, "\"converted\":2"));
    crm_string_free(s);
    OK(crm_analytics_lead_funnel(db, NULL, NULL, "source", &s));
    CHECK(contains(s, "\"group\":\"web\""));
    crm_string_free(s);

    /* crm_analytics_forecast */
    NUL(crm_analytics_forecast(NULL, NULL, &s), "db");
    NUL(crm_analytics_forecast(db, NULL, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_forecast(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_forecast(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    OK(crm_analytics_forecast(db, NULL, &s));
    CHECK(contains(s, "\"weighted_amount\":50000")); /* 500000 EUR at 10 % */
    crm_string_free(s);
    OK(crm_analytics_forecast(db, retail, &s));
    CHECK(streq(s, "[]"));
    crm_string_free(s);

    /* crm_analytics_revenue */
    NUL(crm_analytics_revenue(NULL, "{}", &s), "db");
    NUL(crm_analytics_revenue(db, NULL, &s), "query_json");
    NUL(crm_analytics_revenue(db, "{}", NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_revenue(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_revenue(db, "{\"period\": \"decade\"}", &s), CRM_INVALID_JSON, s);
    VALIDATES(crm_analytics_revenue(db, "{\"rates\": {\"USD\": -1}}", &s), "rates.USD", s);
    VALIDATES(crm_analytics_revenue(db, "{\"convert_to\": \"EURO\"}", &s), "currency", s);
    OK(crm_analytics_revenue(db, "{}", &s));
    CHECK(contains(s, "\"currency\":\"EUR\""));
    crm_string_free(s);
    OK(crm_analytics_revenue(db, "{\"by\": \"product\", \"period\": \"year\"}", &s));
    CHECK(contains(s, "\"period\":\"2025\""));
    crm_string_free(s);

    /* crm_analytics_cohorts */
    NUL(crm_analytics_cohorts(NULL, "EUR", 6, &s), "db");
    NUL(crm_analytics_cohorts(db, NULL, 6, &s), "currency");
    NUL(crm_analytics_cohorts(db, "EUR", 6, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_cohorts(db, BAD_UTF8, 6, &s), CRM_INVALID_UTF8, s);
    VALIDATES(crm_analytics_cohorts(db, "EUR", 0, &s), "months", s);
    VALIDATES(crm_analytics_cohorts(db, "EURO", 6, &s), "currency", s);
    OK(crm_analytics_cohorts(db, "EUR", 6, &s));
    CHECK(contains(s, "\"customers\":1"));
    crm_string_free(s);

    /* crm_analytics_rfm, crm_analytics_purchase_summaries */
    NUL(crm_analytics_rfm(NULL, NULL, "EUR", &s), "db");
    NUL(crm_analytics_rfm(db, NULL, NULL, &s), "currency");
    NUL(crm_analytics_rfm(db, NULL, "EUR", NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_rfm(db, BAD_UTF8, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_rfm(db, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_rfm(db, "2025-13-01", "EUR", &s), CRM_INVALID_ARGUMENT, s);
    CHECK(field_is("as_of"));
    VALIDATES(crm_analytics_rfm(db, NULL, "EURO", &s), "currency", s);
    OK(crm_analytics_rfm(db, "2025-12-31", "EUR", &s));
    CHECK(contains(s, customer_id) && contains(s, "\"segment\":"));
    crm_string_free(s);
    OK(crm_analytics_rfm(db, NULL, "USD", &s));
    CHECK(streq(s, "[]"));
    crm_string_free(s);
    NUL(crm_analytics_purchase_summaries(NULL, NULL, "EUR", &s), "db");
    NUL(crm_analytics_purchase_summaries(db, NULL, NULL, &s), "currency");
    NUL(crm_analytics_purchase_summaries(db, NULL, "EUR", NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_purchase_summaries(db, BAD_UTF8, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_purchase_summaries(db, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_purchase_summaries(db, "soon", "EUR", &s), CRM_INVALID_ARGUMENT,
                    s);
    VALIDATES(crm_analytics_purchase_summaries(db, NULL, "EURO", &s), "currency", s);
    OK(crm_analytics_purchase_summaries(db, "2025-12-31", "EUR", &s));
    CHECK(contains(s, customer_id) && contains(s, "\"first_purchase\":\"2025-01-10\""));
    crm_string_free(s);

    /* crm_analytics_fit_clv, crm_analytics_customer_values: no purchases
       in an empty base. */
    NUL(crm_analytics_fit_clv(NULL, NULL, "EUR", &s), "db");
    NUL(crm_analytics_fit_clv(db, NULL, NULL, &s), "currency");
    NUL(crm_analytics_fit_clv(db, NULL, "EUR", NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_fit_clv(db, BAD_UTF8, "EUR", &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_fit_clv(db, NULL, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_fit_clv(db, "2025-1-1x", "EUR", &s), CRM_INVALID_ARGUMENT, s);
    VALIDATES(crm_analytics_fit_clv(db, NULL, "EURO", &s), "currency", s);
    VALIDATES(crm_analytics_fit_clv(empty, NULL, "EUR", &s), "orders", s);
    crm_status st = crm_analytics_fit_clv(db, "2025-12-31", "EUR", &s);
    CHECK(st == CRM_OK || st == CRM_VALIDATION); /* one customer may not fit */
    if (st == CRM_OK) {
        CHECK(contains(s, "\"bgnbd\""));
        crm_string_free(s);
    }
    const char *creq = "{\"as_of\": \"2025-12-31\", \"currency\": \"EUR\"}";
    NUL(crm_analytics_customer_values(NULL, creq, &s), "db");
    NUL(crm_analytics_customer_values(db, NULL, &s), "request_json");
    NUL(crm_analytics_customer_values(db, creq, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_customer_values(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_customer_values(db, "{\"currency\": \"EUR\"}", &s),
                    CRM_INVALID_JSON, s);
    VALIDATES(crm_analytics_customer_values(db, "{\"as_of\": \"2025-12-31\", \"currency\": \"X\"}",
                                            &s),
              "currency", s);
    VALIDATES(crm_analytics_customer_values(empty, creq, &s), "orders", s);

    /* crm_analytics_churn_risk */
    NUL(crm_analytics_churn_risk(NULL, NULL, "EUR", 0.5, 2.0, &s), "db");
    NUL(crm_analytics_churn_risk(db, NULL, NULL, 0.5, 2.0, &s), "currency");
    NUL(crm_analytics_churn_risk(db, NULL, "EUR", 0.5, 2.0, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_churn_risk(db, BAD_UTF8, "EUR", 0.5, 2.0, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_churn_risk(db, NULL, BAD_UTF8, 0.5, 2.0, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_churn_risk(db, "x", "EUR", 0.5, 2.0, &s), CRM_INVALID_ARGUMENT, s);
    VALIDATES(crm_analytics_churn_risk(db, NULL, "EUR", 2.0, 2.0, &s), "threshold", s);
    st = crm_analytics_churn_risk(db, "2025-12-31", "EUR", 0.5, 2.0, &s);
    CHECK(st == CRM_OK || st == CRM_VALIDATION);
    if (st == CRM_OK) {
        CHECK(s && s[0] == '[');
        crm_string_free(s);
    }

    /* crm_analytics_next_best_offers, crm_analytics_evaluate_offers */
    NUL(crm_analytics_next_best_offers(NULL, customer_id, 3, &s), "db");
    NUL(crm_analytics_next_best_offers(db, NULL, 3, &s), "party_id");
    NUL(crm_analytics_next_best_offers(db, customer_id, 3, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_next_best_offers(db, BAD_UTF8, 3, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_next_best_offers(db, NOT_A_UUID, 3, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_analytics_next_best_offers(db, UNKNOWN_ID, 3, &s), CRM_NOT_FOUND, s);
    VALIDATES(crm_analytics_next_best_offers(db, customer_id, 0, &s), "k", s);
    OK(crm_analytics_next_best_offers(db, customer_id, 3, &s));
    CHECK(s && s[0] == '[');
    crm_string_free(s);
    NUL(crm_analytics_evaluate_offers(NULL, 3, &s), "db");
    NUL(crm_analytics_evaluate_offers(db, 3, NULL), "out_json");
    VALIDATES(crm_analytics_evaluate_offers(db, 101, &s), "k", s);
    OK(crm_analytics_evaluate_offers(db, 3, &s));
    CHECK(contains(s, "\"k\":3") && contains(s, "\"hit_rate\""));
    crm_string_free(s);

    /* crm_analytics_win_model, crm_analytics_predict_wins */
    NUL(crm_analytics_win_model(NULL, b2b, &s), "db");
    NUL(crm_analytics_win_model(db, NULL, &s), "pipeline_id");
    NUL(crm_analytics_win_model(db, b2b, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_win_model(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_win_model(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_analytics_win_model(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    st = crm_analytics_win_model(db, b2b, &s);
    CHECK(st == CRM_OK || st == CRM_VALIDATION); /* one closed opportunity */
    if (st == CRM_OK) crm_string_free(s);
    NUL(crm_analytics_predict_wins(NULL, b2b, &s), "db");
    NUL(crm_analytics_predict_wins(db, NULL, &s), "pipeline_id");
    NUL(crm_analytics_predict_wins(db, b2b, NULL), "out_json");
    FAILS_UNTOUCHED(crm_analytics_predict_wins(db, BAD_UTF8, &s), CRM_INVALID_UTF8, s);
    FAILS_UNTOUCHED(crm_analytics_predict_wins(db, NOT_A_UUID, &s), CRM_INVALID_ARGUMENT, s);
    FAILS_UNTOUCHED(crm_analytics_predict_wins(db, UNKNOWN_ID, &s), CRM_NOT_FOUND, s);
    st = crm_analytics_predict_wins(db, b2b, &s);
    CHECK(st == CRM_OK || st == CRM_VALIDATION);
    if (st == CRM_OK) crm_string_free(s);

    crm_db_free(empty);
}

int main(int argc, char **argv) {
    if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
    crm_db *db = NULL;

    test_misc();
    test_open();
    if (crm_db_open_in_memory(&db) != CRM_OK) {
        fprintf(stderr, "cannot open a base in memory: %s\n", crm_last_error_message());
        return 1;
    }
    test_parties(db);
    test_lists(db);
    test_contacts_roles_notes(db);
    test_fields(db);
    test_relationships(db);
    crm_db_free(db);
    db = NULL;
    if (crm_db_open_in_memory(&db) != CRM_OK) return 1;
    test_interactions(db);
    test_leads_pipelines(db);
    test_catalog_orders(db);
    test_analytics(db);
    crm_db_free(db);
    test_search_dedup();
    test_interaction_search();
    test_audit_events();
    test_busy();
    test_threads();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
