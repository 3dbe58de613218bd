-- The audit log (docs/console.md, "Audit"): one row per change made through the admin APIs. seq orders rows written
-- in the same millisecond; the summary has every secret field removed before it gets here.
CREATE TABLE IF NOT EXISTS mg_audit (
    seq bigserial PRIMARY KEY,
    entry_id text NOT NULL UNIQUE,
    at_ms bigint NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    method text NOT NULL,
    route text NOT NULL,
    target text NULL,
    summary text NOT NULL,
    status integer NOT NULL
);

CREATE INDEX IF NOT EXISTS mg_audit_actor ON mg_audit (actor, seq);
