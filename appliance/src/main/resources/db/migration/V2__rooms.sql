-- Voice rooms the admin defines (the default room always exists; others may be ad hoc).
CREATE TABLE rooms (
    name       TEXT PRIMARY KEY,
    capacity   INTEGER NOT NULL CHECK (capacity >= 2),
    created_at INTEGER NOT NULL
);
