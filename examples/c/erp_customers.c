/*
 * A legacy ERP's customer table, loaded into libcrm, and one customer's
 * relationships printed.
 *
 * Build:  cc -std=c11 erp_customers.c $(pkg-config --cflags --libs crm)
 * Run:    ./a.out [path-to-base]     (default: a base in memory)
 */
#include <crm.h>

#include <stdio.h>
#include <string.h>

/* One row of the ERP's CUSTMAST table. */
struct customer {
    const char *cust_no;  /* the ERP's customer number */
    const char *company;  /* legal name */
    const char *vat_no;   /* may be "" */
    const char *contact_first;
    const char *contact_last;
    const char *email;    /* may be "" */
    const char *phone;    /* may be "" */
    const char *parent_no; /* the customer number of the head office, or "" */
};

static const struct customer CUSTMAST[] = {
    {"C-1001", "Baltic Foods SIA", "LV40003000001", "Anna", "Bērziņa", "anna@balticfoods.lv",
     "+371 2000 0001", ""},
    {"C-1002", "Baltic Foods Riga Depot SIA", "", "Jānis", "Ozols", "janis@balticfoods.lv",
     "+371 2000 0002", "C-1001"},
    {"C-1003", "Nordic Tools AS", "NO999999999", "Ola", "Nordmann", "ola@nordictools.no",
     "+47 912 34 567", ""},
    {"C-1004", "Vilnius Paper UAB", "LT100000000017", "Rūta", "Jonaitė", "", "+370 600 00004",
     ""},
};
#define N_CUSTOMERS (sizeof CUSTMAST / sizeof CUSTMAST[0])

static const char *opt(const char *s) { return (s && *s) ? s : NULL; }

/* Print the failure and say whether the call succeeded. */
static int ok(crm_status st, const char *what) {
    if (st == CRM_OK) return 1;
    const char *field = crm_last_error_field();
    fprintf(stderr, "%s: %s: %s%s%s%s\n", what, crm_status_name(st), crm_last_error_message(),
            field ? " (field " : "", field ? field : "", field ? ")" : "");
    return 0;
}

int main(int argc, char **argv) {
    crm_db *db = NULL;
    crm_status st = argc > 1 ? crm_db_open(argv[1], &db) : crm_db_open_in_memory(&db);
    if (!ok(st, "open")) return 1;

    char *org_ids[N_CUSTOMERS] = {0};
    int failures = 0;

    for (size_t i = 0; i < N_CUSTOMERS; i++) {
        const struct customer *c = &CUSTMAST[i];
        char *person_id = NULL, *rel_id = NULL, *json = NULL;
        if (!ok(crm_organization_create(db, c->company, opt(c->vat_no), &org_ids[i]),
                c->cust_no)) {
            failures++;
            continue;
        }
        /* The customer role carries the ERP's customer number. */
        char role[128];
        snprintf(role, sizeof role, "{\"role\": \"customer\", \"customer_number\": \"%s\"}",
                 c->cust_no);
        if (!ok(crm_role_add(db, org_ids[i], role, &json), "role")) failures++;
        crm_string_free(json);

        if (ok(crm_person_create(db, c->contact_first, c->contact_last, opt(c->email),
                                 opt(c->phone), &person_id),
               "contact")) {
            if (!ok(crm_relationship_link(db, "contact_of", person_id, org_ids[i], &rel_id),
                    "contact_of"))
                failures++;
        } else {
            failures++;
        }
        crm_string_free(rel_id);
        crm_string_free(person_id);
    }
    /* Branches: subsidiary_of their head office. */
    for (size_t i = 0; i < N_CUSTOMERS; i++) {
        if (!*CUSTMAST[i].parent_no || !org_ids[i]) continue;
        for (size_t j = 0; j < N_CUSTOMERS; j++) {
            if (org_ids[j] && strcmp(CUSTMAST[j].cust_no, CUSTMAST[i].parent_no) == 0) {
                char *rel_id = NULL;
                if (!ok(crm_relationship_link(db, "subsidiary_of", org_ids[i], org_ids[j], &rel_id),
                        "subsidiary_of"))
                    failures++;
                crm_string_free(rel_id);
            }
        }
    }

    uint64_t count = 0;
    if (ok(crm_party_count(db, "{\"role\": \"customer\"}", &count), "count"))
        printf("loaded %llu customers from CUSTMAST\n", (unsigned long long)count);

    /* One customer's relationships. */
    crm_page *page = NULL;
    char *name = NULL;
    if (org_ids[0] && ok(crm_party_display_name(db, org_ids[0], &name), "name") &&
        ok(crm_party_neighbours(db, org_ids[0], "{}", &page), "neighbours")) {
        printf("%s (%s):\n", name, CUSTMAST[0].cust_no);
        for (size_t i = 0; i < crm_page_len(page); i++) {
            const char *label = NULL, *other = NULL, *kind = NULL;
            if (ok(crm_page_item_str(page, i, "label", &label), "label") &&
                ok(crm_page_item_str(page, i, "display_name", &other), "display_name") &&
                ok(crm_page_item_str(page, i, "kind", &kind), "kind"))
                printf("  %-12s %s (%s)\n", label, other, kind);
        }
        if (crm_page_len(page) != 2) failures++;
    } else {
        failures++;
    }
    crm_page_free(page);
    crm_string_free(name);

    for (size_t i = 0; i < N_CUSTOMERS; i++) crm_string_free(org_ids[i]);
    crm_db_free(db);
    return failures == 0 ? 0 : 1;
}
