-- Schema 8 (PostgreSQL), in step with ../sqlite/0008_returned.sql: a job a stopping worker handed
-- back to the queue unfinished is 'returned' (it stayed 'running' under the stopped worker before).
-- farm_runs is dropped here and made again by ../common/0009_farm_runs_returned.sql.
DROP VIEW farm_runs;
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('running', 'done', 'failed', 'dead-lettered', 'returned'));
