using System.Diagnostics;
using System.Threading.Channels;
using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline.Stages;
using EncodeQuality.Vmaf;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>
/// The two-pass way: decode a reference and one or more distorted files and score each against
/// the reference frame by frame. A distorted file of another size is scaled to the reference's
/// size with the pipeline's bicubic scaler, as --score-at source does with recon.
/// </summary>
public sealed class FileComparer(MetricCatalog catalog, Serilog.ILogger? log = null)
{
    /// <summary>Frame pairs the decoding thread may be ahead of the scoring one.</summary>
    private const int Ahead = 4;

    public sealed record Result(ScoreSheet Sheet, int Frames, double Fps, VideoFormat Format, SourceInfo Reference, SourceInfo Distorted);

    /// <summary>One distorted file's scores in a comparison of several against one reference.</summary>
    public sealed record Scored(string Path, ScoreSheet Sheet, SourceInfo Info);

    /// <summary>Several distorted files against one reference: frame counts, speed and the reference are shared.</summary>
    public sealed record Results(IReadOnlyList<Scored> Distorted, int Frames, double Fps, VideoFormat Format, SourceInfo Reference);

    public Result Compare(string referencePath, SourceOptions? refOptions, string distortedPath, SourceOptions? distOptions,
        IReadOnlyList<string> metrics, CancellationToken ct) =>
        Compare(referencePath, refOptions, distortedPath, distOptions, metrics, NoLadderObserver.Instance, ct);

    public Result Compare(string referencePath, SourceOptions? refOptions, string distortedPath, SourceOptions? distOptions,
        IReadOnlyList<string> metrics, ILadderObserver observer, CancellationToken ct)
    {
        var r = Compare(referencePath, refOptions, [(distortedPath, distOptions)], metrics, observer, ct);
        return new Result(r.Distorted[0].Sheet, r.Frames, r.Fps, r.Format, r.Reference, r.Distorted[0].Info);
    }

