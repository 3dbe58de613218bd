-- Grain state: a real primary key per (grain type, key, state name), so the database itself decides
-- which of two racing first writes wins (INSERT ... ON CONFLICT DO NOTHING), and a version that every
-- later write compares on. A clear keeps the row with a null payload, so versions never go back.
CREATE TABLE mg_grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    payload     bytea,
    version     bigint      NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- Membership: one row per node run (a restarted process is a new node id). The heartbeat is a plain
-- update; status changes bump the row's version. A row whose heartbeat is older than the configured
-- limit is shown as dead.
CREATE TABLE mg_node (
    node_id      text        PRIMARY KEY,
    address      text,
    status       text        NOT NULL,
    version      bigint      NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    load         integer     NOT NULL DEFAULT 0
);
