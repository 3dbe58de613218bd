-- The audit log (docs/console.md, "Audit"): one row per change made through the admin APIs. seq orders rows written
-- in the same millisecond; the summary has every secret field removed before it gets here.
CREATE TABLE IF NOT EXISTS mg_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id TEXT NOT NULL UNIQUE,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    target TEXT NULL,
    summary TEXT NOT NULL,
    status INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS mg_audit_actor ON mg_audit (actor, seq);
