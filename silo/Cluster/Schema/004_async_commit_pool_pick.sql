-- The pool pick holds the candidate accounts' in-flight rows locked until it commits, and every
-- request in the cluster picks, so waiting for the WAL flush at that commit made picks queue behind one
-- another (bench/results/cluster.md). In-flight counts are a load-balancing hint with an expiry safety
-- net, not a record: this transaction alone commits without waiting for the flush. A server crash may
-- forget the last milliseconds of picks, which the expiry heals; it cannot corrupt anything.
CREATE OR REPLACE FUNCTION mg_counter_increment_smallest(p_keys text[], p_now timestamptz, p_expires_at timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_chosen text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO mg_counter (key, value, expires_at)
    SELECT DISTINCT k, 0::bigint, p_expires_at FROM unnest(p_keys) AS k ORDER BY k
    ON CONFLICT (key) DO NOTHING;

    PERFORM 1 FROM mg_counter WHERE key = ANY (p_keys) ORDER BY key FOR UPDATE;

    SELECT c.key INTO v_chosen
    FROM unnest(p_keys) WITH ORDINALITY AS k(key, ord)
    JOIN mg_counter c ON c.key = k.key
    ORDER BY CASE WHEN c.expires_at <= p_now THEN 0 ELSE c.value END, k.ord
    LIMIT 1;

    UPDATE mg_counter
    SET value = CASE WHEN expires_at <= p_now THEN 0 ELSE value END + 1,
        expires_at = p_expires_at
    WHERE key = v_chosen;

    RETURN v_chosen;
END
$$;
