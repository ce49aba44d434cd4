-- Schema 7 (PostgreSQL), in step with ../sqlite/0007_segments.sql: a rendition's scores pooled per
-- segment (eq encode --segment-duration), as NAME.segments.json gives them: the segment's frames,
-- whether it started on a keyframe of the output, its MQA-VIDEO composite and error count, and per
-- score-at mode and metric the pooled statistics.
CREATE TABLE segments (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rendition_id       bigint NOT NULL REFERENCES renditions (id) ON DELETE CASCADE,
    idx                bigint NOT NULL,
    first_frame        bigint NOT NULL,
    frames             bigint NOT NULL,
    start_seconds      DOUBLE PRECISION NOT NULL,
    seconds            DOUBLE PRECISION NOT NULL,
    starts_on_keyframe BOOLEAN NOT NULL,
    mqa_video          DOUBLE PRECISION,
    errors             bigint NOT NULL,
    UNIQUE (rendition_id, idx)
);
CREATE TABLE segment_scores (
    segment_id bigint NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
    score_at   TEXT NOT NULL CHECK (score_at IN ('encode', 'source')),
    metric     TEXT NOT NULL,
    mean       DOUBLE PRECISION NOT NULL,
    min        DOUBLE PRECISION NOT NULL,
    max        DOUBLE PRECISION NOT NULL,
    p5         DOUBLE PRECISION NOT NULL,
    p50        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (segment_id, score_at, metric)
);
