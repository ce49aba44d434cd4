-- EncodeQuality results store, schema 1 (PostgreSQL). Kept in step with ../sqlite/0001_results.sql.
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
    source_width     bigint NOT NULL,
    source_height    bigint NOT NULL,
    source_bit_depth bigint NOT NULL,
    source_fps       double precision NOT NULL,
    frames           bigint NOT NULL,
    ladder           jsonb,
    settings         jsonb NOT NULL,
    host             TEXT NOT NULL,
    eq_version       TEXT NOT NULL,
    libraries        TEXT NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    wall_seconds     double precision NOT NULL
);
CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE renditions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position     bigint NOT NULL,
    name         TEXT NOT NULL,
    codec        TEXT NOT NULL,
    width        bigint NOT NULL,
    height       bigint NOT NULL,
    bit_depth    bigint NOT NULL,
    rate_control TEXT,
    settings     jsonb,
    frames       bigint NOT NULL,
    size_bytes   bigint NOT NULL,
    bitrate_kbps double precision NOT NULL,
    encode_fps   double precision,
    score_fps    double precision,
    file         TEXT NOT NULL,
    UNIQUE (run_id, name)
);

-- One metric of one rendition at one score-at mode: its pooled statistics, and its frames below.
CREATE TABLE score_series (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rendition_id  bigint NOT NULL REFERENCES renditions (id) ON DELETE CASCADE,
    score_at      TEXT NOT NULL CHECK (score_at IN ('encode', 'source')),
    metric        TEXT NOT NULL,
    frames        bigint NOT NULL,
    mean          double precision NOT NULL,
    harmonic_mean double precision NOT NULL,
    min           double precision NOT NULL,
    max           double precision NOT NULL,
    p1            double precision NOT NULL,
    p5            double precision NOT NULL,
    p50           double precision NOT NULL,
    p95           double precision NOT NULL,
    UNIQUE (rendition_id, score_at, metric)
);

CREATE TABLE frame_scores (
    series_id bigint NOT NULL REFERENCES score_series (id) ON DELETE CASCADE,
    frame     bigint NOT NULL,
    value     double precision NOT NULL,
    PRIMARY KEY (series_id, frame)
);
