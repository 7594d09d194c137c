-- sitewatch schema, version 2: the index of recording chunks. Their files live under
-- DATA_DIR/recordings; an index row exists only while its file does (design.md, Storage).

-- One continuous publishing session of a site; its columns summarise its chunks.
-- No foreign key to sites: recordings are evidence and outlive a removed site until retention.
CREATE TABLE recordings (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL,
    mime_type  TEXT NOT NULL,
    started_at INTEGER NOT NULL,     -- the first chunk's start
    ended_at   INTEGER NOT NULL,     -- the latest chunk end
    chunks     INTEGER NOT NULL,
    bytes      INTEGER NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL
);

CREATE INDEX recordings_site_time ON recordings (site_id, started_at);
CREATE INDEX recordings_time ON recordings (started_at);

CREATE TABLE chunks (
    recording_id TEXT NOT NULL REFERENCES recordings (id),
    seq          INTEGER NOT NULL,
    site_id      TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    mime_type    TEXT NOT NULL,
    path         TEXT NOT NULL,      -- relative to DATA_DIR/recordings
    stored_at    INTEGER NOT NULL,
    PRIMARY KEY (recording_id, seq)
) WITHOUT ROWID;

-- Retention walks chunks oldest first.
CREATE INDEX chunks_time ON chunks (started_at, recording_id, seq);
