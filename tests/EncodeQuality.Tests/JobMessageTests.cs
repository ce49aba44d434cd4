using EncodeQuality.Farm.Jobs;
using EncodeQuality.Metrics;

namespace EncodeQuality.Tests;

/// <summary>A farm job's fields, checked by the schema and carried into the encode the worker runs.</summary>
public class JobMessageTests
{
    private static string Job(string extra) =>
        $$"""{"version": 1, "jobId": "j-1", "source": "/data/src.mp4", "ladder": "default"{{extra}}}""";

    [Fact]
    public void Segment_duration_and_source_errors_reach_the_encode_as_eq_encode_takes_them()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog); // as eq registers it: the default metrics include vmaf
        var seconds = JobMessage.Parse(Job(""", "segmentDuration": 2, "sourceErrors": "conceal" """)).ToEncodeJob(catalog, "/out");
        Assert.Equal(2.0, seconds.Segments!.Seconds);
        Assert.True(seconds.SourceOptions!.ConcealErrors);

        var keyint = JobMessage.Parse(Job(""", "segmentDuration": "keyint" """)).ToEncodeJob(catalog, "/out");
        Assert.NotNull(keyint.Segments);
        Assert.Null(keyint.Segments!.Seconds);

        var plain = JobMessage.Parse(Job("")).ToEncodeJob(catalog, "/out");
        Assert.Null(plain.Segments);
        Assert.False(plain.SourceOptions!.ConcealErrors);

        foreach (var (bad, says) in new[]
        {
            (""", "segmentDuration": 0""", "segmentDuration must be seconds above 0 or \"keyint\""),
            (""", "segmentDuration": "gop" """, "segmentDuration must be seconds above 0 or \"keyint\""),
            (""", "sourceErrors": "skip" """, "sourceErrors is not one of the allowed values"),
        })
        {
            var e = Assert.Throws<InputException>(() => JobMessage.Parse(Job(bad)));
            Assert.Contains(says, e.Message);
        }
    }
}
