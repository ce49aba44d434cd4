using EncodeQuality.Farm.Jobs;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline;
using EncodeQuality.Tests.Support;
using EncodeQuality.Model;

namespace EncodeQuality.Tests;

/// <summary>A farm job's fields, checked by the schema and carried into the encode the worker runs.</summary>
public class JobMessageTests
{
    private static string Job(string extra) =>
        $$"""{"version": 1, "jobId": "j-1", "source": "/data/src.mp4", "ladder": "default"{{extra}}}""";

    /// <summary>
    /// A message that names nothing optional gets the one request's defaults, the same eq encode
    /// shows in its help: VMAF, PSNR and SSIM at the rung's size, mp4, every frame, all sampled.
    /// </summary>
    [Fact]
    public void A_message_without_options_gets_the_one_set_of_defaults_eq_encode_has()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog);
        var job = JobMessage.Parse(Job("")).ToEncodeJob(catalog, "/out");
        var e = job.Encode;
        Assert.Equal(["vmaf", "psnr", "ssim"], e.Metrics);
        Assert.Equal(["vmaf", "psnr", "ssim"], new EncodeRequest { Source = "s" }.Metrics);
        Assert.Equal((ScoreAt.Encode, "mp4", 1, 0L, 0, 1.0), (e.ScoreAt, e.Container, e.Subsample, e.MaxFrames, e.EncoderThreads, job.SampleRate));
        var given = JobMessage.Parse(Job(""", "scoreAt": "both", "container": "mkv", "subsample": 3, "sampleRate": 0.5, "metrics": [] """))
            .ToEncodeJob(catalog, "/out");
        Assert.Equal((ScoreAt.Both, "mkv", 3, 0.5), (given.Encode.ScoreAt, given.Encode.Container, given.Encode.Subsample, given.SampleRate));
        Assert.Empty(given.Encode.Metrics);

        var help = EqProcess.Run("encode", "--help");
        Assert.Contains("[default: vmaf,psnr,ssim]", help.StdOut);
    }

    [Fact]
    public void Segment_duration_and_source_errors_reach_the_encode_as_eq_encode_takes_them()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog); // as eq registers it: the default metrics include vmaf
        var seconds = JobMessage.Parse(Job(""", "segmentDuration": 2, "sourceErrors": "conceal" """)).ToEncodeJob(catalog, "/out");
        Assert.Equal(2.0, seconds.Encode.Segments!.Seconds);
        Assert.True(seconds.Encode.SourceOptions!.ConcealErrors);

        var keyint = JobMessage.Parse(Job(""", "segmentDuration": "keyint" """)).ToEncodeJob(catalog, "/out");
        Assert.NotNull(keyint.Encode.Segments);
        Assert.Null(keyint.Encode.Segments!.Seconds);

        var plain = JobMessage.Parse(Job("")).ToEncodeJob(catalog, "/out");
        Assert.Null(plain.Encode.Segments);
        Assert.False(plain.Encode.SourceOptions!.ConcealErrors);

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

    /// <summary>
    /// A job's output folder stays under the worker's --out-root and its source under --source-root
    /// (when given), whatever ".." or symbolic link the message uses; a relative source is refused.
    /// </summary>
    [Fact]
    public void A_job_cannot_reach_outside_its_roots()
    {
        string d = Tests.Support.Repo.Scratch("job-paths");
        string root = Path.Combine(d, "root"), sources = Path.Combine(d, "sources"), elsewhere = Path.Combine(d, "elsewhere");
        foreach (var f in new[] { root, sources, elsewhere }) Directory.CreateDirectory(f);
        string escape = Path.Combine(root, "escape"), sourceEscape = Path.Combine(sources, "escape");
        if (!Directory.Exists(escape)) Directory.CreateSymbolicLink(escape, elsewhere);
        if (!Directory.Exists(sourceEscape)) Directory.CreateSymbolicLink(sourceEscape, elsewhere);

        Assert.Equal(Path.Combine(root, "j-1"), JobPaths.Out(null, "j-1", root));
        Assert.Equal(Path.Combine(root, "sub", "x"), JobPaths.Out("sub/x", "j-1", root));
        Assert.Equal(Path.Combine(root, "x"), JobPaths.Out(Path.Combine(root, "sub", "..", "x"), "j-1", root));
        foreach (var bad in new[] { "../escaped-rel", elsewhere, Path.Combine(elsewhere, "x"), "escape/x", Path.Combine(root, "escape"), "/" })
            Assert.Contains("outside the worker's --out-root", Assert.Throws<InputException>(() => JobPaths.Out(bad, "j-1", root)).Message);

        JobPaths.CheckSource("/anywhere/src.mp4", []);
        JobPaths.CheckSource(Path.Combine(sources, "a", "src.mp4"), [elsewhere, sources]);
        Assert.Contains("not an absolute path", Assert.Throws<InputException>(() => JobPaths.CheckSource("src.mp4", [])).Message);
        foreach (var bad in new[] { Path.Combine(elsewhere, "src.mp4"), Path.Combine(sources, "..", "elsewhere", "src.mp4"), Path.Combine(sourceEscape, "src.mp4") })
            Assert.Contains("outside the worker's --source-root", Assert.Throws<InputException>(() => JobPaths.CheckSource(bad, [sources])).Message);
    }

    /// <summary>
    /// The schema and the record the worker reads a message into are one description: the same
    /// fields, every field the reader requires required by the schema, and every whole-number
    /// field's range in the schema within the type the reader holds it in, so that a number the
    /// schema lets through the reader can hold (a subsample of 3000000000 is the schema's "out of
    /// range", not a reader's overflow).
    /// </summary>
    [Fact]
    public void The_schema_and_the_reader_describe_the_same_fields()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(JobMessage.SchemaText)!;
        var properties = schema["properties"]!.AsObject();
        var fields = typeof(JobMessage).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name));
        Assert.Equal(properties.Select(p => p.Key).Order(), fields.Keys.Order());
        var required = schema["required"]!.AsArray().Select(n => (string)n!).ToHashSet();
        foreach (var (name, field) in fields)
        {
            if (field.IsDefined(typeof(System.Runtime.CompilerServices.RequiredMemberAttribute), false))
                Assert.True(required.Contains(name), $"{name} is required by the reader, not by the schema");
            var type = Nullable.GetUnderlyingType(field.PropertyType) ?? field.PropertyType;
            if (type != typeof(int) && type != typeof(long)) continue;
            var p = properties[name]!;
            decimal max = type == typeof(int) ? int.MaxValue : long.MaxValue, min = type == typeof(int) ? int.MinValue : long.MinValue;
            if (p["enum"] is { } values)
            {
                Assert.All(values.AsArray(), v => Assert.InRange((decimal)v!, min, max));
                continue;
            }
            Assert.True(p["maximum"] is { } hi && (decimal)hi <= max, $"{name}: the schema's maximum must fit the reader's {type.Name}");
            Assert.True(p["minimum"] is { } lo && (decimal)lo >= min, $"{name}: the schema's minimum must fit the reader's {type.Name}");
        }
        Assert.Contains("subsample is out of range", Assert.Throws<InputException>(() => JobMessage.Parse(
            """{"version": 1, "jobId": "j-1", "source": "/data/src.mp4", "ladder": "default", "subsample": 3000000000}""")).Message);
    }

    /// <summary>
    /// Messages the schema lets through but the reader cannot hold are input errors naming the
    /// field (dead-lettered at once), not exceptions the worker takes for a crash and retries.
    /// </summary>
    [Theory]
    [InlineData("""{"version": "1", "jobId": "j-1", "source": "/data/src.mp4", "ladder": "default"}""", "version")]
    [InlineData("""{"version": 1, "jobId": "j-1", "source": "/data/src.mp4", "ladder": "default", "subsample": 3000000000}""", "subsample")]
    [InlineData("""{"version": 1, "jobId": "j-1", "source": "/data/\ud800.mp4", "ladder": "default"}""", "job:")]
    public void A_message_the_reader_cannot_hold_is_an_input_error(string text, string names)
    {
        var e = Assert.Throws<InputException>(() => JobMessage.Parse(text));
        Assert.Contains(names, e.Message);
    }
}
