-- Follows, the briefs seen so far, and the deliveries queued for follows.
-- Discord ids are stored as signed 64-bit integers (they are below 2^63); times are Unix
-- seconds. The PostgreSQL migration of the same number keeps the same tables and columns.

CREATE TABLE follows (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 'channel': posted in a server's channel; 'personal': sent to a member by DM.
    scope TEXT NOT NULL CHECK (scope IN ('channel', 'personal')),
    guild_id BIGINT,
    channel_id BIGINT,
    -- The member a personal follow is delivered to.
    user_id BIGINT,
    creator_id BIGINT NOT NULL,
    -- The topic as typed, and as followed (typos corrected once, at creation); '' follows
    -- every brief.
    topic_typed TEXT NOT NULL,
    topic TEXT NOT NULL,
    ping_role_id BIGINT,
    created_at BIGINT NOT NULL,
    last_posted_at BIGINT,
    -- Why delivery stopped (missing permission, unknown channel, DMs refused); NULL: active.
    paused_reason TEXT,
    CHECK ((scope = 'channel' AND guild_id IS NOT NULL AND channel_id IS NOT NULL AND user_id IS NULL)
        OR (scope = 'personal' AND user_id IS NOT NULL AND channel_id IS NULL))
);
CREATE UNIQUE INDEX follows_channel_topic ON follows (channel_id, topic) WHERE scope = 'channel';
CREATE UNIQUE INDEX follows_user_topic ON follows (user_id, topic) WHERE scope = 'personal';
CREATE INDEX follows_guild ON follows (guild_id);

CREATE TABLE seen_briefs (
    brief_id TEXT PRIMARY KEY,
    first_seen BIGINT NOT NULL,
    -- What the brief said when last seen: an edit changes it (and its revision).
    content_hash TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    follow_id BIGINT NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    brief_id TEXT NOT NULL,
    -- 0: the brief is new; n > 0: its n-th edit ("Updated: ...", with announce_updates).
    revision BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    queued_at BIGINT NOT NULL,
    sent_at BIGINT,
    message_id BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    UNIQUE (follow_id, brief_id, revision)
);
CREATE INDEX deliveries_state ON deliveries (state, follow_id);

-- Facts about the database itself ('seen_initialised': the briefs present at the first
-- start were recorded as seen, so that later ones are announced).
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
