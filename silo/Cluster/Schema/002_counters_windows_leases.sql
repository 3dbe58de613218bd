-- Counters, rate windows and leases: the values that must be exact across nodes.
--
-- Invariants:
--   * Every change is one statement or one function call (one implicit transaction), so no
--     interleaving of nodes can overshoot a limit, lose an increment or hand a lease to two holders.
--   * "Now" is always a parameter, written by the calling node's clock; now() is never used for a
--     decision, so the contract tests can move time and all nodes judge expiry the same way.
--   * Keys compare byte-wise (COLLATE "C"), so a prefix read is an index range whatever the
--     database's default collation is.

-- Counters. A row whose expires_at has passed counts as zero: reads skip it and the next write starts
-- it again from its delta. Until the housekeeping node sweeps them, the next write to the key reuses the row.
CREATE TABLE mg_counter (
    key        text COLLATE "C" PRIMARY KEY,
    value      bigint      NOT NULL,
    expires_at timestamptz
);

-- Adds one to the smallest live counter among p_keys (the first in the given order on a tie) and
-- returns its key. Missing rows are created at zero first, then every candidate row is locked in key
-- order (the same order for every caller, so two overlapping picks cannot deadlock) before the
-- comparison, so concurrent picks see each other's increments and spread evenly. p_expires_at null
-- means no expiry, as for a plain add without a time to live.
CREATE FUNCTION mg_counter_increment_smallest(p_keys text[], p_now timestamptz, p_expires_at timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_chosen text;
BEGIN
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

-- Rate windows: one row per use still (possibly) inside its window. Uses of a key older than the
-- window are deleted when that key is next reserved.
CREATE TABLE mg_window_use (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key      text COLLATE "C" NOT NULL,
    taken_at timestamptz NOT NULL
);

CREATE INDEX mg_window_use_key_taken_at ON mg_window_use (key, taken_at);

-- Takes one use of p_key when fewer than p_limit were taken in the p_window before p_now. Callers on
-- the same key are serialised by a transaction-scoped advisory lock (the two-number form, whose first
-- number, 'mgrw' in ASCII, marks "rate window", so it never meets the single-number locks used
-- elsewhere; a hash collision between two keys only makes them take turns); callers on
-- other keys do not wait. A refusal says when the oldest use leaves the window.
CREATE FUNCTION mg_window_reserve(p_key text, p_now timestamptz, p_window interval, p_limit integer,
    OUT granted boolean, OUT reservation_id bigint, OUT used integer, OUT retry_after interval)
LANGUAGE plpgsql AS $$
DECLARE
    v_oldest timestamptz;
BEGIN
    PERFORM pg_advisory_xact_lock(1835496055, hashtext(p_key));

    DELETE FROM mg_window_use WHERE key = p_key AND taken_at <= p_now - p_window;

    SELECT count(*), min(taken_at) INTO used, v_oldest FROM mg_window_use WHERE key = p_key;

    IF used < p_limit THEN
        INSERT INTO mg_window_use (key, taken_at) VALUES (p_key, p_now) RETURNING id INTO reservation_id;
        granted := true;
        used := used + 1;
        retry_after := interval '0';
    ELSE
        granted := false;
        reservation_id := 0;
        retry_after := CASE WHEN v_oldest IS NULL THEN p_window ELSE v_oldest + p_window - p_now END;
    END IF;
END
$$;

-- Leases. A row is never deleted: a released or expired lease keeps its fence, so the next holder's
-- fence is always larger than every earlier one.
CREATE TABLE mg_lease (
    name       text COLLATE "C" PRIMARY KEY,
    owner      text        NOT NULL,
    fence      bigint      NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Takes the lease p_name for p_owner until p_expires_at and returns its fence, or null when someone
-- holds it. A first taker inserts fence 1; otherwise the row is locked with SKIP LOCKED, so a caller
-- racing another taker (or the holder's renewal) is told "not acquired" at once instead of queueing,
-- and the row is taken over only if expired, with the next fence.
CREATE FUNCTION mg_lease_acquire(p_name text, p_owner text, p_now timestamptz, p_expires_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_fence bigint;
    v_expires_at timestamptz;
BEGIN
    INSERT INTO mg_lease (name, owner, fence, expires_at) VALUES (p_name, p_owner, 1, p_expires_at)
    ON CONFLICT (name) DO NOTHING
    RETURNING fence INTO v_fence;
    IF v_fence IS NOT NULL THEN
        RETURN v_fence;
    END IF;

    SELECT fence, expires_at INTO v_fence, v_expires_at FROM mg_lease WHERE name = p_name FOR UPDATE SKIP LOCKED;
    IF NOT FOUND OR v_expires_at > p_now THEN
        RETURN NULL;
    END IF;

    UPDATE mg_lease SET owner = p_owner, fence = fence + 1, expires_at = p_expires_at
    WHERE name = p_name
    RETURNING fence INTO v_fence;
    RETURN v_fence;
END
$$;
