-- Schema 10: the full-text document of an interaction also names the
-- parties that took part in it, one token each ('p' and the party id in
-- lower-case hex, in the `parties` column, which text searches do not
-- look in), so that a search of one party's interactions is an
-- intersection inside the index, as cheap for a party with ten
-- interactions among ten million as for the whole base. The writes that
-- change who took part (recording, merging, undoing a merge, converting a
-- lead) rebuild the documents they touch; a search still checks each hit
-- against interaction_party, so a document left naming a deleted party
-- finds nothing.
--
-- FTS5 tables take no new column: the index is built again from the
-- tables, with the same rowids.

DROP TABLE interaction_fts;

CREATE VIRTUAL TABLE interaction_fts USING fts5(
    subject, outcome, parties,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

INSERT INTO interaction_fts (rowid, subject, outcome, parties)
SELECT d.docid, i.subject, i.outcome,
       (SELECT group_concat('p' || lower(hex(ip.party_id)), ' ') FROM interaction_party ip
        WHERE ip.interaction_id = i.id)
FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id;
