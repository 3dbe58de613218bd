-- The pick's insert-if-missing takes no lock on a row that already exists, so the housekeeping sweep
-- could delete an expired candidate row between that insert and the FOR UPDATE; with every candidate
-- swept the pick found nothing and returned NULL. Now it inserts and locks again until it holds a row
-- (a sweep cannot delete a locked row). Otherwise as in 004.
CREATE OR REPLACE FUNCTION mg_counter_increment_smallest(p_keys text[], p_now timestamptz, p_expires_at timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_chosen text;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    FOR attempt IN 1..3 LOOP
        INSERT INTO mg_counter (key, value, expires_at)
        SELECT DISTINCT k, 0::bigint, p_expires_at FROM unnest(p_keys) AS k ORDER BY k
        ON CONFLICT (key) DO NOTHING;

        PERFORM 1 FROM mg_counter WHERE key = ANY (p_keys) ORDER BY key FOR UPDATE;

        SELECT c.key INTO v_chosen
        FROM unnest(p_keys) WITH ORDINALITY AS k(key, ord)
        JOIN mg_counter c ON c.key = k.key
        ORDER BY CASE WHEN c.expires_at <= p_now THEN 0 ELSE c.value END, k.ord
        LIMIT 1;

        EXIT WHEN v_chosen IS NOT NULL;
    END LOOP;

    UPDATE mg_counter
    SET value = CASE WHEN expires_at <= p_now THEN 0 ELSE value END + 1,
        expires_at = p_expires_at
    WHERE key = v_chosen;

    RETURN v_chosen;
END
$$;
