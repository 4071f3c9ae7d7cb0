-- The Merkle tree over the log (RFC 6962/9162), stored as the hash of every complete,
-- aligned subtree: (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
-- Level 0 holds the leaf hashes SHA-256(0x00 || body). About 2n rows for n entries, and any
-- inclusion or consistency proof needs O(log n) of them. Rows are written in the same
-- transaction as the entries, so the tree always matches the log.
CREATE TABLE tree_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Number of log entries already in tree_nodes. Databases created before the tree existed
-- start at 0 and are caught up, under the head lock, by the next append.
ALTER TABLE log_head ADD COLUMN tree_size INTEGER NOT NULL DEFAULT 0;

-- Every signed checkpoint ever published (C2SP tlog-checkpoint in a signed note), so
-- auditors can recompute each root and witnesses can fetch consistency proofs between them.
CREATE TABLE checkpoints (
    size        INTEGER PRIMARY KEY,
    root        TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Witness cosignatures (C2SP tlog-cosignature), one signature line per witness and checkpoint.
CREATE TABLE cosignatures (
    size        INTEGER NOT NULL REFERENCES checkpoints (size),
    witness     TEXT NOT NULL,
    line        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);
