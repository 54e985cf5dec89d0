/*
 * The C tests of import and export: CSV import from files and buffers
 * (delimiters, a Windows-1251 file, rejects with line numbers, upserts, dry
 * runs, progress, bad options), saved mappings, JSON export and import of
 * the whole base and of a selection, vCard export and import; NULL in each
 * pointer argument, invalid UTF-8, bad JSON and I/O failures.
 *
 * Usage: test_io [scratch-directory]   (default: /tmp)
 * Prints "N passed, N failed" last; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <crm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;
static char dir[512] = "/tmp";
static char tmp[600]; /* a fresh directory made by mkdtemp in dir */

#define BAD_UTF8 "\xC3\x28"
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
#define NUL(call, field)                                              \
    do {                                                              \
        if (EXPECT(call, CRM_NULL_PARAMETER)) CHECK(field_is(field)); \
    } while (0)

/* A call failing with `want` whose output pointer `out` stays untouched. */
#define FAILS_UNTOUCHED(call, want, out)  \
    do {                                  \
        out = SENTINEL;                   \
        EXPECT(call, want);               \
        CHECK((void *)(out) == SENTINEL); \
    } while (0)

/* FAILS_UNTOUCHED that also checks the field at fault. */
#define FAILS_ON(call, want, field, out)  \
    do {                                  \
        FAILS_UNTOUCHED(call, want, out); \
        CHECK(field_is(field));           \
    } while (0)

static int streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }
static int contains(const char *hay, const char *needle) {
    return hay && needle && strstr(hay, needle) != NULL;
}

/* The first "key":<integer> of a compact JSON text; -999 if absent. */
static long long json_int(const char *json, const char *key) {
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p) return -999;
    return strtoll(p + strlen(pat), NULL, 10);
}

/* ------------------------------------------------------------- files */

static void tpath(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmp, name); }

static int write_bytes(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len;
}

