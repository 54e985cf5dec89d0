/*
 * Get-by-id through the C interface, timed: the typed get
 * (crm_party_display_name) and the JSON get (crm_party_get), each a loop
 * over the same ids. tests/c/bench.sh runs it beside the same loop in Rust
 * (crm-ffi/benches/get_by_id.rs) on the same base.
 *
 * Usage: bench_get <base-file> <parties> <iterations>
 * Creates the base with <parties> parties if it is new. Prints one line per
 * loop: "<name> <ns per get>".
 */
#define _POSIX_C_SOURCE 200809L
#include <crm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, crm_status st) {
    fprintf(stderr, "%s: %s: %s\n", what, crm_status_name(st), crm_last_error_message());
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: bench_get <base-file> <parties> <iterations>\n");
        return 2;
    }
    size_t parties = (size_t)strtoul(argv[2], NULL, 10);
    long iterations = strtol(argv[3], NULL, 10);
    crm_db *db = NULL;
    crm_status st = crm_db_open(argv[1], &db);
    if (st != CRM_OK) die("open", st);

    uint64_t have = 0;
    if ((st = crm_party_count(db, "{}", &have)) != CRM_OK) die("count", st);
    for (size_t i = (size_t)have; i < parties; i++) {
        char given[32], email[64], *id = NULL;
        snprintf(given, sizeof given, "Given%zu", i);
        snprintf(email, sizeof email, "person%zu@example.com", i);
        if ((st = crm_person_create(db, given, "Family", email, NULL, &id)) != CRM_OK)
            die("create", st);
        crm_string_free(id);
    }

    /* The ids, in list order (as the Rust loop reads them). */
    char **ids = calloc(parties, sizeof *ids);
    size_t n = 0;
    char query[512] = "{\"limit\": 1000}";
    while (n < parties) {
        crm_page *page = NULL;
        if ((st = crm_party_list(db, query, &page)) != CRM_OK) die("list", st);
        for (size_t i = 0; i < crm_page_len(page) && n < parties; i++) {
            const char *id = NULL;
            if ((st = crm_page_item_str(page, i, "id", &id)) != CRM_OK) die("id", st);
            ids[n++] = strdup(id);
        }
        const char *next = NULL;
        crm_page_next_cursor(page, &next);
        if (next) snprintf(query, sizeof query, "{\"limit\": 1000, \"after\": \"%s\"}", next);
        crm_page_free(page);
        if (!next) break;
    }
    if (n == 0) die("no parties", CRM_NOT_FOUND);

    double best_typed = 1e300, best_json = 1e300;
    size_t sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = now_ns();
        for (long i = 0; i < iterations; i++) {
            char *name = NULL;
            if ((st = crm_party_display_name(db, ids[(size_t)i % n], &name)) != CRM_OK)
                die("display_name", st);
            sink += strlen(name);
            crm_string_free(name);
        }
        double t1 = now_ns();
        for (long i = 0; i < iterations; i++) {
            char *json = NULL;
            if ((st = crm_party_get(db, ids[(size_t)i % n], &json)) != CRM_OK) die("get", st);
            sink += strlen(json);
            crm_string_free(json);
        }
        double t2 = now_ns();
        if ((t1 - t0) / iterations < best_typed) best_typed = (t1 - t0) / iterations;
        if ((t2 - t1) / iterations < best_json) best_json = (t2 - t1) / iterations;
    }
    printf("c_typed_get %.0f\n", best_typed);
    printf("c_json_get %.0f\n", best_json);
    fprintf(stderr, "(checksum %zu)\n", sink);

    for (size_t i = 0; i < n; i++) free(ids[i]);
    free(ids);
    crm_db_free(db);
    return 0;
}
