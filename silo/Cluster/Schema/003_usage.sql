-- Usage records: one row per served request, keyed by the request id (the idempotency key). The
-- record and the counters it moves are written by one function call, so they land together or not
-- at all, and a second call with the same id changes nothing.
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

CREATE INDEX mg_usage_at ON mg_usage (at);

-- Counter semantics are mg_counter's (002): an expired row restarts from the delta.
CREATE FUNCTION mg_usage_record(
    p_request_id text, p_at timestamptz, p_model text, p_account_id text, p_user_name text, p_node_id text,
    p_prompt_tokens integer, p_completion_tokens integer,
    p_keys text[], p_deltas bigint[], p_expires_at timestamptz[])
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mg_usage (request_id, at, model, account_id, user_name, node_id, prompt_tokens, completion_tokens)
    VALUES (p_request_id, p_at, p_model, p_account_id, p_user_name, p_node_id, p_prompt_tokens, p_completion_tokens)
    ON CONFLICT (request_id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO mg_counter AS c (key, value, expires_at)
    SELECT u.key, u.delta, u.expires_at
    FROM unnest(p_keys, p_deltas, p_expires_at) AS u(key, delta, expires_at)
    ORDER BY u.key
    ON CONFLICT (key) DO UPDATE
    SET value = CASE WHEN c.expires_at <= p_at THEN 0 ELSE c.value END + EXCLUDED.value,
        expires_at = EXCLUDED.expires_at;
    RETURN true;
END
$$;
