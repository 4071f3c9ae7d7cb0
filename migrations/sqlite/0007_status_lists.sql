-- W3C Bitstring Status Lists (docs/ARCHITECTURE.md, "Credentials").

-- Secrets the service makes once and every process shares. 'status_list_key' keys the
-- permutation that places each credential's bit in its status list, so a list does not
-- show the order in which its credentials were issued. Losing it would move every bit:
-- it lives with the log it indexes, in the same backups.
CREATE TABLE service_secrets (
    name    TEXT PRIMARY KEY,
    secret  TEXT NOT NULL
);

-- A status list is derived from every status entry: this partial index finds them
-- without reading the certificates (status entries are few; certificates are not).
CREATE INDEX log_entries_status ON log_entries (kind, seq)
    WHERE kind IN ('certificate_status', 'producer_status');
