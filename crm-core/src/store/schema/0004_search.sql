-- Schema 4: the full-text index of parties.
-- One document per party (its names, contact points, tags and notes), kept
-- in step by every write in the write's own transaction. The index holds no
-- copy of the text (content=''); search_doc maps its integer rowids to party
-- ids. Prefix indexes make prefix queries cheap.

CREATE TABLE search_doc (
    docid     INTEGER PRIMARY KEY,
    party_id  BLOB NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE party_fts USING fts5(
    name, contacts, tags, notes,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

INSERT INTO search_doc (party_id) SELECT id FROM party;
INSERT INTO party_fts (rowid, name, contacts, tags, notes)
SELECT d.docid,
       concat_ws(' ', p.display_name, p.given_name, p.family_name, p.legal_name, p.registration_number, p.vat_number),
       (SELECT group_concat(c.value || coalesce(' ' || c.raw, ''), ' ') FROM contact_point c WHERE c.party_id = p.id),
       (SELECT group_concat(t.tag, ' ') FROM tag t WHERE t.party_id = p.id),
       (SELECT group_concat(n.body, ' ') FROM note n WHERE n.party_id = p.id)
FROM party p JOIN search_doc d ON d.party_id = p.id;
