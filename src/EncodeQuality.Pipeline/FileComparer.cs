using System.Diagnostics;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline.Stages;

namespace EncodeQuality.Pipeline;

/// <summary>
/// The two-pass way: decode a reference and a distorted file and score them frame by frame.
/// A distorted file of another size is scaled to the reference's size with the pipeline's
/// bicubic scaler, as --score-at source does with recon.
/// </summary>
public sealed class FileComparer(MetricCatalog catalog, Serilog.ILogger? log = null)
{
    public sealed record Result(ScoreSheet Sheet, int Frames, double Fps, VideoFormat Format, SourceInfo Reference, SourceInfo Distorted);

    public Result Compare(string referencePath, SourceOptions? refOptions, string distortedPath, SourceOptions? distOptions,
        IReadOnlyList<string> metrics, CancellationToken ct) =>
        Compare(referencePath, refOptions, distortedPath, distOptions, metrics, NoLadderObserver.Instance, ct);

    /// <summary>As above, reporting to <paramref name="observer"/>: the reference as the source, the distorted file (by its file name) as the rendition, at score-at source.</summary>
    public Result Compare(string referencePath, SourceOptions? refOptions, string distortedPath, SourceOptions? distOptions,
        IReadOnlyList<string> metrics, ILadderObserver observer, CancellationToken ct)
    {
        using var reference = SourceDecoder.Open(referencePath, refOptions);
        using var distorted = SourceDecoder.Open(distortedPath, distOptions);
        var rf = reference.Info.Format;
        var df = distorted.Info.Format;
        if (rf.BitDepth != df.BitDepth)
            throw new InputException($"reference is {rf.BitDepth}-bit and distorted is {df.BitDepth}-bit");
        catalog.CheckSize(metrics, rf.Width, rf.Height, referencePath);
        using var scaler = df != rf ? new FrameScaler(df, rf) : null;
        if (scaler is not null)
            log?.Warning("{Distorted} is {DistortedSize}, the reference {ReferenceSize}: it is scaled to the reference's size (bicubic) before scoring",
                Path.GetFileName(distortedPath), $"{df.Width}x{df.Height}", $"{rf.Width}x{rf.Height}");
        var refPool = new FramePool(rf);
        var distPool = new FramePool(df);
        var r = refPool.Rent();
        var d = distPool.Rent();
        var scaled = scaler is null ? null : refPool.Rent();
        observer.SourceOpened(reference.Info, []);
        using var comparison = new Comparison(catalog.Create(metrics), (frame, sheet) => observer.FrameScored(Path.GetFileName(distortedPath), ScoreAt.Source, frame, sheet));
        var clock = Stopwatch.StartNew();
        int n = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                bool hr = reference.Read(r), hd = distorted.Read(d);
                if (!hr || !hd)
                {
                    if (hr != hd)
                        throw new InputException($"{(hr ? distortedPath : referencePath)} ends after {n} frames; the other file has more");
                    break;
                }
                if (scaled is not null) scaler!.Scale(d, scaled);
                comparison.Push(n, r, scaled ?? d);
                n++;
            }
            comparison.Flush();
        }
        finally
        {
            r.Release();
            d.Release();
            scaled?.Release();
        }
        if (n == 0) throw new InputException($"{referencePath}: no video frames");
        return new Result(comparison.Sheet, n, n / clock.Elapsed.TotalSeconds, rf, reference.Info, distorted.Info);
    }
}
