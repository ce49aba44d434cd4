-- The questions users ask of the store, as views (schema 2; the same SQL on SQLite and PostgreSQL).
-- eq query NAME reads them; README "Results store" shows what each answers.

-- VMAF percentiles per rendition name over time (Vimeo's per-profile figures).
CREATE VIEW profile_percentiles AS
SELECT r.started_at, r.id AS run_id, r.job_id, d.name AS rendition, s.score_at, d.bitrate_kbps,
       s.mean AS vmaf_mean, s.p1 AS vmaf_p1, s.p5 AS vmaf_p5, s.p50 AS vmaf_p50
FROM runs r
JOIN renditions d ON d.run_id = r.id
JOIN score_series s ON s.rendition_id = d.id AND s.metric = 'vmaf'
WHERE r.status = 'complete';

-- One rendition's bitrate against its VMAF, run by run, at both score-at modes (a bitrate-cap knee).
CREATE VIEW bitrate_vs_vmaf AS
SELECT r.started_at, r.id AS run_id, d.name AS rendition, d.width, d.height, d.bitrate_kbps,
       e.mean AS vmaf_encode, s.mean AS vmaf_source
FROM runs r
JOIN renditions d ON d.run_id = r.id
LEFT JOIN score_series e ON e.rendition_id = d.id AND e.metric = 'vmaf' AND e.score_at = 'encode'
LEFT JOIN score_series s ON s.rendition_id = d.id AND s.metric = 'vmaf' AND s.score_at = 'source'
WHERE r.status = 'complete' AND (e.id IS NOT NULL OR s.id IS NOT NULL);

-- Pairs of rungs of one run where the smaller picture's VMAF at source size is at or above the larger's.
CREATE VIEW ladder_inversions AS
SELECT r.started_at, r.id AS run_id, small.name AS smaller, large.name AS larger,
       ss.mean AS smaller_vmaf, sl.mean AS larger_vmaf, small.bitrate_kbps AS smaller_kbps, large.bitrate_kbps AS larger_kbps
FROM runs r
JOIN renditions small ON small.run_id = r.id
JOIN renditions large ON large.run_id = r.id AND small.width * small.height < large.width * large.height
JOIN score_series ss ON ss.rendition_id = small.id AND ss.metric = 'vmaf' AND ss.score_at = 'source'
JOIN score_series sl ON sl.rendition_id = large.id AND sl.metric = 'vmaf' AND sl.score_at = 'source'
WHERE r.status = 'complete' AND ss.mean >= sl.mean;

-- Every stored per-frame score.
CREATE VIEW frames AS
SELECT r.id AS run_id, r.started_at, d.name AS rendition, s.score_at, s.metric, f.frame, f.value
FROM frame_scores f
JOIN score_series s ON s.id = f.series_id
JOIN renditions d ON d.id = s.rendition_id
JOIN runs r ON r.id = d.run_id
WHERE r.status = 'complete';
