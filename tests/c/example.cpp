// A C++17 client of libcrm: a small RAII wrapper (unique_ptr with the
// library's own deleters, exceptions from statuses) and a run through it.
// Exits non-zero when a check fails.
#include <crm.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace crm {

// A failed call: its status, the message and the field at fault.
class Error : public std::runtime_error {
public:
    Error(crm_status status, const std::string &message, std::string field)
        : std::runtime_error(std::string(crm_status_name(status)) + ": " + message),
          status_(status), field_(std::move(field)) {}
    crm_status status() const noexcept { return status_; }
    const std::string &field() const noexcept { return field_; }

private:
    crm_status status_;
    std::string field_;
};

inline void check(crm_status st) {
    if (st != CRM_OK) {
        const char *field = crm_last_error_field();
        throw Error(st, crm_last_error_message(), field ? field : "");
    }
}

struct StringDeleter {
    void operator()(char *s) const noexcept { crm_string_free(s); }
};
struct DbDeleter {
    void operator()(crm_db *db) const noexcept { crm_db_free(db); }
};
struct PageDeleter {
    void operator()(crm_page *p) const noexcept { crm_page_free(p); }
};
using String = std::unique_ptr<char, StringDeleter>;
using DbPtr = std::unique_ptr<crm_db, DbDeleter>;
using PagePtr = std::unique_ptr<crm_page, PageDeleter>;

// Take ownership of a string the library wrote, and copy it out.
inline std::string take(char *raw) {
    String s(raw);
    return s ? std::string(s.get()) : std::string();
}

// A list returned by the library.
class Page {
public:
    explicit Page(crm_page *p) : p_(p) {}
    std::size_t size() const noexcept { return crm_page_len(p_.get()); }
    std::string str(std::size_t i, const char *field) const {
        const char *t = nullptr;
        check(crm_page_item_str(p_.get(), i, field, &t));
        return t ? t : "";
    }
    std::int64_t integer(std::size_t i, const char *field) const {
        std::int64_t v = 0;
        check(crm_page_item_int(p_.get(), i, field, &v));
        return v;
    }
    std::string next_cursor() const {
        const char *c = nullptr;
        check(crm_page_next_cursor(p_.get(), &c));
        return c ? c : "";
    }

private:
    PagePtr p_;
};

// A handle on a base; shareable across threads.
class Db {
public:
    static Db in_memory() {
        crm_db *db = nullptr;
        check(crm_db_open_in_memory(&db));
        return Db(db);
    }
    static Db open(const std::string &path) {
        crm_db *db = nullptr;
        check(crm_db_open(path.c_str(), &db));
        return Db(db);
    }
    Db with_actor(const std::string &actor) const {
        crm_db *db = nullptr;
        check(crm_db_with_actor(db_.get(), actor.c_str(), &db));
        return Db(db);
    }
    std::string create_person(const std::string &given, const std::string &family,
                              const char *email = nullptr, const char *phone = nullptr) const {
        char *id = nullptr;
        check(crm_person_create(db_.get(), given.c_str(), family.c_str(), email, phone, &id));
        return take(id);
    }
    std::string create_organization(const std::string &name, const char *vat = nullptr) const {
        char *id = nullptr;
        check(crm_organization_create(db_.get(), name.c_str(), vat, &id));
        return take(id);
    }
    std::string party_json(const std::string &id) const {
        char *json = nullptr;
        check(crm_party_get(db_.get(), id.c_str(), &json));
        return take(json);
    }
    std::string display_name(const std::string &id) const {
        char *name = nullptr;
        check(crm_party_display_name(db_.get(), id.c_str(), &name));
        return take(name);
    }
    std::int64_t version(const std::string &id) const {
        std::int64_t v = 0;
        check(crm_party_version(db_.get(), id.c_str(), &v));
        return v;
    }
    std::string update(const std::string &id, std::int64_t version, const std::string &patch) const {
        char *json = nullptr;
        check(crm_party_update(db_.get(), id.c_str(), version, patch.c_str(), &json));
        return take(json);
    }
    std::string link(const std::string &type, const std::string &from, const std::string &to) const {
        char *id = nullptr;
        check(crm_relationship_link(db_.get(), type.c_str(), from.c_str(), to.c_str(), &id));
        return take(id);
    }
    Page neighbours(const std::string &id, const std::string &query = "{}") const {
        crm_page *p = nullptr;
        check(crm_party_neighbours(db_.get(), id.c_str(), query.c_str(), &p));
        return Page(p);
    }
    Page list(const std::string &query) const {
        crm_page *p = nullptr;
        check(crm_party_list(db_.get(), query.c_str(), &p));
        return Page(p);
    }

private:
    explicit Db(crm_db *db) : db_(db) {}
    DbPtr db_;
};

}  // namespace crm

static int passed = 0, failed = 0;

static void expect(bool ok, const char *what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::cerr << "FAILED: " << what << "\n";
    }
}

int main() {
    try {
        auto db = crm::Db::in_memory();
        auto sales = db.with_actor("sales");
        auto acme = db.create_organization("Acme SIA", "LV40003000001");
        auto anna = sales.create_person("Anna", "Bērziņa", "anna@acme.lv", "+371 2000 0001");
        auto ben = sales.create_person("Ben", "Ozols");
        db.link("employee_of", anna, acme);
        db.link("knows", ben, anna);

        expect(db.display_name(anna) == "Anna Bērziņa", "display name");
        expect(db.version(anna) == 1, "version 1");

        auto staff = db.neighbours(acme);
        expect(staff.size() == 1, "one neighbour");
        expect(staff.str(0, "label") == "employer of", "label");
        expect(staff.str(0, "display_name") == "Anna Bērziņa", "neighbour name");

        // Optimistic concurrency surfaces as an exception with its status.
        db.update(anna, 1, R"({"language": "lv"})");
        try {
            db.update(anna, 1, R"({"language": "en"})");
            expect(false, "a stale version throws");
        } catch (const crm::Error &e) {
            expect(e.status() == CRM_CONFLICT, "CRM_CONFLICT");
        }
        // A validation error names its field.
        try {
            db.create_person("Bad", "Email", "not-an-email");
            expect(false, "a bad email throws");
        } catch (const crm::Error &e) {
            expect(e.status() == CRM_VALIDATION, "CRM_VALIDATION");
            expect(e.field() == "contact_points[0].address", "field of the error");
        }
        try {
            db.display_name("not-a-uuid");
            expect(false, "a bad id throws");
        } catch (const crm::Error &e) {
            expect(e.status() == CRM_INVALID_ARGUMENT, "CRM_INVALID_ARGUMENT");
        }

        // Keyset pages.
        std::vector<std::string> names;
        std::string after;
        for (;;) {
            std::string q = R"({"kind": "person", "limit": 1)";
            if (!after.empty()) q += R"(, "after": ")" + after + "\"";
            q += "}";
            auto page = db.list(q);
            for (std::size_t i = 0; i < page.size(); ++i) {
                names.push_back(page.str(i, "display_name"));
                expect(page.integer(i, "version") >= 1, "integer accessor");
            }
            after = page.next_cursor();
            if (after.empty()) break;
        }
        expect(names.size() == 2 && names[0] == "Anna Bērziņa" && names[1] == "Ben Ozols",
               "two pages of one person");
    } catch (const std::exception &e) {
        std::cerr << "unexpected exception: " << e.what() << "\n";
        ++failed;
    }
    std::cout << "example: " << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
