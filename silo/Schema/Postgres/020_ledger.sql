-- The double-entry ledger and its orders (docs/ledger.md). Money is bigint millionths of a yuan and times
-- are Unix milliseconds, as in SQLite: one SQL text (silo/Ledger/SqlLedgerStore.cs) serves both.
-- Invariants: a transaction's postings sum to zero; an account's balance is the sum of its postings (both written
-- in one transaction, the balance row locked by its UPDATE); a transaction id (the step's idempotency key) exists
-- at most once, decided by its primary key, so concurrent retries wait for each other and one wins.
CREATE TABLE IF NOT EXISTS mg_ledger_account (
    org_id text NOT NULL,
    subject text NOT NULL,
    balance bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, subject)
);

CREATE TABLE IF NOT EXISTS mg_ledger_txn (
    txn_id text PRIMARY KEY,
    action text NOT NULL,
    org_id text NOT NULL,
    amount bigint NOT NULL,
    order_id text,
    at_ms bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS mg_ledger_posting (
    txn_id text NOT NULL REFERENCES mg_ledger_txn (txn_id),
    leg int NOT NULL,
    org_id text NOT NULL,
    subject text NOT NULL,
    delta bigint NOT NULL,
    PRIMARY KEY (txn_id, leg)
);

CREATE INDEX IF NOT EXISTS mg_ledger_posting_account ON mg_ledger_posting (org_id, subject);

-- biz_order + biz_orderdetail (research D.4). order_status '0' pending (a recharge awaiting payment), '1' done.
CREATE TABLE IF NOT EXISTS mg_biz_order (
    order_id text PRIMARY KEY,
    seq bigserial NOT NULL,
    customer_id text NOT NULL,
    reseller_id text NOT NULL,
    provider_id text,
    user_id text NOT NULL,
    business_op text NOT NULL,
    product_id text NOT NULL,
    product_name text NOT NULL,
    model text NOT NULL,
    usage text NOT NULL,
    amount bigint NOT NULL,
    cost bigint NOT NULL,
    at_ms bigint NOT NULL,
    order_date text NOT NULL,
    order_status text NOT NULL,
    accounting_status text NOT NULL
);

CREATE INDEX IF NOT EXISTS mg_biz_order_customer ON mg_biz_order (customer_id, at_ms DESC, seq DESC);

CREATE TABLE IF NOT EXISTS mg_biz_orderdetail (
    order_id text NOT NULL REFERENCES mg_biz_order (order_id),
    product_id text NOT NULL,
    product_cnt int NOT NULL,
    trans_amount bigint NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
