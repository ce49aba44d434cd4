-- Schema 4 (SQLite), in step with ../postgres/0004_tools.sql: every component's version for a run
-- (eq and its commit, FFmpeg's libraries, x264, x265, libvmaf, the runtime), as a JSON object.
ALTER TABLE runs ADD COLUMN tools TEXT;
