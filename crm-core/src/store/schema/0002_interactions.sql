-- Schema 2: the interaction timeline and tasks.

CREATE TABLE interaction (
    id                BLOB PRIMARY KEY,
    channel           TEXT NOT NULL,
    direction         TEXT NOT NULL,
    occurred_at       INTEGER NOT NULL,
    duration_seconds  INTEGER,
    subject           TEXT NOT NULL,
    body              TEXT,
    outcome           TEXT,
    opportunity_id    BLOB,
    order_id          BLOB,
    campaign_id       BLOB,
    case_id           BLOB,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX interaction_by_opportunity ON interaction (opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX interaction_by_order ON interaction (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX interaction_by_campaign ON interaction (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX interaction_by_case ON interaction (case_id) WHERE case_id IS NOT NULL;

-- One row per participant, clustered by party and time: a party's timeline
-- is one range scan, newest first.
CREATE TABLE interaction_party (
    party_id        BLOB NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    occurred_at     INTEGER NOT NULL,
    interaction_id  BLOB NOT NULL REFERENCES interaction (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    PRIMARY KEY (party_id, occurred_at, interaction_id)
) WITHOUT ROWID;
CREATE INDEX interaction_party_by_interaction ON interaction_party (interaction_id);

CREATE TABLE task (
    id            BLOB PRIMARY KEY,
    subject       TEXT NOT NULL,
    description   TEXT,
    due_at        INTEGER,
    owner         TEXT,
    priority      TEXT NOT NULL,
    status        TEXT NOT NULL,
    party_id      BLOB REFERENCES party (id) ON DELETE CASCADE,
    link_entity   TEXT,
    link_id       BLOB,
    completed_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX task_open_by_due ON task (due_at, id) WHERE status IN ('open', 'in_progress');
CREATE INDEX task_by_party ON task (party_id, status, due_at) WHERE party_id IS NOT NULL;
CREATE INDEX task_by_link ON task (link_id) WHERE link_id IS NOT NULL;
CREATE INDEX task_by_owner ON task (owner, status, due_at) WHERE owner IS NOT NULL;
