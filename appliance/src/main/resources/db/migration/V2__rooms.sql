-- Voice rooms the admin defines (the default room always exists; others may be ad hoc).
-- A shared room is one room for every group; otherwise each group has its own room of that name.
CREATE TABLE rooms (
    name       TEXT PRIMARY KEY,
    capacity   INTEGER NOT NULL CHECK (capacity >= 2),
    shared     INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    created_at INTEGER NOT NULL
);
