-- Buyers (shops, distributors): a role for accounts and tokens, their watch lists,
-- webhooks and the outbox that delivers status changes to them (docs/ARCHITECTURE.md,
-- "Buyers").

-- A buyer token belongs to a buyer account, as a producer token belongs to a producer.
ALTER TABLE api_tokens ADD COLUMN buyer_id TEXT REFERENCES users (id);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('admin', 'auditor', 'producer', 'buyer'));
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_buyer_check
    CHECK ((role = 'buyer') = (buyer_id IS NOT NULL));
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'auditor', 'producer', 'buyer'));

-- Buyers' watch lists: the certificates and producers a buyer follows. A buyer is a web
-- account with the role 'buyer' (a shop or distributor, never a detained person).
CREATE TABLE watch_items (
    buyer_id  TEXT NOT NULL REFERENCES users (id),
    kind      TEXT NOT NULL CHECK (kind IN ('certificate', 'producer')),
    subject   TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (buyer_id, kind, subject)
);
-- Who watches a subject, when its status changes.
CREATE INDEX watch_items_subject ON watch_items (subject, kind);

-- Where a buyer's events are posted (Standard Webhooks). No secret is stored: each
-- webhook's signing secret is derived from a key kept in the keys directory, so a reader
-- of the database cannot sign as Origine.
CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    buyer_id    TEXT NOT NULL REFERENCES users (id),
    url         TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX webhooks_buyer ON webhooks (buyer_id);

-- The outbox: one row per status entry and destination (a webhook id, or 'email' for the
-- buyer's address), written in the same transaction that moves the cursor past the entry,
-- so no event is lost and none is queued twice. The payload is fixed when queued: every
-- retry sends the same bytes under the same message id.
CREATE TABLE notifications (
    id               TEXT PRIMARY KEY,
    buyer_id         TEXT NOT NULL REFERENCES users (id),
    target           TEXT NOT NULL,
    seq              BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    -- Unix milliseconds: when the next attempt is due, and until when a sender holds it.
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT NOT NULL DEFAULT 0,
    delivered_at     TEXT,
    abandoned_at     TEXT,
    UNIQUE (buyer_id, target, seq)
);
CREATE INDEX notifications_due ON notifications (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;

-- Every attempt to deliver a notification: the delivery log a buyer reads per webhook.
CREATE TABLE notification_attempts (
    id               BIGSERIAL PRIMARY KEY,
    notification_id  TEXT NOT NULL,
    target           TEXT NOT NULL,
    at               TEXT NOT NULL,
    status_code      BIGINT,
    error            TEXT,
    delivered        BOOLEAN NOT NULL
);
CREATE INDEX notification_attempts_target ON notification_attempts (target, id);

-- The first log seq whose status entries have not been fanned out yet. It starts at the
-- end of the log: changes made before buyers existed are not news.
CREATE TABLE notification_cursor (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    next  BIGINT NOT NULL
);
INSERT INTO notification_cursor (id, next) SELECT 1, size FROM log_head WHERE id = 1;
