-- Unit labels and scans.
--
-- label_secret: 32 random bytes (hex) per lot; a unit label's token is an HMAC of the
-- certificate id and serial under it, so only Origine can make labels for issued serials.
-- Lots registered before labels existed get theirs the first time labels are printed.
ALTER TABLE lots ADD COLUMN label_secret TEXT;

-- One random salt per UTC day. A scan's source is SHA-256(salt || client address): the
-- same client counts once per day, and no raw address is ever stored (SPEC hard rule 1).
CREATE TABLE scan_salts (
    day   TEXT PRIMARY KEY,
    salt  TEXT NOT NULL
);

-- Scans of unit labels, counted per certificate, serial, day and salted source.
-- token_ok = 0 rows record attempts with a missing or wrong token (enumeration).
CREATE TABLE scans (
    certificate_id  TEXT NOT NULL,
    serial          INTEGER NOT NULL,
    day             TEXT NOT NULL,
    source          TEXT NOT NULL,
    token_ok        BOOLEAN NOT NULL,
    count           INTEGER NOT NULL,
    PRIMARY KEY (certificate_id, serial, day, source, token_ok)
);
CREATE INDEX scans_by_source ON scans (certificate_id, source, day);
