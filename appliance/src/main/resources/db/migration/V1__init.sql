-- sitewatch schema, version 1. Times are epoch milliseconds; sets are JSON arrays of strings.

CREATE TABLE groups (
    name TEXT PRIMARY KEY
) WITHOUT ROWID;

INSERT INTO groups (name) VALUES ('default');

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    location   TEXT NOT NULL DEFAULT '',
    grp        TEXT NOT NULL REFERENCES groups (name),
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at INTEGER NOT NULL
);

-- Lets a group delete check its sites without a scan (foreign key child index).
CREATE INDEX sites_grp ON sites (grp);

CREATE TABLE operators (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    groups        TEXT,              -- NULL: every group
    created_at    INTEGER NOT NULL
);

-- The secret is never stored, only its SHA-256; a hello reads one row by id.
CREATE TABLE tokens (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('SITE', 'OPERATOR')),
    subject     TEXT NOT NULL,       -- site id or operator name
    secret_hash BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER              -- NULL: never
);

CREATE INDEX tokens_subject ON tokens (kind, subject);
CREATE INDEX tokens_expiry ON tokens (expires_at) WHERE expires_at IS NOT NULL;

-- AUTOINCREMENT so a seq is never reused after pruning: clients page with "after seq".
CREATE TABLE events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    session TEXT,
    peer    TEXT,
    detail  TEXT
);

CREATE INDEX events_at ON events (at);

-- Signaling sessions kept across a restart so clients can resume (protocol.md, Reconnect).
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    resume_hash   TEXT,
    role          TEXT NOT NULL CHECK (role IN ('SITE', 'OPERATOR')),
    subject       TEXT NOT NULL,     -- site id or operator name
    name          TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    grp           TEXT,              -- a site's group
    groups        TEXT,              -- an operator's groups; NULL: every group
    watching      TEXT NOT NULL,
    rooms         TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Which session controls a site. No foreign key: the core checks the pair when it restores.
CREATE TABLE control (
    site    TEXT PRIMARY KEY,
    session TEXT NOT NULL
) WITHOUT ROWID;
