-- A GTIN belongs to the producer that first certified a lot with it. Without this, another
-- producer could register a lot with the same GTIN and lot code, and the labels printed
-- for the first lot (/01/{gtin}/10/{lot}/...) would stop resolving to it.
--
-- gtin is the 14-digit form (GTIN-8, -12 and -13 padded with zeros on the left), the one
-- GS1 Digital Link URIs carry, so 8012345678907 and 08012345678907 are one GTIN.
CREATE TABLE gtin_owners (
    gtin         TEXT PRIMARY KEY,
    producer_id  TEXT NOT NULL REFERENCES producers (id)
);

-- Lots registered before this rule: each GTIN goes to the producer of its earliest
-- certificate in the log, so a lot registered later with another producer's GTIN (the
-- hijack this prevents) does not take it over.
INSERT INTO gtin_owners (gtin, producer_id)
SELECT gtin, producer_id FROM (
    SELECT substr('00000000000000' || l.gtin, -14, 14) AS gtin, l.producer_id,
           ROW_NUMBER() OVER (PARTITION BY substr('00000000000000' || l.gtin, -14, 14)
                              ORDER BY e.seq) AS n
    FROM lots l
    JOIN log_entries e ON e.kind = 'certificate' AND e.subject = l.certificate_id
    WHERE l.gtin IS NOT NULL
) AS first_lots
WHERE n = 1;
