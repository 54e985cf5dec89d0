-- Schema 9: an outbox event whose body is the text of its audit row (a
-- creation or a deletion: both carry the whole record) refers to that row
-- instead of holding a second copy of the record. `audit_seq` names the
-- audit row and `payload` is then ''; NULL means the body is in `payload`,
-- as for every event written before this version and for updates, whose
-- audit row holds the changed fields and whose event the whole new record.
-- Readers take the body from the audit row (see `events/sql.rs`); audit
-- rows are never deleted, so the reference always finds its row. A
-- person with an email and a phone is about 1.2 KB of JSON: stored once,
-- a large import writes about a third less.

ALTER TABLE outbox ADD COLUMN audit_seq INTEGER;
