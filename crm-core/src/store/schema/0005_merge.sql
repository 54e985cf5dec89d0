-- Schema 5: merges. A merged party stays as a tombstone pointing to its
-- survivor; a merge record keeps what is needed to undo the merge.

ALTER TABLE party ADD COLUMN merged_into BLOB;
CREATE INDEX party_by_merged_into ON party (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE merge_record (
    id               BLOB PRIMARY KEY,
    survivor_id      BLOB NOT NULL,
    merged_ids       TEXT NOT NULL,
    at               INTEGER NOT NULL,
    actor            TEXT NOT NULL,
    audit_seq        INTEGER NOT NULL,
    touched_ids      TEXT NOT NULL,
    before_images    TEXT NOT NULL,
    undone_at        INTEGER
) WITHOUT ROWID;
CREATE INDEX merge_record_by_survivor ON merge_record (survivor_id, at);
