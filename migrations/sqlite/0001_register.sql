-- The register: institutes, producers, tokens, lots and the append-only log.
--
-- Hard rule 1: nothing here describes a detained person. Claims are aggregates stored
-- inside the signed certificate body (log_entries.body) and nowhere else.
-- Timestamps are RFC 3339 UTC text, the same strings the signed bodies carry.

CREATE TABLE institutes (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    city        TEXT NOT NULL,
    region      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE producers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    legal_form  TEXT NOT NULL,
    vat_number  TEXT NOT NULL UNIQUE,
    website     TEXT,
    created_at  TEXT NOT NULL
);

-- Which institutes a producer works in: a producer may certify lots only from these.
CREATE TABLE producer_institutes (
    producer_id     TEXT NOT NULL REFERENCES producers (id),
    institute_code  TEXT NOT NULL REFERENCES institutes (code),
    PRIMARY KEY (producer_id, institute_code)
);

-- API tokens: only a SHA-256 of the secret is kept (tokens are 256-bit random, so a
-- slow hash adds nothing). A producer token is tied to exactly one producer.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'producer')),
    producer_id  TEXT REFERENCES producers (id),
    label        TEXT,
    created_at   TEXT NOT NULL,
    CHECK ((role = 'producer') = (producer_id IS NOT NULL))
);

-- The log. Entries are only ever inserted; seq is dense from 0 and each body's "prev"
-- is the hash of the entry before it. body holds the exact JCS bytes that were signed.
CREATE TABLE log_entries (
    seq         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('certificate', 'certificate_status', 'producer_status', 'key')),
    subject     TEXT NOT NULL,
    status      TEXT,
    body        TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    signature   TEXT NOT NULL,
    kid         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX log_entries_subject ON log_entries (subject, kind, seq);

-- One row: the size of the log and the hash of its last entry. Appends lock it first,
-- which serialises issuance across connections and processes.
CREATE TABLE log_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    size       INTEGER NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO log_head (id, size, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE lots (
    id                TEXT PRIMARY KEY,
    producer_id       TEXT NOT NULL REFERENCES producers (id),
    institute_code    TEXT NOT NULL REFERENCES institutes (code),
    lot_code          TEXT NOT NULL,
    product_name      TEXT NOT NULL,
    product_category  TEXT NOT NULL,
    gtin              TEXT,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000000),
    unit              TEXT NOT NULL,
    produced_from     TEXT NOT NULL,
    produced_to       TEXT NOT NULL,
    serialised        BOOLEAN NOT NULL,
    certificate_id    TEXT NOT NULL UNIQUE,
    created_at        TEXT NOT NULL,
    UNIQUE (producer_id, lot_code)
);

-- Certificate id -> its log entry.
CREATE TABLE certificates (
    id      TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL UNIQUE REFERENCES log_entries (seq),
    lot_id  TEXT NOT NULL UNIQUE REFERENCES lots (id)
);
