-- The same as the SQLite migration of this number: certificate id -> log entry and
-- certificate id -> lot were kept twice (log_entries.subject of the 'certificate' entry,
-- through log_entries_subject, and lots.certificate_id), and an entry's hash is unique by
-- construction and never looked up, so its UNIQUE index only cost a write per entry.
DROP TABLE certificates;
ALTER TABLE log_entries DROP CONSTRAINT log_entries_hash_key;
