-- The console's lists (docs/console-data.md): newest first, filtered, paged by keyset (the last row's time and id),
-- so a page costs the same however deep it is. Each filter the console offers has an index that starts with it and
-- ends with the time; the user and account filters on usage already have theirs (001).
CREATE INDEX IF NOT EXISTS mg_usage_at ON mg_usage (at_ms, request_id);
CREATE INDEX IF NOT EXISTS mg_usage_model_at ON mg_usage (model, at_ms);

CREATE INDEX IF NOT EXISTS mg_biz_order_at ON mg_biz_order (at_ms, order_id);
CREATE INDEX IF NOT EXISTS mg_biz_order_user ON mg_biz_order (user_id, at_ms);

-- A wallet's postings, newest first: the legs of one org's account joined to their transaction's time.
CREATE INDEX IF NOT EXISTS mg_ledger_txn_org_at ON mg_ledger_txn (org_id, at_ms);

-- The video tasks as the console lists them: one row per task, rewritten by the task's grain at each state write
-- (the grain's state stays the truth; this is its searchable copy, the way mg_usage is for requests).
CREATE TABLE IF NOT EXISTS mg_video_task (
    task_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    state TEXT NOT NULL,
    settlement TEXT NOT NULL,
    amount INTEGER NOT NULL,
    error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS mg_video_task_at ON mg_video_task (created_ms, task_id);
CREATE INDEX IF NOT EXISTS mg_video_task_user ON mg_video_task (user_id, created_ms);
CREATE INDEX IF NOT EXISTS mg_video_task_org ON mg_video_task (org_id, created_ms);
CREATE INDEX IF NOT EXISTS mg_video_task_status ON mg_video_task (status, created_ms);
