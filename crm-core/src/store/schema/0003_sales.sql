-- Schema 3: sales. Leads, pipelines and their stages, opportunities with
-- contacts, partners and stage history, products, price lists, orders with
-- lines and status history. Money is integer minor units beside an ISO 4217
-- code.

CREATE TABLE lead (
    id                 BLOB PRIMARY KEY,
    status             TEXT NOT NULL,
    source             TEXT,
    campaign_id        BLOB,
    utm_source         TEXT,
    utm_medium         TEXT,
    utm_campaign       TEXT,
    utm_term           TEXT,
    utm_content        TEXT,
    given_name         TEXT,
    family_name        TEXT,
    email              TEXT,
    phone              TEXT,
    company_name       TEXT,
    title              TEXT,
    country            TEXT,
    notes              TEXT,
    owner              TEXT,
    score              INTEGER NOT NULL,
    disqualify_reason  TEXT,
    person_id          BLOB REFERENCES party (id) ON DELETE SET NULL,
    organization_id    BLOB REFERENCES party (id) ON DELETE SET NULL,
    opportunity_id     BLOB,
    converted_at       INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX lead_by_status ON lead (status, created_at);
CREATE INDEX lead_by_email ON lead (email) WHERE email IS NOT NULL;

CREATE TABLE lead_score_rule (
    id         BLOB PRIMARY KEY,
    condition  TEXT NOT NULL,
    points     INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE interaction ADD COLUMN lead_id BLOB;
CREATE INDEX interaction_by_lead ON interaction (lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE pipeline (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE pipeline_stage (
    id           BLOB PRIMARY KEY,
    pipeline_id  BLOB NOT NULL REFERENCES pipeline (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    probability  INTEGER NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
    UNIQUE (pipeline_id, position),
    UNIQUE (pipeline_id, name)
) WITHOUT ROWID;

CREATE TABLE opportunity (
    id              BLOB PRIMARY KEY,
    name            TEXT NOT NULL,
    account_id      BLOB NOT NULL REFERENCES party (id),
    pipeline_id     BLOB NOT NULL REFERENCES pipeline (id),
    stage_id        BLOB NOT NULL REFERENCES pipeline_stage (id),
    status          TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL,
    currency        TEXT NOT NULL,
    probability     INTEGER,
    expected_close  TEXT,
    owner           TEXT,
    source          TEXT,
    lead_id         BLOB,
    close_reason    TEXT,
    closed_at       INTEGER,
    stage_entered_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX opportunity_by_stage ON opportunity (pipeline_id, stage_id, currency, amount_minor, probability);
CREATE INDEX opportunity_by_account ON opportunity (account_id);
CREATE INDEX opportunity_by_close ON opportunity (expected_close) WHERE status = 'open';

CREATE TABLE opportunity_contact (
    opportunity_id BLOB NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    party_id       BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    buying_role    TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, party_id)
) WITHOUT ROWID;

CREATE TABLE opportunity_partner (
    opportunity_id BLOB NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    party_id       BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    partner_role   TEXT NOT NULL,
    is_primary     INTEGER NOT NULL,
    PRIMARY KEY (opportunity_id, party_id)
) WITHOUT ROWID;

CREATE TABLE opportunity_stage_history (
    opportunity_id BLOB NOT NULL REFERENCES opportunity (id) ON DELETE CASCADE,
    entered_at     INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    stage_id       BLOB NOT NULL,
    left_at        INTEGER,
    PRIMARY KEY (opportunity_id, seq)
) WITHOUT ROWID;

CREATE TABLE product (
    id          BLOB PRIMARY KEY,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    category    TEXT,
    unit        TEXT NOT NULL,
    active      INTEGER NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX product_by_category ON product (category, name);

CREATE TABLE price_list (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    currency    TEXT NOT NULL,
    tier        TEXT,
    segment     TEXT,
    valid_from  TEXT,
    valid_to    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE price_list_item (
    price_list_id    BLOB NOT NULL REFERENCES price_list (id) ON DELETE CASCADE,
    product_id       BLOB NOT NULL REFERENCES product (id) ON DELETE CASCADE,
    unit_price_minor INTEGER NOT NULL,
    PRIMARY KEY (product_id, price_list_id)
) WITHOUT ROWID;

CREATE TABLE sales_order (
    id              BLOB PRIMARY KEY,
    channel         TEXT NOT NULL,
    external_id     TEXT,
    party_id        BLOB NOT NULL REFERENCES party (id),
    opportunity_id  BLOB REFERENCES opportunity (id),
    price_list_id   BLOB REFERENCES price_list (id),
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,
    subtotal_minor  INTEGER NOT NULL,
    discount_minor  INTEGER NOT NULL,
    tax_minor       INTEGER NOT NULL,
    total_minor     INTEGER NOT NULL,
    placed_at       INTEGER,
    content_hash    TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX sales_order_external ON sales_order (channel, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX sales_order_by_party ON sales_order (party_id, placed_at);
CREATE INDEX sales_order_by_placed ON sales_order (placed_at);

CREATE TABLE order_line (
    order_id          BLOB NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    product_id        BLOB REFERENCES product (id),
    description       TEXT NOT NULL,
    quantity          INTEGER NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    discount_minor    INTEGER NOT NULL,
    tax_rate_bp       INTEGER NOT NULL,
    net_minor         INTEGER NOT NULL,
    tax_minor         INTEGER NOT NULL,
    total_minor       INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX order_line_by_product ON order_line (product_id);

CREATE TABLE order_status_history (
    order_id    BLOB NOT NULL REFERENCES sales_order (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

-- Default lead scoring rules; users change them with set_lead_score_rules.
INSERT INTO lead_score_rule (id, condition, points, created_at) VALUES
    (X'00000000000070008000000000000001', '"has_email"', 10, 0),
    (X'00000000000070008000000000000002', '"has_phone"', 10, 0),
    (X'00000000000070008000000000000003', '"has_company"', 15, 0),
    (X'00000000000070008000000000000004', '{"source":"referral"}', 20, 0),
    (X'00000000000070008000000000000005', '{"title_contains":"director"}', 15, 0),
    (X'00000000000070008000000000000006', '{"title_contains":"head"}', 10, 0);
