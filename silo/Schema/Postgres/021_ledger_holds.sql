-- The holds still open (docs/ledger.md, "Holds that nobody closes"): a reserve inserts its row, the settle or
-- release that closes it deletes the row, both in the ledger transaction of that step. The sweep reads only this
-- small table, by expiry, instead of searching every hold ever written for one without a close.
CREATE TABLE IF NOT EXISTS mg_ledger_hold (
    hold_key text PRIMARY KEY,
    org_id text NOT NULL,
    amount bigint NOT NULL,
    expires_ms bigint NOT NULL
);

CREATE INDEX IF NOT EXISTS mg_ledger_hold_expiry ON mg_ledger_hold (expires_ms);
