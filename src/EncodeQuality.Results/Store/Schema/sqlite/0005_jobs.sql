-- Schema 5 (SQLite), in step with ../postgres/0005_jobs.sql: a farm's jobs, one row per job id,
-- in the state of its latest attempt. eq worker writes 'running', 'failed' and 'dead-lettered' as
-- they happen; the transaction that writes a job's run sets 'done', so 'done' never shows without
-- its run. Runs keep the results; this table keeps what the farm tried.
CREATE TABLE jobs (
    job_id     TEXT PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'dead-lettered')),
    attempt    INTEGER NOT NULL,
    host       TEXT NOT NULL,
    worker     TEXT,
    run_id     TEXT REFERENCES runs (id) ON DELETE SET NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    message    TEXT
);
