-- Multiplies the bundled registry for scripts/bench-vs-postgraphile.sh --scale N.
--
-- Defines pg_temp.versus_scale(copies): every original state (id below 1,000,000) gets
-- `copies` copies with new codes, each with copies of its memberships, commitments (and
-- their reservations), positions, the evidence it is responsible for (with its responsible
-- states), that evidence's assessments, and the copied records' sources and dataset entries.
-- Copy k of a row has id `id + k * 1000000`, and every foreign key to a copied table is moved
-- the same way, so foreign keys hold; forums, instruments, provisions and sources are shared
-- with the originals. Unique keys hold by construction: a copied state's code is the digit k
-- then two letters from its rank (`1AA`, `1AB` ...), its alpha-2 code two characters that no
-- original (two upper-case letters) has, an evidence slug gets `~k`; commitments and
-- assessments are unique per state, and each copy has its own state. Copies keep every column
-- of their original (status PUBLISHED like the originals, dates, texts), so the answers'
-- shapes stay the same. Deterministic: the same data and `copies` give the same rows.
-- Copies the rows of `tbl` that match `originals`, changed by the SET list `changes`. Rows go
-- through a temporary table of the same row type, so every column (including ones added by
-- later migrations) is carried over without listing it.
CREATE FUNCTION pg_temp.versus_copy(tbl text, originals text, changes text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TEMP TABLE versus_copy AS SELECT * FROM %I WHERE %s', tbl, originals);
    EXECUTE format('UPDATE versus_copy SET %s', changes);
    EXECUTE format('INSERT INTO %I SELECT * FROM versus_copy', tbl);
    DROP TABLE versus_copy;
END
$$;

CREATE FUNCTION pg_temp.versus_scale(copies integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k integer;
    m constant integer := 1000000;
    n_states integer;
    t text;
    first_chars constant text := '0123456789abcdefghijklmnopqrstuvwxyz';
    second_chars constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    kinds constant text[] := ARRAY['STATE', 'MEMBERSHIP', 'COMMITMENT', 'POSITION', 'EVIDENCE', 'ASSESSMENT'];
BEGIN
    SELECT count(*) INTO n_states FROM states WHERE id < m;
    IF (SELECT max(id) FROM states) >= m THEN
        RAISE EXCEPTION 'the database is already scaled (a state id is at least %)', m;
    END IF;
    IF copies < 0 OR copies > 35 OR n_states > 676 OR copies * n_states > 36 * 62 THEN
        RAISE EXCEPTION 'cannot make % copies of % states with unique 3- and 2-character codes', copies, n_states;
    END IF;
    FOR k IN 1..copies LOOP
        -- States get new codes by rank, which pg_temp.versus_copy's SET list cannot express.
        CREATE TEMP TABLE versus_copy AS SELECT * FROM states WHERE id < m;
        UPDATE versus_copy c
           SET code = substr(first_chars, k + 1, 1) || chr(65 + r.i / 26) || chr(65 + r.i % 26),
               alpha2 = substr(first_chars, ((k - 1) * n_states + r.i) / 62 + 1, 1)
                        || substr(second_chars, ((k - 1) * n_states + r.i) % 62 + 1, 1),
               name = c.name || ' (copy ' || k || ')',
               id = c.id + k * m
          FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1)::integer AS i FROM versus_copy) r
         WHERE c.id = r.id;
        INSERT INTO states SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        PERFORM pg_temp.versus_copy('memberships', 'id < 1000000',
            format('id = id + %1$s, state_id = state_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('commitments', 'id < 1000000',
            format('id = id + %1$s, state_id = state_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('commitment_reservations', 'commitment_id < 1000000',
            format('commitment_id = commitment_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('positions', 'id < 1000000',
            format('id = id + %1$s, state_id = state_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('evidence', 'id < 1000000',
            format('id = id + %1$s, slug = slug || %2$L', k * m, '~' || k));
        PERFORM pg_temp.versus_copy('evidence_states', 'evidence_id < 1000000',
            format('evidence_id = evidence_id + %1$s, state_id = state_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('assessments', 'id < 1000000',
            format('id = id + %1$s, evidence_id = evidence_id + %1$s, state_id = state_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('record_sources', format('record_kind = ANY (%L) AND record_id < 1000000', kinds),
            format('record_id = record_id + %1$s', k * m));
        PERFORM pg_temp.versus_copy('dataset_records', format('record_kind = ANY (%L) AND record_id < 1000000', kinds),
            format('record_id = record_id + %1$s', k * m));
    END LOOP;
    -- Later inserts (none in the benchmark) would otherwise collide with the copies.
    FOREACH t IN ARRAY ARRAY['states', 'memberships', 'commitments', 'positions', 'evidence', 'assessments'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %I))', t, t);
    END LOOP;
END
$$;
