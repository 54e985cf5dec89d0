-- Schema 7: the full-text index of interactions (subject and outcome),
-- kept in step by the interaction writes; interaction_doc maps its integer
-- rowids to interaction ids.

CREATE TABLE interaction_doc (
    docid           INTEGER PRIMARY KEY,
    interaction_id  BLOB NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE interaction_fts USING fts5(
    subject, outcome,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

INSERT INTO interaction_doc (interaction_id) SELECT id FROM interaction;
INSERT INTO interaction_fts (rowid, subject, outcome)
SELECT d.docid, i.subject, i.outcome FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id;
