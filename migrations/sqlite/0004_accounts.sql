-- People who use the web pages: staff of producers, of the certification authority and
-- CNEL auditors. Never detained people (SPEC hard rule 1): a detained worker has no account.
-- Passwords are kept only as argon2id PHC strings; sessions only as a SHA-256 of the
-- cookie secret, so a copy of the database opens no session.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'producer')),
    producer_id    TEXT REFERENCES producers (id),
    created_at     TEXT NOT NULL,
    CHECK ((role = 'producer') = (producer_id IS NOT NULL))
);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every change made with admin rights, by page, API or command line: the trail the
-- CNEL auditor reads. Status changes are also signed log entries; this adds who did it.
CREATE TABLE admin_actions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
