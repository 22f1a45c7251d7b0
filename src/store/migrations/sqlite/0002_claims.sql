-- Claims: several processes share one database, and each delivery is sent by the one
-- process that claimed it. A claim lasts until claim_until (Unix seconds); a process that
-- dies with a claim in hand leaves it to be taken again once that time has passed.
-- The PostgreSQL migration of the same number adds the same columns and index.

ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claim_until BIGINT;
-- The claim looks at queued rows only, oldest first: a small part of the table, in id order.
CREATE INDEX deliveries_claimable ON deliveries (id, claim_until) WHERE state = 'queued';
