using EncodeQuality.Application;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Metrics;
using EncodeQuality.Results.Files;
using EncodeQuality.Model;

namespace EncodeQuality.Tests.Support;

/// <summary>Runs the real pipeline, through the results layer's files, with the capture metric next to the built-in ones.</summary>
public static class Harness
{
    public sealed record Run(RunOutcome Outcome, IReadOnlyList<CaptureMetric> Captures, string OutDir);

    /// <summary>With one score-at mode, Captures[i] belongs to ladder rung i.</summary>
    public static Run Encode(string source, IReadOnlyList<Rendition> ladder, string outDir, ScoreAt scoreAt = ScoreAt.Encode,
        long maxFrames = 0, SourceOptions? options = null, string container = "mp4", int? delayEstimate = null, params string[] metrics)
    {
        var captures = new List<CaptureMetric>();
        var catalog = MetricCatalog.WithBuiltIns();
        catalog.Register("capture", () =>
        {
            var c = new CaptureMetric();
            captures.Add(c);
            return c;
        });
        var request = new EncodeRequest
        {
            Source = source, SourceOptions = options, Ladder = ladder, ScoreAt = scoreAt, Container = container,
            Metrics = metrics.Length == 0 ? ["capture"] : metrics, MaxFrames = maxFrames, DelayEstimate = delayEstimate,
        };
        var outcome = new EncodeRun(catalog, Serilog.Core.Logger.None).Run(request, outDir,
            new RunIdentity("encode", source, EncodeRun.Settings(request, new Dictionary<string, string?>())), [], RunInputs.None, CancellationToken.None)
            .GetAwaiter().GetResult();
        SummarySchema.CheckFolder(outDir);
        return new Run(outcome, captures, outDir);
    }

    public static Rendition Rung(string name, VideoCodec codec, int height, int? width = null, double crf = 30, int? bframes = null,
        int? lookahead = null, string preset = "veryfast", int? keyint = null, params (string Key, string Value)[] prms) => new()
    {
        Name = name, Height = height, Width = width,
        Encoder = EncoderSettings.Of(codec, preset, [(EncoderOptions.Crf, crf),
            .. bframes is { } b ? [(EncoderOptions.Bframes, (double)b)] : Array.Empty<(EncoderOption, double)>(),
            .. lookahead is { } l ? [(EncoderOptions.RcLookahead, (double)l)] : Array.Empty<(EncoderOption, double)>(),
            .. keyint is { } k ? [(EncoderOptions.Keyint, (double)k)] : Array.Empty<(EncoderOption, double)>()])
            with { Params = prms.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToList() },
    };

    /// <summary>A 10-bit 4:2:0 lossless copy (FFV1 in Matroska) of the first frames of a clip.</summary>
    public static string TenBitCopy(string source, int frames, string dir)
    {
        string path = Path.Combine(dir, "source10.mkv");
        Ffmpeg.Run("-i", source, "-frames:v", frames.ToString(), "-pix_fmt", "yuv420p10le", "-c:v", "ffv1", "-y", path);
        return path;
    }
}
