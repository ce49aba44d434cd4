-- farm_runs again (schema 9, the same SQL on SQLite and PostgreSQL), as 0006_farm_runs.sql made it,
-- with a job's latest attempt 'returned' (handed back by a stopping worker) shown as the others are.
CREATE VIEW farm_runs AS
SELECT r.job_id, r.id AS run_id,
       CASE WHEN j.status IN ('running', 'failed', 'dead-lettered', 'returned') THEN j.status
            WHEN EXISTS (SELECT 1 FROM checks c WHERE c.run_id = r.id AND c.fatal = TRUE AND c.result = 'failed') THEN 'gate-failed'
            ELSE 'complete' END AS status,
       CASE WHEN j.status IN ('running', 'failed', 'dead-lettered', 'returned') THEN j.host ELSE r.host END AS host, j.worker, j.attempt, r.started_at, r.finished_at, r.wall_seconds, j.message
FROM runs r LEFT JOIN jobs j ON j.job_id = r.job_id
UNION ALL
SELECT j.job_id, NULL, j.status, j.host, j.worker, j.attempt, j.started_at, NULL, NULL, j.message
FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.job_id = j.job_id);
