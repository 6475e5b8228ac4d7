-- The gap matrix in one PostgreSQL query: the hand-written baseline of the gap benchmark
-- (benches/gap.rs, docs/benchmarks.md).
--
-- One row per state and provision: the gap status at the as-of date and the number of counting
-- CONTRADICTS and SUPPORTS assessments, following docs/gap-method.md (methodology 1.0) and
-- api/src/gap/rules.rs rule by rule. The benchmark runs this file as is through the API's own
-- connection pool and checks that its cells equal the cells of the `gapMatrix` query: two
-- independent implementations of the method that agree check each other.
--
-- The as-of date, 2024-01-01, is written as a literal (four times, search for DATE '2024-01-01')
-- rather than taken from a parameters CTE: with the literal the planner knows how much of the
-- evidence it keeps; behind a CTE it guesses a third and picks slower plans (about 20% slower
-- on the benchmark data). Run it by hand with
--   psql postgres://postgres@127.0.0.1:5432/normwatch_bench -c '\timing on' -f benches/gap_matrix.sql -o /dev/null
-- It needs table statistics: the benchmark runs ANALYZE after generating. On a database just
-- loaded in one transaction (the seed loader), run ANALYZE first; without statistics the
-- planner takes every table for one row and nests loops for minutes.

-- Rules a and c: for each state and instrument, its latest published, dated withdrawal on or
-- before the as-of date. An undated withdrawal cannot be placed in time, so it ends nothing.
WITH last_withdrawals AS (
    SELECT w.state_id, w.instrument_id, max(w.valid_from) AS withdrawn_on
    FROM commitments w
    WHERE w.act = 'WITHDREW'
      AND w.status = 'PUBLISHED'
      AND w.valid_from <= DATE '2024-01-01'
    GROUP BY w.state_id, w.instrument_id
),
-- Rules a, c and d: the published commitments valid at the as-of date, before reservations.
-- A commitment is valid when it has started, has not ended (the as-of date is before valid_to)
-- and no withdrawal falls between its start (the same day included) and the as-of date, that
-- is when the latest withdrawal came before its start. An undated commitment is ended by any
-- withdrawal (the comparison with a NULL start is not true).
valid_commitments AS (
    SELECT c.id, c.state_id, c.instrument_id, c.valid_from
    FROM commitments c
    LEFT JOIN last_withdrawals w
      ON w.state_id = c.state_id AND w.instrument_id = c.instrument_id
    WHERE c.status = 'PUBLISHED'
      AND c.act <> 'WITHDREW'
      AND (c.valid_to IS NULL OR DATE '2024-01-01' < c.valid_to)
      AND (c.valid_from IS NULL OR c.valid_from <= DATE '2024-01-01')
      AND (w.withdrawn_on IS NULL OR w.withdrawn_on < c.valid_from)
),
-- Rules b, d and e: a commitment covers every provision of its instrument that it did not
-- reserve. A cell is committed when a valid commitment covers it; committed_since is the
-- earliest start of a valid dated one, NULL when every valid one is undated.
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
-- as-of date, with the last day of the practice: the later of the ends of its start and end
-- periods (section 8: a year runs to 31 December, a month to its last day). GREATEST ignores
-- the NULL end of a single event.
practice AS (
    SELECT a.state_id,
           a.provision_id,
           a.finding,
           GREATEST(
               CASE e.occurred_from_precision
                   WHEN 'YEAR' THEN (date_trunc('year', e.occurred_from::timestamp) + INTERVAL '1 year - 1 day')::date
                   WHEN 'MONTH' THEN (date_trunc('month', e.occurred_from::timestamp) + INTERVAL '1 month - 1 day')::date
                   ELSE e.occurred_from
               END,
               CASE e.occurred_to_precision
                   WHEN 'YEAR' THEN (date_trunc('year', e.occurred_to::timestamp) + INTERVAL '1 year - 1 day')::date
                   WHEN 'MONTH' THEN (date_trunc('month', e.occurred_to::timestamp) + INTERVAL '1 month - 1 day')::date
                   ELSE e.occurred_to
               END
           ) AS last_day
    FROM assessments a
    JOIN evidence e ON e.id = a.evidence_id
    WHERE a.status = 'PUBLISHED'
      AND e.status = 'PUBLISHED'
      AND e.occurred_from <= DATE '2024-01-01'
),
-- Rule f: in a committed cell, practice counts when it lasted until committed_since or later;
-- under an undated commitment all of it counts. Practice that ended earlier is context, and so
-- is all practice in a cell that is not committed: neither is counted here.
cells AS (
    SELECT k.state_id,
           k.provision_id,
           count(*) FILTER (WHERE x.finding = 'CONTRADICTS') AS contradicting,
           count(*) FILTER (WHERE x.finding = 'PARTIALLY_CONTRADICTS') AS partially_contradicting,
           count(*) FILTER (WHERE x.finding = 'SUPPORTS') AS supporting
    FROM committed k
    LEFT JOIN practice x
      ON x.state_id = k.state_id
     AND x.provision_id = k.provision_id
     AND (k.committed_since IS NULL OR x.last_day >= k.committed_since)
    GROUP BY k.state_id, k.provision_id
)
-- Rule g: every published state and provision (reference records carry a review status too;
-- drafts are not part of the registry's answers), the most serious counting finding deciding.
SELECT s.code AS state,
       p.code AS provision,
       CASE
           WHEN c.state_id IS NULL THEN 'NOT_COMMITTED'
           WHEN c.contradicting > 0 THEN 'CONTRADICTED'
           WHEN c.partially_contradicting > 0 THEN 'PARTIAL'
           WHEN c.supporting > 0 THEN 'IMPLEMENTED'
           ELSE 'UNVERIFIED'
       END AS status,
       coalesce(c.contradicting, 0) AS contradicting,
       coalesce(c.supporting, 0) AS supporting
FROM states s
CROSS JOIN provisions p
LEFT JOIN cells c ON c.state_id = s.id AND c.provision_id = p.id
WHERE s.status = 'PUBLISHED'
  AND p.status = 'PUBLISHED'
ORDER BY s.code, p.code;