    /// <summary>
    /// Scores each distorted file against the reference, frame by frame: the reference is decoded
    /// once, and each distorted file is scaled to its size when it differs. Every file must have
    /// as many frames as the reference. Each file's scores are what comparing that pair alone gives.
    /// </summary>
    public Results Compare(string referencePath, SourceOptions? refOptions, IReadOnlyList<(string Path, SourceOptions? Options)> distortedFiles,
        IReadOnlyList<string> metrics, ILadderObserver observer, CancellationToken ct)
    {
        if (distortedFiles.Count == 0) throw new ArgumentException("no distorted file", nameof(distortedFiles));
        using var reference = SourceDecoder.Open(referencePath, refOptions);
        var streams = new List<DistortedFile>();
        try
        {
            var rf = reference.Info.Format;
            foreach (var (path, options) in distortedFiles)
            {
                var stream = new DistortedFile(path, SourceDecoder.Open(path, options));
                streams.Add(stream);
                var df = stream.Decoder.Info.Format;
                if (rf.BitDepth != df.BitDepth)
                    throw new InputException(distortedFiles.Count == 1
                        ? $"reference is {rf.BitDepth}-bit and distorted is {df.BitDepth}-bit"
                        : $"reference is {rf.BitDepth}-bit and {path} is {df.BitDepth}-bit");
                stream.Pool = new FramePool(df);
                if (df != rf)
                {
                    stream.Scaler = new FrameScaler(df, rf);
                    log?.Warning("{Distorted} is {DistortedSize}, the reference {ReferenceSize}: it is scaled to the reference's size (bicubic) before scoring",
                        Path.GetFileName(path), $"{df.Width}x{df.Height}", $"{rf.Width}x{rf.Height}");
                }
            }
            catalog.CheckSize(metrics, rf.Width, rf.Height, referencePath);
            var refPool = new FramePool(rf);
            observer.SourceOpened(reference.Info, []);
            // Every file is compared with the same reference frames at the reference's size, fed in
            // step by one thread: their reference-only work is shared.
            var share = new ReferenceShare(streams.Count);
            foreach (var stream in streams)
            {
                string name = Path.GetFileName(stream.Path);
                stream.Scorer = new StreamScorer(catalog.Create(metrics, share), (frame, sheet) => observer.FrameScored(name, ScoreAt.Source, frame, sheet));
            }
            var clock = Stopwatch.StartNew();
            int n = Run(referencePath, reference, refPool, streams, ct);
            if (n == 0) throw new InputException($"{referencePath}: no video frames");
            double fps = n / clock.Elapsed.TotalSeconds;
            return new Results([.. streams.Select(st => new Scored(st.Path, st.Scorer!.Sheet, st.Decoder.Info))], n, fps, rf, reference.Info);
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    /// <summary>A distorted file: its decoder, frames, scaler to the reference's size, and comparison.</summary>
    private sealed class DistortedFile(string path, SourceDecoder decoder) : IDisposable
    {
        public string Path { get; } = path;
        public SourceDecoder Decoder { get; } = decoder;
        public FramePool? Pool { get; set; }
        public FrameScaler? Scaler { get; set; }
        public StreamScorer? Scorer { get; set; }

        public void Dispose()
        {
            Scorer?.Dispose();
            Scaler?.Dispose();
            Decoder.Dispose();
        }
    }

    /// <summary>Decodes on one thread and scores on another, joined by a bounded queue; the frames compared.</summary>
    private static int Run(string referencePath, SourceDecoder reference, FramePool refPool, List<DistortedFile> streams, CancellationToken ct)
    {
        // Decoding runs ahead of scoring by a few frame sets, so neither waits on the other's jitter.
        var sets = Channel.CreateBounded<(VideoFrame Reference, VideoFrame?[] Distorted)>(
            new BoundedChannelOptions(Ahead) { SingleReader = true, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int n = 0;
        // Each set's array of distorted frames goes back here once scored: nothing is allocated per frame.
        var spare = new System.Collections.Concurrent.ConcurrentQueue<VideoFrame?[]>();
        void Release(VideoFrame r, VideoFrame?[] ds)
        {
            r.Release();
            for (int k = 0; k < ds.Length; k++)
            {
                ds[k]?.Release();
                ds[k] = null;
            }
            spare.Enqueue(ds);
        }
        async Task Decode()
        {
            try
            {
                var has = new bool[streams.Count];
                for (int read = 0; ; read++)
                {
                    var r = refPool.Rent();
                    if (!spare.TryDequeue(out var ds)) ds = new VideoFrame?[streams.Count];
                    bool hr;
                    try
                    {
                        hr = reference.Read(r);
                        for (int k = 0; k < streams.Count; k++)
                        {
                            ds[k] = streams[k].Pool!.Rent();
                            has[k] = streams[k].Decoder.Read(ds[k]!);
                        }
                    }
                    catch { Release(r, ds); throw; }
                    int ended = Array.IndexOf(has, false), going = Array.IndexOf(has, true);
                    if (!hr || ended >= 0)
                    {
                        Release(r, ds);
                        if (!hr && going < 0) break;
                        // The first file (the reference first) that ends before another has frames left.
                        string first = !hr ? referencePath : streams[ended].Path;
                        throw new InputException(streams.Count == 1
                            ? $"{first} ends after {read} frames; the other file has more"
                            : $"{first} ends after {read} frames; {(hr ? referencePath : streams[going].Path)} has more");
                    }
                    for (int k = 0; k < streams.Count; k++)
                    {
                        if (streams[k].Scaler is not { } scaler) continue;
                        var scaled = refPool.Rent();
                        try { scaler.Scale(ds[k]!, scaled); }
                        catch { scaled.Release(); Release(r, ds); throw; }
                        ds[k]!.Release();
                        ds[k] = scaled;
                    }
                    try { await sets.Writer.WriteAsync((r, ds), cts.Token); }
                    catch { Release(r, ds); throw; }
                }
                sets.Writer.TryComplete();
            }
            catch (Exception e)
            {
                sets.Writer.TryComplete(e);
                throw;
            }
        }
        async Task Score()
        {
            await foreach (var (r, ds) in sets.Reader.ReadAllAsync(cts.Token))
            {
                try
                {
                    for (int k = 0; k < streams.Count; k++) streams[k].Scorer!.Push(n, r, ds[k]!);
                }
                finally { Release(r, ds); }
                n++;
            }
            foreach (var stream in streams) stream.Scorer!.Flush();
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
            while (sets.Reader.TryRead(out var left)) Release(left.Reference, left.Distorted);
            // The first real failure, not the cancellation it caused on the other side.
            var cause = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            ct.ThrowIfCancellationRequested();
            throw;
        }
        return n;
    }
}
