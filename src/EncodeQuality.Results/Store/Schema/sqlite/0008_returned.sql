-- Schema 8 (SQLite), in step with ../postgres/0008_returned.sql: a job a stopping worker handed
-- back to the queue unfinished is 'returned' (it stayed 'running' under the stopped worker before).
-- SQLite cannot change a CHECK constraint, so the table is rebuilt; farm_runs reads it, so the view
-- is dropped here and made again by ../common/0009_farm_runs_returned.sql.
DROP VIEW farm_runs;
CREATE TABLE jobs_8 (
    job_id     TEXT PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'dead-lettered', 'returned')),
    attempt    INTEGER NOT NULL,
    host       TEXT NOT NULL,
    worker     TEXT,
    run_id     TEXT REFERENCES runs (id) ON DELETE SET NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    message    TEXT
);
INSERT INTO jobs_8 (job_id, status, attempt, host, worker, run_id, started_at, updated_at, message)
SELECT job_id, status, attempt, host, worker, run_id, started_at, updated_at, message FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_8 RENAME TO jobs;
