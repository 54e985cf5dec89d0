-- Schema 6: saved import mappings.

CREATE TABLE import_mapping (
    name        TEXT PRIMARY KEY,
    mapping     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
