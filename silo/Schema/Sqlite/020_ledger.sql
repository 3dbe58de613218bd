-- The double-entry ledger and its orders (docs/ledger.md). Money is INTEGER millionths of a yuan: SQLite has no
-- decimal type. Invariants: a transaction's postings sum to zero; an account's balance is the sum of its postings
-- (both written in one transaction); a transaction id (the step's idempotency key) exists at most once.
CREATE TABLE IF NOT EXISTS mg_ledger_account (
    org_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, subject)
);

CREATE TABLE IF NOT EXISTS mg_ledger_txn (
    txn_id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    org_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    order_id TEXT,
    at_ms INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS mg_ledger_posting (
    txn_id TEXT NOT NULL REFERENCES mg_ledger_txn (txn_id),
    leg INTEGER NOT NULL,
    org_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    delta INTEGER NOT NULL,
    PRIMARY KEY (txn_id, leg)
);

CREATE INDEX IF NOT EXISTS mg_ledger_posting_account ON mg_ledger_posting (org_id, subject);

-- biz_order + biz_orderdetail (research D.4). order_status '0' pending (a recharge awaiting payment), '1' done.
CREATE TABLE IF NOT EXISTS mg_biz_order (
    order_id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    reseller_id TEXT NOT NULL,
    provider_id TEXT,
    user_id TEXT NOT NULL,
    business_op TEXT NOT NULL,
    product_id TEXT NOT NULL,
    product_name TEXT NOT NULL,
    model TEXT NOT NULL,
    usage TEXT NOT NULL,
    amount INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    order_date TEXT NOT NULL,
    order_status TEXT NOT NULL,
    accounting_status TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS mg_biz_order_customer ON mg_biz_order (customer_id, at_ms DESC);

CREATE TABLE IF NOT EXISTS mg_biz_orderdetail (
    order_id TEXT NOT NULL REFERENCES mg_biz_order (order_id),
    product_id TEXT NOT NULL,
    product_cnt INTEGER NOT NULL,
    trans_amount INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
