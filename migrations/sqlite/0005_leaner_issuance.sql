-- Issuance dirties fewer B-tree pages per certificate: two tables' worth of indexes keyed
-- by random values are gone, and nothing that was stored is lost.

-- Certificate id -> log entry and certificate id -> lot were kept twice: log_entries has
-- the certificate id as the subject of its 'certificate' entry (found through
-- log_entries_subject), and lots has it in certificate_id (UNIQUE).
DROP TABLE certificates;

-- An entry's hash is unique by construction (its body holds its seq and the hash before
-- it), and entries are never looked up by hash, so its UNIQUE index only cost a random
-- B-tree write per entry. SQLite cannot drop a column constraint: rebuild the table, which
-- nothing references any more.
CREATE TABLE log_entries_new (
    seq         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('certificate', 'certificate_status', 'producer_status', 'key')),
    subject     TEXT NOT NULL,
    status      TEXT,
    body        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    signature   TEXT NOT NULL,
    kid         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO log_entries_new (seq, kind, subject, status, body, hash, signature, kid, created_at)
SELECT seq, kind, subject, status, body, hash, signature, kid, created_at FROM log_entries;
DROP TABLE log_entries;
ALTER TABLE log_entries_new RENAME TO log_entries;
CREATE INDEX log_entries_subject ON log_entries (subject, kind, seq);
