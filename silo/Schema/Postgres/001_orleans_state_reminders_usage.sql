-- MirrorGate's cluster schema, version 1: what Orleans' ADO.NET grain storage and reminder providers need, on
-- tables of our own, and the usage ledger. Written from the providers' query contract (parameters, result
-- columns, version semantics); Orleans' own scripts are not used.

-- The home-made runtime's tables (schema versions 1-5 of mg_schema_version) are replaced; their state is not
-- carried over.
DROP TABLE IF EXISTS mg_schema_version, mg_node, mg_counter, mg_window_use, mg_lease, mg_grain_state, mg_usage CASCADE;
DROP FUNCTION IF EXISTS mg_counter_increment_smallest, mg_window_reserve, mg_lease_acquire, mg_usage_record CASCADE;

-- The providers read their statements from this table once, when a silo starts (unquoted names: PostgreSQL
-- folds OrleansQuery, QueryKey and QueryText to these).
CREATE TABLE orleansquery (
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);

-- Grain state. The primary key is the whole identity, so of two activations racing to write a grain first,
-- exactly one insert wins; every later write compares on version. The silo stores every state under a key that
-- names its grain type ("account/x@y.z"), so the provider's identity (service, state name, key) cannot mix two
-- grain types up or read a key of hex digits as a number. A clear keeps the row with a null payload, so versions
-- only grow. Versions are 32-bit: the provider parses them as int.
CREATE TABLE mg_grain_state (
    service_id  text        NOT NULL,
    state_name  text        NOT NULL,
    key_n0      bigint      NOT NULL,
    key_n1      bigint      NOT NULL,
    key_ext     text        NOT NULL,
    payload     bytea,
    version     integer     NOT NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, key_n0, key_n1, key_ext)
);

-- Reminders: one row per (grain, name); grain_hash places it on the silos' ring.
CREATE TABLE mg_reminder (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period        bigint      NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX mg_reminder_ring ON mg_reminder (service_id, grain_hash);

-- Usage records: one row per served request, keyed by the request id (the idempotency key). The admin use
-- counts are read from here.
CREATE TABLE mg_usage (
    request_id        text        PRIMARY KEY,
    at                timestamptz NOT NULL,
    model             text        NOT NULL,
    account_id        text,
    user_name         text,
    node_id           text        NOT NULL,
    prompt_tokens     integer     NOT NULL,
    completion_tokens integer     NOT NULL
);
CREATE INDEX mg_usage_user_at ON mg_usage (user_name, at) WHERE user_name IS NOT NULL;
CREATE INDEX mg_usage_account_at ON mg_usage (account_id, at) WHERE account_id IS NOT NULL;

-- The grain storage contract. Parameters: ServiceId, GrainTypeString (the state name), GrainIdN0, GrainIdN1,
-- GrainIdExtensionString, GrainStateVersion (null before the first write), PayloadBinary; the two hashes are
-- Orleans' own index helpers and are not needed with this key.
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payload AS PayloadBinary, version AS Version
FROM mg_grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = coalesce(@GrainIdExtensionString, '')
$q$),
-- One statement. The SELECT yields a row only when the write may happen: a first write (no version), or a
-- version that is the stored one. A first write inserts (the primary key refuses a second); a later write
-- conflicts on the key and updates only if the stored version is still the one read. Nothing returned (a lost
-- race) or the old version is what the provider reads as InconsistentStateException.
('WriteToStorageKey', $q$
INSERT INTO mg_grain_state AS s (service_id, state_name, key_n0, key_n1, key_ext, payload, version)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1
WHERE CAST(@GrainStateVersion AS integer) IS NULL
   OR EXISTS (SELECT 1 FROM mg_grain_state
              WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
                AND key_ext = coalesce(@GrainIdExtensionString, '') AND version = @GrainStateVersion)
ON CONFLICT (service_id, state_name, key_n0, key_n1, key_ext) DO UPDATE
SET payload = EXCLUDED.payload, version = s.version + 1, modified_at = now()
WHERE CAST(@GrainStateVersion AS integer) IS NOT NULL AND s.version = @GrainStateVersion
RETURNING s.version AS NewGrainStateVersion
$q$),
('ClearStorageKey', $q$
UPDATE mg_grain_state
SET payload = NULL, version = version + 1, modified_at = now()
WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = coalesce(@GrainIdExtensionString, '') AND version = @GrainStateVersion
RETURNING version
$q$);

-- The reminder contract: all seven statements are required. GrainHash, BeginHash and EndHash are the ring
-- positions as signed ints; Period is milliseconds; DeleteReminderRowKey must answer one row whose value says
-- whether the row was deleted.
INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
INSERT INTO mg_reminder AS r (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash, version = r.version + 1
RETURNING version AS Version
$q$),
('ReadReminderRowsKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),
('ReadReminderRowKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),
('ReadRangeRows1Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM mg_reminder
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
    RETURNING 1)
SELECT count(*) > 0 FROM deleted
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM mg_reminder WHERE service_id = @ServiceId
$q$);
