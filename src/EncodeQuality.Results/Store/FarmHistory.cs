namespace EncodeQuality.Results.Store;

/// <summary>
/// What the farm-wide page shows, read from the store's views for one window of time: every
/// rendition of every complete run with its settings and VMAF, the VMAF percentiles per rendition,
/// the ladder inversions, and every job with its outcome and the frames it encoded.
/// </summary>
/// <param name="Renditions">started_at, run_id, rendition, codec, width, height, settings, bitrate_kbps, vmaf_encode, vmaf_source.</param>
/// <param name="Percentiles">started_at, run_id, rendition, score_at, bitrate_kbps, vmaf_mean, vmaf_p1, vmaf_p5, vmaf_p50.</param>
/// <param name="Inversions">started_at, run_id, smaller, larger, smaller_vmaf, larger_vmaf, smaller_kbps, larger_kbps.</param>
/// <param name="Jobs">job_id, run_id, status, started_at, finished_at, wall_seconds, frames_encoded.</param>
public sealed record FarmHistory(DateTimeOffset Since, DateTimeOffset Until, QueryResult Renditions, QueryResult Percentiles,
    QueryResult Inversions, QueryResult Jobs)
{
    public static FarmHistory Read(ResultStore store, DateTimeOffset since)
    {
        var until = DateTimeOffset.UtcNow;
        var window = new QueryFilter(Since: since);
        return new FarmHistory(since, until,
            StoreQueries.Select(store, """
                SELECT b.started_at, b.run_id, b.rendition, d.codec, b.width, b.height, d.settings, b.bitrate_kbps, b.vmaf_encode, b.vmaf_source
                FROM bitrate_vs_vmaf b JOIN renditions d ON d.run_id = b.run_id AND d.name = b.rendition
                WHERE b.started_at >= @since ORDER BY b.started_at, d.position
                """, window),
            StoreQueries.Select(store, """
                SELECT started_at, run_id, rendition, score_at, bitrate_kbps, vmaf_mean, vmaf_p1, vmaf_p5, vmaf_p50
                FROM profile_percentiles WHERE started_at >= @since ORDER BY started_at, rendition, score_at
                """, window),
            StoreQueries.Select(store, """
                SELECT started_at, run_id, smaller, larger, smaller_vmaf, larger_vmaf, smaller_kbps, larger_kbps
                FROM ladder_inversions WHERE started_at >= @since ORDER BY started_at, smaller, larger
                """, window),
            // A job without a run (failed, dead-lettered, running) counts on the day its last attempt started.
            StoreQueries.Select(store, """
                SELECT f.job_id, f.run_id, f.status, f.started_at, f.finished_at, f.wall_seconds, e.frames AS frames_encoded
                FROM farm_runs f LEFT JOIN (SELECT run_id, sum(frames) AS frames FROM renditions GROUP BY run_id) e ON e.run_id = f.run_id
                WHERE f.started_at >= @since ORDER BY f.started_at, f.job_id
                """, window));
    }
}
