-- Schema 7 (SQLite), in step with ../postgres/0007_segments.sql: a rendition's scores pooled per
-- segment (eq encode --segment-duration), as NAME.segments.json gives them: the segment's frames,
-- whether it started on a keyframe of the output, its MQA-VIDEO composite and error count, and per
-- score-at mode and metric the pooled statistics.
CREATE TABLE segments (
    id                 INTEGER PRIMARY KEY,
    rendition_id       INTEGER NOT NULL REFERENCES renditions (id) ON DELETE CASCADE,
    idx                INTEGER NOT NULL,
    first_frame        INTEGER NOT NULL,
    frames             INTEGER NOT NULL,
    start_seconds      REAL NOT NULL,
    seconds            REAL NOT NULL,
    starts_on_keyframe INTEGER NOT NULL,
    mqa_video          REAL,
    errors             INTEGER NOT NULL,
    UNIQUE (rendition_id, idx)
);
CREATE TABLE segment_scores (
    segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
    score_at   TEXT NOT NULL CHECK (score_at IN ('encode', 'source')),
    metric     TEXT NOT NULL,
    mean       REAL NOT NULL,
    min        REAL NOT NULL,
    max        REAL NOT NULL,
    p5         REAL NOT NULL,
    p50        REAL NOT NULL,
    PRIMARY KEY (segment_id, score_at, metric)
);
