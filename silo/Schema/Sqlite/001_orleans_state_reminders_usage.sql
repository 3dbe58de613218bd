-- MirrorGate's embedded schema, version 1 (one SQLite file per node): what Orleans' ADO.NET grain storage and
-- reminder providers need, on tables of our own, and the usage ledger. The same contract and comments as
-- Schema/Postgres/001; only the dialect differs. Times are stored as ISO text (the provider's DateTime
-- parameters) and, in the usage ledger, as Unix milliseconds.

CREATE TABLE orleansquery (
    querykey  TEXT NOT NULL PRIMARY KEY,
    querytext TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE mg_grain_state (
    service_id  TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    key_n0      INTEGER NOT NULL,
    key_n1      INTEGER NOT NULL,
    key_ext     TEXT    NOT NULL,
    payload     BLOB,
    version     INTEGER NOT NULL,
    modified_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (service_id, state_name, key_n0, key_n1, key_ext)
) WITHOUT ROWID;

CREATE TABLE mg_reminder (
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    start_time    TEXT    NOT NULL,
    period        INTEGER NOT NULL,
    grain_hash    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;
CREATE INDEX mg_reminder_ring ON mg_reminder (service_id, grain_hash);

CREATE TABLE mg_usage (
    request_id        TEXT    NOT NULL PRIMARY KEY,
    at_ms             INTEGER NOT NULL,
    model             TEXT    NOT NULL,
    account_id        TEXT,
    user_name         TEXT,
    node_id           TEXT    NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX mg_usage_user_at ON mg_usage (user_name, at_ms) WHERE user_name IS NOT NULL;
CREATE INDEX mg_usage_account_at ON mg_usage (account_id, at_ms) WHERE account_id IS NOT NULL;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM mg_grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = coalesce(@GrainIdExtensionString, '''')
'),
('WriteToStorageKey', '
INSERT INTO mg_grain_state AS s (service_id, state_name, key_n0, key_n1, key_ext, payload, version)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''''), @PayloadBinary, 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM mg_grain_state
              WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
                AND key_ext = coalesce(@GrainIdExtensionString, '''') AND version = @GrainStateVersion)
ON CONFLICT (service_id, state_name, key_n0, key_n1, key_ext) DO UPDATE
SET payload = excluded.payload, version = s.version + 1, modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NOT NULL AND s.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
'),
('ClearStorageKey', '
UPDATE mg_grain_state
SET payload = NULL, version = version + 1, modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE service_id = @ServiceId AND state_name = @GrainTypeString AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = coalesce(@GrainIdExtensionString, '''') AND version = @GrainStateVersion
RETURNING version
');

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', '
INSERT INTO mg_reminder AS r (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time, period = excluded.period, grain_hash = excluded.grain_hash, version = r.version + 1
RETURNING version AS Version
'),
('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_id = @GrainId
'),
('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
'),
('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
'),
('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version
FROM mg_reminder WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
'),
('DeleteReminderRowKey', '
DELETE FROM mg_reminder
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version;
SELECT changes() > 0;
'),
('DeleteReminderRowsKey', '
DELETE FROM mg_reminder WHERE service_id = @ServiceId
');
