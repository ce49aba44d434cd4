-- EncodeQuality results store, schema 1 (SQLite). Kept in step with ../postgres/0001_results.sql.
-- A run is written in one transaction when it completes; a run whose job id already has a run
-- replaces it (job_id is unique), so retries never duplicate.
CREATE TABLE runs (
    id               TEXT PRIMARY KEY,
    job_id           TEXT UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('encode', 'score')),
    status           TEXT NOT NULL CHECK (status IN ('complete')),
    source_path      TEXT NOT NULL,
    source_hash      TEXT NOT NULL,
    source_codec     TEXT NOT NULL,
    source_width     INTEGER NOT NULL,
    source_height    INTEGER NOT NULL,
    source_bit_depth INTEGER NOT NULL,
    source_fps       REAL NOT NULL,
    frames           INTEGER NOT NULL,
    ladder           TEXT,
    settings         TEXT NOT NULL,
    host             TEXT NOT NULL,
    eq_version       TEXT NOT NULL,
    libraries        TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    wall_seconds     REAL NOT NULL
);
CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE renditions (
    id           INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    codec        TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bit_depth    INTEGER NOT NULL,
    rate_control TEXT,
    settings     TEXT,
    frames       INTEGER NOT NULL,
    size_bytes   INTEGER NOT NULL,
    bitrate_kbps REAL NOT NULL,
    encode_fps   REAL,
    score_fps    REAL,
    file         TEXT NOT NULL,
    UNIQUE (run_id, name)
);

-- One metric of one rendition at one score-at mode: its pooled statistics, and its frames below.
CREATE TABLE score_series (
    id            INTEGER PRIMARY KEY,
    rendition_id  INTEGER NOT NULL REFERENCES renditions (id) ON DELETE CASCADE,
    score_at      TEXT NOT NULL CHECK (score_at IN ('encode', 'source')),
    metric        TEXT NOT NULL,
    frames        INTEGER NOT NULL,
    mean          REAL NOT NULL,
    harmonic_mean REAL NOT NULL,
    min           REAL NOT NULL,
    max           REAL NOT NULL,
    p1            REAL NOT NULL,
    p5            REAL NOT NULL,
    p50           REAL NOT NULL,
    p95           REAL NOT NULL,
    UNIQUE (rendition_id, score_at, metric)
);

CREATE TABLE frame_scores (
    series_id INTEGER NOT NULL REFERENCES score_series (id) ON DELETE CASCADE,
    frame     INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (series_id, frame)
) WITHOUT ROWID;
