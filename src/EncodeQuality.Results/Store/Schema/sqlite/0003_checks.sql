-- Schema 3 (SQLite), in step with ../postgres/0003_checks.sql: whether sampling scored a run, and
-- the quality decisions made on it (gates and ladder checks), one row each.
ALTER TABLE runs ADD COLUMN sampled INTEGER NOT NULL DEFAULT 1;

CREATE TABLE checks (
    id        INTEGER PRIMARY KEY,
    run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    rule      TEXT NOT NULL,
    rendition TEXT,
    score_at  TEXT CHECK (score_at IN ('encode', 'source')),
    measured  REAL,
    required  REAL,
    result    TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'skipped')),
    fatal     INTEGER NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX checks_run ON checks (run_id);
