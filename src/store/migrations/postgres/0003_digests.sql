-- Digests: one message per scheduled occurrence listing the briefs new since the last one.
-- Times are Unix seconds; the schedule is kept as typed fields (HH:MM, an IANA zone, days),
-- read by deliver::schedule. The other backend's migration of the same number keeps the same
-- tables and columns.

CREATE TABLE digests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    creator_id BIGINT NOT NULL,
    -- The topic as typed, and as matched (typos corrected once, at creation); '' lists every
    -- new brief.
    topic_typed TEXT NOT NULL,
    topic TEXT NOT NULL,
    -- 'HH:MM', local time in timezone.
    time TEXT NOT NULL,
    -- An IANA name, as the bundled database spells it.
    timezone TEXT NOT NULL,
    -- 'daily', 'weekdays', or days such as 'mon,wed,fri'.
    days TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The occurrence of the last digest sent (posted, or found empty), and the end of the
    -- window it covered: the next digest lists the briefs first seen after covered_until
    -- (after created_at for the first).
    last_occurrence BIGINT,
    covered_until BIGINT,
    -- Why posting stopped (missing permission, unknown channel); NULL: active.
    paused_reason TEXT
);
CREATE UNIQUE INDEX digests_channel_topic ON digests (channel_id, topic);
CREATE INDEX digests_guild ON digests (guild_id);

-- One row per occurrence a process took in hand: what makes a digest go out once. A claim is
-- an INSERT that conflicts for everyone but the first; a claim whose holder died is taken
-- over once claim_until has passed.
CREATE TABLE digest_runs (
    digest_id BIGINT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    occurrence BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'skipped')),
    claimed_by TEXT,
    claim_until BIGINT,
    -- The message posted; NULL for an empty digest not posted (digest_empty = "skip").
    message_id BIGINT,
    PRIMARY KEY (digest_id, occurrence)
);

-- "New since": the digests read the briefs first seen in their window.
CREATE INDEX seen_briefs_first_seen ON seen_briefs (first_seen);
