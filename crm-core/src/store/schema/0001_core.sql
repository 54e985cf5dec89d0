-- Schema 1: parties, roles, contact points, tags, notes, custom fields,
-- the relationship graph, the audit log and the outbox.
-- Ids are UUIDv7 in 16-byte blobs; times are integer microseconds since the
-- Unix epoch (UTC); dates are 'YYYY-MM-DD' text.

CREATE TABLE party (
    id                  BLOB PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
    display_name        TEXT NOT NULL,
    sort_key            TEXT NOT NULL,
    given_name          TEXT,
    family_name         TEXT,
    birth_date          TEXT,
    language            TEXT,
    legal_name          TEXT,
    registration_number TEXT,
    vat_number          TEXT,
    industry            TEXT,
    size                TEXT,
    parent_id           BLOB REFERENCES party (id),
    commercial_id       BLOB NOT NULL,
    country             TEXT,
    roles               INTEGER NOT NULL DEFAULT 0,
    archived_at         INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    version             INTEGER NOT NULL
) WITHOUT ROWID;
-- roles: one bit per role kind held (customer 1, partner 2, supplier 4,
-- employee 8, stakeholder 16, competitor 32), kept by the role writes so that
-- filtered lists and counts are answered from these covering indexes.
CREATE INDEX party_by_name ON party (sort_key, id);
CREATE INDEX party_live_name ON party (sort_key, id, kind, country, roles, archived_at) WHERE archived_at IS NULL;
CREATE INDEX party_live_kind ON party (kind, sort_key, id, country, roles, archived_at) WHERE archived_at IS NULL;
CREATE INDEX party_live_country ON party (country, sort_key, id, kind, roles, archived_at) WHERE archived_at IS NULL;
CREATE INDEX party_by_created ON party (created_at, id);
CREATE INDEX party_by_updated ON party (updated_at, id);
CREATE INDEX party_by_parent ON party (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX party_by_commercial ON party (commercial_id);
CREATE INDEX party_by_vat ON party (vat_number) WHERE vat_number IS NOT NULL;

CREATE TABLE party_role (
    id          BLOB NOT NULL,
    party_id    BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    details     TEXT NOT NULL,
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (party_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX party_role_id ON party_role (id);
CREATE INDEX party_role_by_role ON party_role (role, party_id);

CREATE TABLE contact_point (
    id          BLOB NOT NULL,
    party_id    BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    raw         TEXT,
    data        TEXT,
    label       TEXT,
    is_primary  INTEGER NOT NULL,
    verified    INTEGER NOT NULL,
    country     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (party_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX contact_point_id ON contact_point (id);
CREATE INDEX contact_point_by_value ON contact_point (kind, value);

CREATE TABLE tag (
    party_id BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (party_id, tag)
) WITHOUT ROWID;
CREATE INDEX tag_by_tag ON tag (tag, party_id);

CREATE TABLE note (
    id          BLOB PRIMARY KEY,
    party_id    BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX note_by_party ON note (party_id, created_at);

CREATE TABLE custom_field (
    id          BLOB PRIMARY KEY,
    entity      TEXT NOT NULL,
    name        TEXT NOT NULL,
    label       TEXT NOT NULL,
    field_type  TEXT NOT NULL,
    required    INTEGER NOT NULL,
    is_unique   INTEGER NOT NULL,
    choices     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    UNIQUE (entity, name)
) WITHOUT ROWID;

CREATE TABLE custom_value (
    entity_id BLOB NOT NULL,
    field_id  BLOB NOT NULL REFERENCES custom_field (id) ON DELETE CASCADE,
    value     NOT NULL, -- no type: values keep their storage class
    PRIMARY KEY (entity_id, field_id)
) WITHOUT ROWID;
CREATE INDEX custom_value_by_field ON custom_value (field_id, value);

CREATE TABLE relationship_type (
    code          TEXT PRIMARY KEY,
    forward_label TEXT NOT NULL,
    inverse_label TEXT NOT NULL,
    symmetric     INTEGER NOT NULL,
    allow_self    INTEGER NOT NULL,
    from_kinds    TEXT NOT NULL,
    to_kinds      TEXT NOT NULL,
    membership    INTEGER NOT NULL,
    builtin       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE relationship (
    id          BLOB NOT NULL,
    type        TEXT NOT NULL REFERENCES relationship_type (code),
    from_id     BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    to_id       BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    valid_from  TEXT,
    valid_to    TEXT,
    strength    REAL,
    notes       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (from_id, type, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX relationship_id ON relationship (id);
CREATE INDEX relationship_by_to ON relationship (to_id, type);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    action     TEXT NOT NULL,
    changes    TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit (entity_id, seq);

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    topic      TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    payload    TEXT NOT NULL
);

-- The standard relationship types. Kinds: "" = any, else a comma list.
INSERT INTO relationship_type
    (code, forward_label, inverse_label, symmetric, allow_self, from_kinds, to_kinds, membership, builtin, created_at)
VALUES
    ('employee_of',     'employee of',       'employer of',       0, 0, 'person',       'organization', 1, 1, 0),
    ('contact_of',      'contact at',        'has contact',       0, 0, 'person',       'organization', 1, 1, 0),
    ('board_member_of', 'board member of',   'has board member',  0, 0, 'person',       'organization', 1, 1, 0),
    ('subsidiary_of',   'subsidiary of',     'parent of',         0, 0, 'organization', 'organization', 0, 1, 0),
    ('reseller_for',    'reseller for',      'sells through',     0, 0, '',             '',             0, 1, 0),
    ('distributor_for', 'distributor for',   'distributes via',   0, 0, '',             '',             0, 1, 0),
    ('supplier_of',     'supplier of',       'buys from',         0, 0, '',             '',             0, 1, 0),
    ('customer_of',     'customer of',       'sells to',          0, 0, '',             '',             0, 1, 0),
    ('referred_by',     'referred by',       'referred',          0, 0, '',             '',             0, 1, 0),
    ('investor_in',     'investor in',       'backed by',         0, 0, '',             'organization', 0, 1, 0),
    ('influences',      'influences',        'influenced by',     0, 0, '',             '',             0, 1, 0),
    ('reports_to',      'reports to',        'manages',           0, 0, 'person',       'person',       0, 1, 0),
    ('partner_of',      'partner of',        'partner of',        1, 0, '',             '',             0, 1, 0),
    ('competitor_of',   'competitor of',     'competitor of',     1, 0, 'organization', 'organization', 0, 1, 0),
    ('spouse_of',       'spouse of',         'spouse of',         1, 0, 'person',       'person',       0, 1, 0),
    ('relative_of',     'relative of',       'relative of',       1, 0, 'person',       'person',       0, 1, 0),
    ('knows',           'knows',             'knows',             1, 0, 'person',       'person',       0, 1, 0);
