using System.Diagnostics;
using System.Threading.Channels;
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
    /// <summary>Frame pairs the decoding thread may be ahead of the scoring one.</summary>
    private const int Ahead = 4;

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
        observer.SourceOpened(reference.Info, []);
        using var comparison = new Comparison(catalog.Create(metrics), (frame, sheet) => observer.FrameScored(Path.GetFileName(distortedPath), ScoreAt.Source, frame, sheet));
        var clock = Stopwatch.StartNew();

        // Both files are decoded (and the distorted one scaled) on a thread of their own, at most
        // Ahead pairs ahead, while another thread scores: decoding and scoring overlap.
        var pairs = Channel.CreateBounded<(VideoFrame Reference, VideoFrame Distorted)>(
            new BoundedChannelOptions(Ahead) { SingleReader = true, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int n = 0;
        async Task Decode()
        {
            try
            {
                for (int read = 0; ; read++)
                {
                    var r = refPool.Rent();
                    var d = distPool.Rent();
                    bool hr, hd;
                    try { (hr, hd) = (reference.Read(r), distorted.Read(d)); }
                    catch { r.Release(); d.Release(); throw; }
                    if (!hr || !hd)
                    {
                        r.Release();
                        d.Release();
                        if (hr != hd) throw new InputException($"{(hr ? distortedPath : referencePath)} ends after {read} frames; the other file has more");
                        break;
                    }
                    var dist = d;
                    if (scaler is not null)
                    {
                        dist = refPool.Rent();
                        scaler.Scale(d, dist);
                        d.Release();
                    }
                    try { await pairs.Writer.WriteAsync((r, dist), cts.Token); }
                    catch { r.Release(); dist.Release(); throw; }
                }
                pairs.Writer.TryComplete();
            }
            catch (Exception e)
            {
                pairs.Writer.TryComplete(e);
                throw;
            }
        }
        async Task Score()
        {
            await foreach (var (r, d) in pairs.Reader.ReadAllAsync(cts.Token))
            {
                try { comparison.Push(n, r, d); }
                finally
                {
                    r.Release();
                    d.Release();
                }
                n++;
            }
            comparison.Flush();
        }
        async Task Guard(Func<Task> body)
        {
            try { await body(); }
            catch
            {
                cts.Cancel(); // the other side stops too: nothing waits on a queue that will not move
                throw;
            }
        }
        var tasks = new[] { DedicatedThread.Run("eq decode", () => Guard(Decode)), DedicatedThread.Run("eq score", () => Guard(Score)) };
        try { Task.WaitAll(tasks); }
        catch (AggregateException)
        {
            while (pairs.Reader.TryRead(out var left))
            {
                left.Reference.Release();
                left.Distorted.Release();
            }
            // Report the cause, not the cancellation it triggered.
            var cause = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            ct.ThrowIfCancellationRequested();
            throw;
        }
        if (n == 0) throw new InputException($"{referencePath}: no video frames");
        return new Result(comparison.Sheet, n, n / clock.Elapsed.TotalSeconds, rf, reference.Info, distorted.Info);
    }
}
