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
        -- Rows are copied through a temporary table of the same row type, so every column
        -- (including ones added by later migrations) is carried over without listing it.
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

        CREATE TEMP TABLE versus_copy AS SELECT * FROM memberships WHERE id < m;
        UPDATE versus_copy SET id = id + k * m, state_id = state_id + k * m;
        INSERT INTO memberships SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM commitments WHERE id < m;
        UPDATE versus_copy SET id = id + k * m, state_id = state_id + k * m;
        INSERT INTO commitments SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM commitment_reservations WHERE commitment_id < m;
        UPDATE versus_copy SET commitment_id = commitment_id + k * m;
        INSERT INTO commitment_reservations SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM positions WHERE id < m;
        UPDATE versus_copy SET id = id + k * m, state_id = state_id + k * m;
        INSERT INTO positions SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM evidence WHERE id < m;
        UPDATE versus_copy SET id = id + k * m, slug = slug || '~' || k;
        INSERT INTO evidence SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM evidence_states WHERE evidence_id < m;
        UPDATE versus_copy SET evidence_id = evidence_id + k * m, state_id = state_id + k * m;
        INSERT INTO evidence_states SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS SELECT * FROM assessments WHERE id < m;
        UPDATE versus_copy
           SET id = id + k * m, evidence_id = evidence_id + k * m, state_id = state_id + k * m;
        INSERT INTO assessments SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS
            SELECT * FROM record_sources WHERE record_kind = ANY (kinds) AND record_id < m;
        UPDATE versus_copy SET record_id = record_id + k * m;
        INSERT INTO record_sources SELECT * FROM versus_copy;
        DROP TABLE versus_copy;

        CREATE TEMP TABLE versus_copy AS
            SELECT * FROM dataset_records WHERE record_kind = ANY (kinds) AND record_id < m;
        UPDATE versus_copy SET record_id = record_id + k * m;
        INSERT INTO dataset_records SELECT * FROM versus_copy;
        DROP TABLE versus_copy;
    END LOOP;
    -- Later inserts (none in the benchmark) would otherwise collide with the copies.
    FOREACH t IN ARRAY ARRAY['states', 'memberships', 'commitments', 'positions', 'evidence', 'assessments'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %I))', t, t);
    END LOOP;
END
$$;