/* The whole file, NUL-terminated (free it with free), or NULL. */
static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        if (n + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static int same_file(const char *a, const char *b) {
    size_t la = 0, lb = 0;
    char *x = read_all(a, &la), *y = read_all(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static int file_is(const char *path, const char *text) {
    char *s = read_all(path, NULL);
    int same = streq(s, text);
    free(s);
    return same;
}

static uint64_t count_of(crm_db *db, const char *filter) {
    uint64_t n = 0;
    OK(crm_party_count(db, filter ? filter : "{}", &n));
    return n;
}

/* The display name of the first search hit for `text`, into buf. */
static int first_hit(crm_db *db, const char *text, char *buf, size_t n) {
    crm_page *page = NULL;
    const char *name = NULL;
    int found = 0;
    if (crm_party_search(db, text, NULL, 5, &page) != CRM_OK) return 0;
    if (crm_page_len(page) > 0 && crm_page_item_str(page, 0, "party.display_name", &name) == CRM_OK) {
        snprintf(buf, n, "%s", name);
        found = 1;
    }
    crm_page_free(page);
    return found;
}

/* ---------------------------------------------------------------- CSV */

/* What the progress callback saw. */
struct progress {
    int calls;
    long long rows;
    int answer;
};

static int on_progress(const char *progress_json, void *user_data) {
    struct progress *p = user_data;
    p->calls++;
    p->rows = json_int(progress_json, "rows");
    return p->answer;
}

#define PEOPLE                                                                              \
    "{\"columns\":{\"First\":\"given_name\",\"Last\":\"family_name\",\"E-mail\":\"email\"," \
    "\"Tags\":\"tags\"},\"default_kind\":\"person\",\"key\":{\"by\":\"email\"}}"

static const char *OPTIONS_1251 =
    "{\"mapping\":" PEOPLE ",\"delimiter\":\";\",\"encoding\":\"windows-1251\",\"batch_size\":2}";

/* A ';'-separated file in Windows-1251: "Иван;Петров" written as its bytes. */
static const char CSV_1251[] = "First;Last;E-mail;Tags\n"
                               "Anna;Berzina;anna@acme.lv;vip\n"
                               "\xC8\xE2\xE0\xED;\xCF\xE5\xF2\xF0\xEE\xE2;ivan@mail.bg;\n"
                               "Bad;Email;not-an-email;\n"
                               "Kari;Nordmann;kari@fjord.no;vip\n";

static void test_csv(crm_db *db) {
    char csv[700], rejects[700], missing[700], nodir[700];
    char *report = NULL;
    struct progress prog = {0, 0, 0};
    tpath(csv, sizeof csv, "people-1251.csv");
    tpath(rejects, sizeof rejects, "rejects.csv");
    tpath(missing, sizeof missing, "no-such-file.csv");
    snprintf(nodir, sizeof nodir, "%s/no-such-dir/rejects.csv", tmp);
    CHECK(write_bytes(csv, CSV_1251, sizeof CSV_1251 - 1));

    /* NULL in each pointer argument (rejects_path, progress and user_data may be NULL). */
    NUL(crm_import_csv_file(NULL, csv, OPTIONS_1251, NULL, NULL, NULL, &report), "db");
    NUL(crm_import_csv_file(db, NULL, OPTIONS_1251, NULL, NULL, NULL, &report), "path");
    NUL(crm_import_csv_file(db, csv, NULL, NULL, NULL, NULL, &report), "options_json");
    NUL(crm_import_csv_file(db, csv, OPTIONS_1251, NULL, NULL, NULL, NULL), "out_report_json");
    NUL(crm_import_csv_buffer(NULL, "a\n", 2, OPTIONS_1251, NULL, NULL, NULL, &report), "db");
    NUL(crm_import_csv_buffer(db, NULL, 2, OPTIONS_1251, NULL, NULL, NULL, &report), "data");
    NUL(crm_import_csv_buffer(db, "a\n", 2, NULL, NULL, NULL, NULL, &report), "options_json");
    NUL(crm_import_csv_buffer(db, "a\n", 2, OPTIONS_1251, NULL, NULL, NULL, NULL),
        "out_report_json");
    FAILS_ON(crm_import_csv_file(db, BAD_UTF8, OPTIONS_1251, NULL, NULL, NULL, &report),
             CRM_INVALID_UTF8, "path", report);
    FAILS_ON(crm_import_csv_file(db, csv, BAD_UTF8, NULL, NULL, NULL, &report), CRM_INVALID_UTF8,
             "options_json", report);
    FAILS_ON(crm_import_csv_file(db, csv, OPTIONS_1251, BAD_UTF8, NULL, NULL, &report),
             CRM_INVALID_UTF8, "rejects_path", report);

    /* Bad options: malformed, an unknown key, a wrong type. */
    FAILS_ON(crm_import_csv_file(db, csv, "{", NULL, NULL, NULL, &report), CRM_INVALID_JSON,
             "options_json", report);
    FAILS_UNTOUCHED(crm_import_csv_file(db, csv, "{\"mapping\":" PEOPLE ",\"colour\":1}", NULL,
                                        NULL, NULL, &report),
                    CRM_INVALID_JSON, report);
    FAILS_UNTOUCHED(crm_import_csv_file(db, csv, "{\"mapping\":" PEOPLE ",\"dry_run\":\"yes\"}",
                                        NULL, NULL, NULL, &report),
                    CRM_INVALID_JSON, report);
    FAILS_UNTOUCHED(
        crm_import_csv_buffer(db, "a\n", 2, "[1]", NULL, NULL, NULL, &report), CRM_INVALID_JSON,
        report);

    /* A mapping to a field that does not exist, or from a column the file lacks; an
     * existing rejects file is left as it was. */
    CHECK(write_bytes(rejects, "keep", 4));
    FAILS_ON(crm_import_csv_file(db, csv, "{\"mapping\":{\"columns\":{\"First\":\"shoe_size\"}}}",
                                 rejects, NULL, NULL, &report),
             CRM_VALIDATION, "mapping.columns", report);
    CHECK(contains(crm_last_error_message(), "shoe_size"));
    FAILS_ON(crm_import_csv_file(db, csv, "{\"mapping\":{\"columns\":{\"Nope\":\"email\"}}}",
                                 rejects, NULL, NULL, &report),
             CRM_VALIDATION, "mapping.columns", report);
    FAILS_ON(crm_import_csv_file(db, csv,
                                 "{\"mapping\":" PEOPLE ",\"encoding\":\"klingon\"}", rejects,
                                 NULL, NULL, &report),
             CRM_VALIDATION, "encoding", report);
    CHECK(file_is(rejects, "keep"));
    CHECK(count_of(db, NULL) == 0);

    /* A missing file is an I/O error on `path`; so is a rejects file that cannot be made. */
    FAILS_ON(crm_import_csv_file(db, missing, OPTIONS_1251, NULL, NULL, NULL, &report), CRM_IO,
             "path", report);
    CHECK(contains(crm_last_error_message(), "no-such-file.csv"));
    FAILS_ON(crm_import_csv_file(db, tmp, OPTIONS_1251, NULL, NULL, NULL, &report), CRM_IO,
             "path", report); /* a directory */
    FAILS_ON(crm_import_csv_file(db, csv, "{\"mapping\":" PEOPLE ",\"dry_run\":true}", nodir,
                                 NULL, NULL, &report),
             CRM_IO, "rejects_path", report);
    CHECK(count_of(db, NULL) == 0);

    /* The import: ';', Windows-1251, one bad row on line 4, progress after each batch. */
    OK(crm_import_csv_file(db, csv, OPTIONS_1251, rejects, on_progress, &prog, &report));
    CHECK(json_int(report, "rows") == 4);
    CHECK(json_int(report, "created") == 3);
    CHECK(json_int(report, "rejected") == 1);
    CHECK(contains(report, "\"rejects\":[{\"line\":4,"));
    CHECK(contains(report, "\"encoding\":\"windows-1251\""));
    CHECK(contains(report, "\"delimiter\":\";\""));
    CHECK(contains(report, "\"rolled_back\":false"));
    crm_string_free(report);
    CHECK(prog.calls >= 2); /* batches of 2 */
    CHECK(prog.rows == 4);
    char *rej = read_all(rejects, NULL);
    CHECK(rej && strncmp(rej, "4,", 2) == 0 && contains(rej, "not-an-email"));
    free(rej);
    CHECK(count_of(db, NULL) == 3);
    char name[200] = "";
    CHECK(first_hit(db, "ivan@mail.bg", name, sizeof name) && streq(name, "Иван Петров"));

    /* The same file again, with a callback that returns nonzero: the import stops after
     * the first batch (two rows, both unchanged) and says so. */
    struct progress stop = {0, 0, 1};
    OK(crm_import_csv_file(db, csv, OPTIONS_1251, NULL, on_progress, &stop, &report));
    CHECK(contains(report, "\"stopped\":true") && contains(report, "\"rolled_back\":false"));
    CHECK(json_int(report, "rows") == 2 && json_int(report, "unchanged") == 2);
    crm_string_free(report);
    CHECK(stop.calls == 1 && stop.rows == 2);

    /* Again to the end: it updates nothing and creates nothing (the key is the email). */
    struct progress on = {0, 0, 0};
    OK(crm_import_csv_file(db, csv, OPTIONS_1251, NULL, on_progress, &on, &report));
    CHECK(contains(report, "\"stopped\":false"));
    CHECK(json_int(report, "created") == 0);
    CHECK(json_int(report, "unchanged") == 3);
    CHECK(json_int(report, "rejected") == 1);
    crm_string_free(report);
    CHECK(on.calls == 2 && on.rows == 4);
    CHECK(count_of(db, NULL) == 3);

    /* From a buffer (UTF-8, encoding and delimiter detected): one changed row updates. */
    const char *changed = "First;Last;E-mail;Tags\nKari;Nordmann;kari@fjord.no;vip,nordic\n";
    const char *opts = "{\"mapping\":" PEOPLE "}";
    OK(crm_import_csv_buffer(db, changed, strlen(changed), opts, NULL, NULL, NULL, &report));
    CHECK(json_int(report, "updated") == 1 && json_int(report, "created") == 0);
    CHECK(contains(report, "\"encoding\":\"UTF-8\"") && contains(report, "\"delimiter\":\";\""));
    crm_string_free(report);
    CHECK(count_of(db, "{\"tag\":\"nordic\"}") == 1);

    /* A dry run reports and writes nothing; the rejects file is rewritten (empty). */
    const char *more = "First,Last,E-mail,Tags\nLiis,Tamm,liis@tamm.ee,\nMari,Maasikas,mari@ee.ee,\n";
    OK(crm_import_csv_buffer(db, more, strlen(more),
                             "{\"mapping\":" PEOPLE ",\"dry_run\":true}", rejects, NULL, NULL,
                             &report));
    CHECK(json_int(report, "created") == 2);
    CHECK(contains(report, "\"rolled_back\":true"));
    CHECK(contains(report, "\"delimiter\":\",\""));
    crm_string_free(report);
    CHECK(count_of(db, NULL) == 3);
    CHECK(file_is(rejects, ""));

    /* All or nothing: one bad row, nothing written. */
    const char *mixed = "First;Last;E-mail;Tags\nLiis;Tamm;liis@tamm.ee;\nBad;Row;nope;\n";
    OK(crm_import_csv_buffer(db, mixed, strlen(mixed),
                             "{\"mapping\":" PEOPLE ",\"mode\":\"all_or_nothing\"}", NULL, NULL,
                             NULL, &report));
    CHECK(contains(report, "\"rolled_back\":true"));
    CHECK(contains(report, "\"line\":3"));
    crm_string_free(report);
    CHECK(count_of(db, NULL) == 3);

    /* A bulk load: the report says so, the rows are found by name and email. */
    const char *bulk = "First;Last;E-mail;Tags\nLiis;Tamm;liis@tamm.ee;bulk\nMari;Maasikas;mari@ee.ee;bulk\n";
    OK(crm_import_csv_buffer(db, bulk, strlen(bulk), "{\"mapping\":" PEOPLE ",\"load\":\"bulk\"}",
                             NULL, NULL, NULL, &report));
    CHECK(contains(report, "\"bulk\":true") && json_int(report, "created") == 2);
    crm_string_free(report);
    CHECK(count_of(db, "{\"tag\":\"bulk\"}") == 2);
    CHECK(first_hit(db, "mari@ee.ee", name, sizeof name) && streq(name, "Mari Maasikas"));
    /* An unknown way of loading is refused, and nothing is read. */
    FAILS_ON(crm_import_csv_buffer(db, bulk, strlen(bulk), "{\"mapping\":" PEOPLE ",\"load\":\"fast\"}",
                                   NULL, NULL, NULL, &report),
             CRM_INVALID_JSON, "options_json", report);
    CHECK(count_of(db, NULL) == 5);
}

/* ------------------------------------------------------------ mappings */

static void test_mappings(crm_db *db) {
    char *s = NULL, *report = NULL;

    NUL(crm_mapping_save(NULL, "people", PEOPLE), "db");
    NUL(crm_mapping_save(db, NULL, PEOPLE), "name");
    NUL(crm_mapping_save(db, "people", NULL), "mapping_json");
    NUL(crm_mapping_get(NULL, "people", &s), "db");
    NUL(crm_mapping_get(db, NULL, &s), "name");
    NUL(crm_mapping_get(db, "people", NULL), "out_json");
    EXPECT(crm_mapping_save(db, BAD_UTF8, PEOPLE), CRM_INVALID_UTF8);
    CHECK(field_is("name"));
    EXPECT(crm_mapping_save(db, "people", BAD_UTF8), CRM_INVALID_UTF8);
    CHECK(field_is("mapping_json"));
    EXPECT(crm_mapping_save(db, "people", "{\"columns\":[]}"), CRM_INVALID_JSON);
    CHECK(field_is("mapping_json"));
    EXPECT(crm_mapping_save(db, "people", "{\"columns\":{\"A\":\"shoe_size\"}}"), CRM_VALIDATION);
    CHECK(field_is("mapping.columns"));
    EXPECT(crm_mapping_save(db, "", PEOPLE), CRM_VALIDATION);
    CHECK(field_is("name"));
    FAILS_ON(crm_mapping_get(db, BAD_UTF8, &s), CRM_INVALID_UTF8, "name", s);
    FAILS_UNTOUCHED(crm_mapping_get(db, "people", &s), CRM_NOT_FOUND, s);

    OK(crm_mapping_save(db, "people", PEOPLE));
    OK(crm_mapping_get(db, "people", &s));
    CHECK(contains(s, "\"E-mail\":\"email\"") && contains(s, "\"by\":\"email\""));

    /* A saved mapping used as the mapping of an import. */
    char opts[1024];
    snprintf(opts, sizeof opts, "{\"mapping\":%s,\"delimiter\":\";\"}", s);
    crm_string_free(s);
    const char *row = "First;Last;E-mail;Tags\nAnna;Berzina;anna@acme.lv;vip\n";
    OK(crm_import_csv_buffer(db, row, strlen(row), opts, NULL, NULL, NULL, &report));
    CHECK(json_int(report, "unchanged") == 1);
    crm_string_free(report);

    /* Saving again replaces it. */
    OK(crm_mapping_save(db, "people", "{\"columns\":{\"Mail\":\"email\"}}"));
    OK(crm_mapping_get(db, "people", &s));
    CHECK(contains(s, "\"Mail\"") && !contains(s, "E-mail"));
    crm_string_free(s);
}

/* ---------------------------------------------------------------- JSON */

static void test_json(crm_db *db) {
    char a[700], b[700], sel[700], missing[700], nodir[700], latin[700];
    char *s = NULL, *report = NULL;
    uint64_t n = 0;
    crm_db *fresh = NULL, *other = NULL;
    tpath(a, sizeof a, "base-a.jsonl");
    tpath(b, sizeof b, "base-b.jsonl");
    tpath(sel, sizeof sel, "vip.jsonl");
    tpath(missing, sizeof missing, "no-such-file.jsonl");
    tpath(latin, sizeof latin, "latin1.jsonl");
    snprintf(nodir, sizeof nodir, "%s/no-such-dir/x.jsonl", tmp);

    /* NULL in each pointer argument (filter_json may be NULL). */
    NUL(crm_export_json_file(NULL, a), "db");
    NUL(crm_export_json_file(db, NULL), "path");
    NUL(crm_export_json(NULL, &s), "db");
    NUL(crm_export_json(db, NULL), "out_json");
    NUL(crm_export_parties_json_file(NULL, NULL, sel, &n), "db");
    NUL(crm_export_parties_json_file(db, NULL, NULL, &n), "path");
    NUL(crm_export_parties_json_file(db, NULL, sel, NULL), "out_count");
    NUL(crm_export_parties_json(NULL, NULL, &s, &n), "db");
    NUL(crm_export_parties_json(db, NULL, NULL, &n), "out_json");
    NUL(crm_export_parties_json(db, NULL, &s, NULL), "out_count");
    NUL(crm_import_json_file(NULL, a, &report), "db");
    NUL(crm_import_json_file(db, NULL, &report), "path");
    NUL(crm_import_json_file(db, a, NULL), "out_report_json");
    NUL(crm_import_json_buffer(NULL, "x", 1, &report), "db");
    NUL(crm_import_json_buffer(db, NULL, 1, &report), "data");
    NUL(crm_import_json_buffer(db, "x", 1, NULL), "out_report_json");
    EXPECT(crm_export_json_file(db, BAD_UTF8), CRM_INVALID_UTF8);
    CHECK(field_is("path"));
    n = 77;
    EXPECT(crm_export_parties_json_file(db, BAD_UTF8, sel, &n), CRM_INVALID_UTF8);
    CHECK(field_is("filter_json") && n == 77);
    EXPECT(crm_export_parties_json_file(db, "{\"colour\":1}", sel, &n), CRM_INVALID_JSON);
    CHECK(field_is("filter_json") && n == 77);
    EXPECT(crm_export_parties_json_file(db, NULL, BAD_UTF8, &n), CRM_INVALID_UTF8);
    CHECK(field_is("path") && n == 77);
    FAILS_ON(crm_export_parties_json(db, "{", &s, &n), CRM_INVALID_JSON, "filter_json", s);
    CHECK(n == 77);
    FAILS_ON(crm_import_json_file(db, BAD_UTF8, &report), CRM_INVALID_UTF8, "path", report);
    FAILS_ON(crm_import_json_buffer(db, BAD_UTF8, 2, &report), CRM_INVALID_UTF8, "data", report);

    /* I/O failures: a directory that does not exist, a missing file, a target that is a
     * directory (the temporary file is removed), a file that is not UTF-8. */
    EXPECT(crm_export_json_file(db, nodir), CRM_IO);
    CHECK(field_is("path"));
    EXPECT(crm_export_json_file(db, tmp), CRM_IO);
    CHECK(field_is("path"));
    FAILS_ON(crm_import_json_file(db, missing, &report), CRM_IO, "path", report);
    CHECK(write_bytes(latin, "{\"format\":\"cr\xE9\"}\n", 17));
    FAILS_ON(crm_import_json_file(db, latin, &report), CRM_IO, "path", report);
    n = 77;
    EXPECT(crm_export_parties_json_file(db, NULL, nodir, &n), CRM_IO);
    CHECK(field_is("path") && n == 77);

    /* The whole base: export, import into a fresh base, export again: the same bytes. */
    OK(crm_export_json_file(db, a));
    OK(crm_export_json(db, &s));
    char *file = read_all(a, NULL);
    CHECK(streq(file, s));
    CHECK(contains(s, "{\"format\":\"crm\",\"content\":\"base\""));
    free(file);
    OK(crm_db_open_in_memory(&fresh));
    OK(crm_import_json_file(fresh, a, &report));
    CHECK(json_int(report, "written") > 10);
    crm_string_free(report);
    OK(crm_export_json_file(fresh, b));
    CHECK(same_file(a, b));
    CHECK(count_of(fresh, NULL) == count_of(db, NULL));
    /* Into a base that is not empty: refused, nothing written. */
    FAILS_ON(crm_import_json_file(fresh, a, &report), CRM_VALIDATION, "base", report);
    /* From a buffer. */
    OK(crm_db_open_in_memory(&other));
    OK(crm_import_json_buffer(other, s, strlen(s), &report));
    CHECK(json_int(report, "written") > 10);
    crm_string_free(report);
    crm_string_free(s);
    crm_db_free(other);
    other = NULL;
    /* A bad line names its number; an export of a newer schema is refused. */
    const char *bad = "{\"format\":\"crm\",\"content\":\"parties\",\"schema_version\":9999}\n";
    OK(crm_db_open_in_memory(&other));
    FAILS_ON(crm_import_json_buffer(other, "[1,2]\n", 6, &report), CRM_VALIDATION, "line 1",
             report);
    FAILS_UNTOUCHED(crm_import_json_buffer(other, bad, strlen(bad), &report), CRM_SCHEMA, report);
    CHECK(count_of(other, NULL) == 0);
    crm_db_free(other);
    other = NULL;

    /* A selection: the VIPs and the relationships among them. */
    uint64_t vips = count_of(db, "{\"tag\":\"vip\"}");
    CHECK(vips == 2);
    OK(crm_export_parties_json_file(db, "{\"tag\":\"vip\"}", sel, &n));
    CHECK(n == vips);
    OK(crm_export_parties_json(db, "{\"tag\":\"vip\"}", &s, &n));
    CHECK(n == vips);
    CHECK(contains(s, "\"content\":\"parties\""));
    crm_string_free(s);
    OK(crm_db_open_in_memory(&other));
    OK(crm_import_json_file(other, sel, &report));
    CHECK(json_int(report, "written") == (long long)vips && json_int(report, "skipped") == 0);
    crm_string_free(report);
    OK(crm_import_json_file(other, sel, &report));
    CHECK(json_int(report, "written") == 0 && json_int(report, "skipped") == (long long)vips);
    crm_string_free(report);
    CHECK(count_of(other, NULL) == vips);
    crm_db_free(other);
    crm_db_free(fresh);
}

/* --------------------------------------------------------------- vCard */

static const char OLD_AND_NEW[] = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old Format\r\nEND:VCARD\r\n"
                                  "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:New Format\r\n"
                                  "EMAIL:new@format.lv\r\nEND:VCARD\r\n";

static void test_vcard(crm_db *db) {
    char vcf[700], missing[700], nodir[700];
    char *s = NULL, *report = NULL;
    uint64_t n = 0;
    crm_db *fresh = NULL;
    tpath(vcf, sizeof vcf, "all.vcf");
    tpath(missing, sizeof missing, "no-such-file.vcf");
    snprintf(nodir, sizeof nodir, "%s/no-such-dir/x.vcf", tmp);

    /* NULL in each pointer argument (filter_json may be NULL). */
    NUL(crm_export_vcard_file(NULL, NULL, vcf, &n), "db");
    NUL(crm_export_vcard_file(db, NULL, NULL, &n), "path");
    NUL(crm_export_vcard_file(db, NULL, vcf, NULL), "out_count");
    NUL(crm_export_vcard(NULL, NULL, &s, &n), "db");
    NUL(crm_export_vcard(db, NULL, NULL, &n), "out_vcard");
    NUL(crm_export_vcard(db, NULL, &s, NULL), "out_count");
    NUL(crm_import_vcard_file(NULL, vcf, &report), "db");
    NUL(crm_import_vcard_file(db, NULL, &report), "path");
    NUL(crm_import_vcard_file(db, vcf, NULL), "out_report_json");
    NUL(crm_import_vcard_buffer(NULL, "x", 1, &report), "db");
    NUL(crm_import_vcard_buffer(db, NULL, 1, &report), "data");
    NUL(crm_import_vcard_buffer(db, "x", 1, NULL), "out_report_json");
    n = 77;
    EXPECT(crm_export_vcard_file(db, "{", vcf, &n), CRM_INVALID_JSON);
    CHECK(field_is("filter_json") && n == 77);
    EXPECT(crm_export_vcard_file(db, NULL, BAD_UTF8, &n), CRM_INVALID_UTF8);
    CHECK(field_is("path") && n == 77);
    EXPECT(crm_export_vcard_file(db, NULL, nodir, &n), CRM_IO);
    CHECK(field_is("path") && n == 77);
    FAILS_ON(crm_export_vcard(db, BAD_UTF8, &s, &n), CRM_INVALID_UTF8, "filter_json", s);
    CHECK(n == 77);
    FAILS_ON(crm_import_vcard_file(db, BAD_UTF8, &report), CRM_INVALID_UTF8, "path", report);
    FAILS_ON(crm_import_vcard_file(db, missing, &report), CRM_IO, "path", report);
    FAILS_ON(crm_import_vcard_buffer(db, BAD_UTF8, 2, &report), CRM_INVALID_UTF8, "data", report);

    /* Export every active party, to a file and to memory: the same cards. */
    uint64_t all = count_of(db, NULL);
    OK(crm_export_vcard_file(db, NULL, vcf, &n));
    CHECK(n == all);
    OK(crm_export_vcard(db, NULL, &s, &n));
    CHECK(n == all);
    char *file = read_all(vcf, NULL);
    CHECK(streq(file, s));
    CHECK(contains(s, "BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    free(file);
    crm_string_free(s);
    OK(crm_export_vcard(db, "{\"tag\":\"nordic\"}", &s, &n));
    CHECK(n == 1 && contains(s, "kari@fjord.no") && !contains(s, "anna@acme.lv"));
    crm_string_free(s);

    /* Import into a fresh base: every card creates its party (with its id), then again:
     * every card updates. */
    OK(crm_db_open_in_memory(&fresh));
    OK(crm_import_vcard_file(fresh, vcf, &report));
    CHECK(json_int(report, "cards") == (long long)all);
    CHECK(json_int(report, "created") == (long long)all);
    CHECK(contains(report, "\"rejects\":[]"));
    crm_string_free(report);
    CHECK(count_of(fresh, NULL) == all);
    char name[200] = "";
    CHECK(first_hit(fresh, "ivan@mail.bg", name, sizeof name) && streq(name, "Иван Петров"));
    CHECK(count_of(fresh, "{\"tag\":\"nordic\"}") == 1);
    OK(crm_import_vcard_file(fresh, vcf, &report));
    CHECK(json_int(report, "created") == 0 && json_int(report, "updated") == (long long)all);
    crm_string_free(report);
    CHECK(count_of(fresh, NULL) == all);

    /* An unknown version is reported in the rejects with its line; the good card imports. */
    OK(crm_import_vcard_buffer(fresh, OLD_AND_NEW, sizeof OLD_AND_NEW - 1, &report));
    CHECK(json_int(report, "cards") == 2 && json_int(report, "created") == 1);
    CHECK(contains(report, "\"rejects\":[{\"line\":1,"));
    CHECK(contains(report, "2.1"));
    crm_string_free(report);
    CHECK(count_of(fresh, NULL) == all + 1);
    crm_db_free(fresh);
}

/* ---------------------------------------------------------------- main */

static void remove_tree(void) {
    const char *names[] = {"people-1251.csv", "rejects.csv", "base-a.jsonl", "base-b.jsonl",
                           "vip.jsonl",       "latin1.jsonl", "all.vcf"};
    char p[700];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tpath(p, sizeof p, names[i]);
        unlink(p);
    }
    CHECK(rmdir(tmp) == 0); /* nothing else was left behind, no temporary file either */
}

int main(int argc, char **argv) {
    if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
    snprintf(tmp, sizeof tmp, "%s/crm-io-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    crm_db *db = NULL;
    if (crm_db_open_in_memory(&db) != CRM_OK) {
        fprintf(stderr, "cannot open a base in memory: %s\n", crm_last_error_message());
        return 1;
    }
    test_csv(db);
    test_mappings(db);
    test_json(db);
    test_vcard(db);
    crm_db_free(db);
    remove_tree();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
