/*
 * The C test suite of libcrm: every function, every status it can return
 * from C, NULL in each pointer argument, invalid UTF-8, bad JSON, unknown
 * ids, stale versions, one crm_db shared by several threads.
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
    test_audit_events();
    test_busy();
    test_threads();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
