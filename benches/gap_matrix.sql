-- The gap matrix in one PostgreSQL query: the hand-written baseline of the gap benchmark
-- (benches/gap.rs, docs/benchmarks.md).
--
-- One row per state and provision with the gap status at the as-of date and the number of
-- counting CONTRADICTS and SUPPORTS assessments, following docs/gap-method.md (methodology 1.0)
-- and api/src/gap/rules.rs rule by rule. The benchmark runs it through the API's own connection
-- pool and checks that its cells equal the cells of the `gapMatrix` query, which cross-checks
-- the two implementations of the method.
--
-- The as-of date is the one literal in `params`; change it there. Run it by hand with
--   psql postgres://postgres@127.0.0.1:5432/normwatch_bench -c '\timing on' -f benches/gap_matrix.sql -o /dev/null

WITH params AS (
    SELECT DATE '2024-01-01' AS as_of
),
-- Rules a and c: published, dated withdrawals on or before the as-of date. An undated
-- withdrawal cannot be placed in time, so it ends nothing.
withdrawals AS (
    SELECT w.state_id, w.instrument_id, w.valid_from AS withdrawn_on
    FROM commitments w, params
    WHERE w.act = 'WITHDREW'
      AND w.status = 'PUBLISHED'
      AND w.valid_from IS NOT NULL
      AND w.valid_from <= params.as_of
),
-- Rules a, c and d: the commitments valid at the as-of date, before reservations. A dated one
-- has started, has not ended (the as-of date is before valid_to), and no withdrawal falls on or
-- after its start (the same day included). An undated one is ended by any withdrawal.
valid_commitments AS (
    SELECT c.id, c.state_id, c.instrument_id, c.valid_from
    FROM commitments c, params
    WHERE c.status = 'PUBLISHED'
      AND c.act <> 'WITHDREW'
      AND (c.valid_to IS NULL OR params.as_of < c.valid_to)
      AND (c.valid_from IS NULL OR c.valid_from <= params.as_of)
      AND NOT EXISTS (
          SELECT 1
          FROM withdrawals w
          WHERE w.state_id = c.state_id
            AND w.instrument_id = c.instrument_id
            AND (c.valid_from IS NULL OR w.withdrawn_on >= c.valid_from)
      )
),
-- Rules b and e: a commitment covers every provision of its instrument that it did not
-- reserve. A cell is committed when a valid commitment covers it; committed_since is the
-- earliest start of a valid dated one, NULL when all of them are undated (rule d).
committed AS (
    SELECT v.state_id, p.id AS provision_id, min(v.valid_from) AS committed_since
    FROM valid_commitments v
    JOIN provisions p ON p.instrument_id = v.instrument_id
    WHERE NOT EXISTS (
        SELECT 1
        FROM commitment_reservations r
        WHERE r.commitment_id = v.id
          AND r.provision_id = p.id
    )
    GROUP BY v.state_id, p.id
),
-- Rules a and f: published assessments of published evidence that began on or before the
-- as-of date and lasted (to the last day of its period, section 8) until committed_since or
-- later. Under an undated commitment all of them count. Cells that are not committed only have
-- context, so the inner join leaves them out.
counting AS (
    SELECT a.state_id,
           a.provision_id,
           count(*) FILTER (WHERE a.finding = 'CONTRADICTS') AS contradicting,
           count(*) FILTER (WHERE a.finding = 'PARTIALLY_CONTRADICTS') AS partially_contradicting,
           count(*) FILTER (WHERE a.finding = 'SUPPORTS') AS supporting
    FROM assessments a
    JOIN committed k ON k.state_id = a.state_id AND k.provision_id = a.provision_id
    JOIN evidence e ON e.id = a.evidence_id
    CROSS JOIN params
    WHERE a.status = 'PUBLISHED'
      AND e.status = 'PUBLISHED'
      AND e.occurred_from <= params.as_of
      AND (
          k.committed_since IS NULL
          -- The evidence's last day: the later of the ends of its start and of its end period.
          -- GREATEST ignores the NULL of a single event (no occurred_to).
          OR GREATEST(
              CASE e.occurred_from_precision
                  WHEN 'YEAR' THEN (date_trunc('year', e.occurred_from) + INTERVAL '1 year - 1 day')::date
                  WHEN 'MONTH' THEN (date_trunc('month', e.occurred_from) + INTERVAL '1 month - 1 day')::date
                  ELSE e.occurred_from
              END,
              CASE e.occurred_to_precision
                  WHEN 'YEAR' THEN (date_trunc('year', e.occurred_to) + INTERVAL '1 year - 1 day')::date
                  WHEN 'MONTH' THEN (date_trunc('month', e.occurred_to) + INTERVAL '1 month - 1 day')::date
                  ELSE e.occurred_to
              END
          ) >= k.committed_since
      )
    GROUP BY a.state_id, a.provision_id
)
-- Rule g: every state and provision, the most serious counting finding deciding.
SELECT s.code AS state,
       p.code AS provision,
       CASE
           WHEN k.state_id IS NULL THEN 'NOT_COMMITTED'
           WHEN n.contradicting > 0 THEN 'CONTRADICTED'
           WHEN n.partially_contradicting > 0 THEN 'PARTIAL'
           WHEN n.supporting > 0 THEN 'IMPLEMENTED'
           ELSE 'UNVERIFIED'
       END AS status,
       coalesce(n.contradicting, 0) AS contradicting,
       coalesce(n.supporting, 0) AS supporting
FROM states s
CROSS JOIN provisions p
LEFT JOIN committed k ON k.state_id = s.id AND k.provision_id = p.id
LEFT JOIN counting n ON n.state_id = s.id AND n.provision_id = p.id
ORDER BY s.code, p.code;
