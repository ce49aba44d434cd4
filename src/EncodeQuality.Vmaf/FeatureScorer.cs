using EncodeQuality.Vmaf.Features;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Feature extractors run over a stream of (reference, distorted) picture pairs, with no model:
/// the part of VMAF that <see cref="VmafScorer"/> predicts from, and on its own the metrics made of
/// extractors (psnr, ssim, ms_ssim, cambi, speed_chroma). Threads score frames side by side (<see cref="FrameWorkers"/>),
/// each worker with extractors of its own; each frame is handed to <see cref="FrameDone"/> once
/// final, in display order, so values do not depend on the thread count. Buffers are allocated
/// once for the picture size.
/// </summary>
public sealed class FeatureScorer : IDisposable
{
    /// <summary>A final frame, by the number it was pushed with: whether it was scored, and its values in <see cref="FeatureNames"/>' order (valid during the call only).</summary>
    public delegate void FrameDone(long frame, bool scored, ReadOnlySpan<double> values);

    private readonly FrameWorkers _workers;
    private readonly FeatureBoard _board;
    private readonly FrameDone _done;
    private readonly long[] _frames; // the number each slot's frame was pushed with
    private long _pushed;
    private int _bitDepth;

    /// <param name="chosen">The extractors, each with its options (<see cref="VmafScorer.Choose"/>).</param>
    /// <param name="share">The share of reference-only work with other streams scored against the same reference, or null.</param>
    internal FeatureScorer(IReadOnlyList<(FeatureExtractors.Entry Entry, FeatureOptions Options)> chosen, int width, int height,
        int threads, FrameDone done, ReferenceShare? share = null)
    {
        Width = width;
        Height = height;
        _done = done;
        // Within a frame the extractors run serially: threads go to frames.
        threads = Math.Max(1, threads);
        int slots = FrameWorkers.SlotsFor(threads);
        var context = new FeatureExtractors.Context(width, height, share, slots);
        bool usesFloat = chosen.Any(c => c.Entry.UsesFloat), usesChroma = chosen.Any(c => c.Entry.UsesChroma);
        bool keepsBlur = chosen.Any(c => c.Entry.KeepsBlurredReference), readsReference = ReadsReference(chosen);
        IFeatureExtractor[] Build() => [.. chosen.Select(c => c.Entry.Create(context with { SmallShare = c.Entry.SmallShare }, c.Options))];
        var first = Build();
        FeatureNames = [.. first.SelectMany(e => e.Features)];
        _board = new FeatureBoard(FeatureNames, slots);
        _frames = new long[slots];
        IFeatureExtractor[]? spare = first; // the set built for the names serves the first worker
        _workers = new FrameWorkers(threads, slots, () => new FramePair(width, height, usesFloat, usesChroma, keepsBlur, readsReference),
            () => { var set = spare ?? Build(); spare = null; return set; }, _board, Finish);
    }

    /// <summary>The metrics users can name (--metrics), each an extractor of the list (<see cref="FeatureExtractors.Entry.Metric"/>).</summary>
    public static IReadOnlyList<string> Metrics { get; } = [.. FeatureExtractors.All.Select(e => e.Metric).OfType<string>()];

    /// <summary>
    /// Metrics by the names users give them ("cambi"), each with its options as libvmaf-style text
    /// ("window_size=63:full_ref=true") or null, scored by one scorer; bad options are a one-line
    /// <see cref="FormatException"/>, a picture an extractor cannot take an <see cref="ArgumentException"/>.
    /// </summary>
    public static FeatureScorer ForMetrics(IReadOnlyList<(string Metric, string? Options)> metrics, int width, int height, int threads, FrameDone done) =>
        new(Choose(metrics), width, height, threads, done);

    /// <summary>Whether a metric takes options (cambi does; psnr does not).</summary>
    public static bool TakesOptions(string metric) => FeatureExtractors.ForMetric(metric)?.Options.Length > 0;

    /// <summary>Checks the metrics' names and options now, before any picture (the <see cref="FormatException"/> of <see cref="ForMetrics"/>).</summary>
    public static void Check(IReadOnlyList<(string Metric, string? Options)> metrics) => Choose(metrics);

    /// <summary>Bytes a scorer of these metrics holds for pictures of a size, as the general form below counts them.</summary>
    public static long WorkingSet(IReadOnlyList<(string Metric, string? Options)> metrics, int width, int height, int threads) =>
        WorkingSet(Choose(metrics), width, height, threads);

    /// <summary>Why one of the metrics cannot score pictures of a size (one plain sentence), or null; asked before any work.</summary>
    public static string? TooSmall(IReadOnlyList<(string Metric, string? Options)> metrics, int width, int height) =>
        Choose(metrics).Select(c => c.Entry.TooSmall?.Invoke(width, height, c.Options)).FirstOrDefault(why => why is not null);

    internal static List<(FeatureExtractors.Entry Entry, FeatureOptions Options)> Choose(IReadOnlyList<(string Metric, string? Options)> metrics) =>
        [.. metrics.Select(m => FeatureExtractors.ForMetric(m.Metric) is { } entry
            ? (entry, FeatureOptions.Parse(m.Options, entry.Options, m.Metric))
            : throw new ArgumentException($"no metric named '{m.Metric}' (metrics: {string.Join(", ", Metrics)})"))];

    /// <summary>
    /// Bytes a scorer holds for pictures of a size, for the memory estimate: the frames in flight
    /// (each a pair of pictures, <see cref="FrameWorkers.SlotsFor"/>) and each worker's extractors;
    /// with a <paramref name="share"/>, this stream's part of the shared rings.
    /// </summary>
    internal static long WorkingSet(IReadOnlyList<(FeatureExtractors.Entry Entry, FeatureOptions Options)> chosen, int width, int height, int threads,
        ReferenceShare? share = null)
    {
        long pair = FramePair.Bytes(width, height, chosen.Any(c => c.Entry.UsesFloat), chosen.Any(c => c.Entry.UsesChroma),
            chosen.Any(c => c.Entry.KeepsBlurredReference), ReadsReference(chosen));
        long extractors = chosen.Sum(c => c.Entry.WorkingSet(width, height, c.Options));
        threads = Math.Max(1, threads);
        // Beyond the buffers: the extractors' objects, rows and lookups, the board and the workers (measured: tens of KiB).
        const long Small = 16 << 10;
        long shared = 0;
        if (share is { Shared: true })
        {
            long ring = chosen.Sum(c => c.Entry.SharedPerFrame?.Invoke(width, height) is { } perFrame
                ? perFrame * FeatureExtractors.Context.SharedDepth(share, c.Entry.SmallShare, FrameWorkers.SlotsFor(threads))
                : 0);
            shared = (ring + share.Streams - 1) / share.Streams;
        }
        return FrameWorkers.SlotsFor(threads) * pair + threads * (extractors + Small) + 4 * Small + shared;
    }

    private static bool ReadsReference(IReadOnlyList<(FeatureExtractors.Entry Entry, FeatureOptions Options)> chosen) =>
        chosen.Any(c => c.Entry.ReadsReference?.Invoke(c.Options) ?? true);

    public int Width { get; }
    public int Height { get; }
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The frame workers, for tests that count their allocations.</summary>
    internal FrameWorkers Workers => _workers;

    /// <summary>
    /// The next pair in display order, numbered <paramref name="frame"/> for <see cref="FrameDone"/>;
    /// <paramref name="score"/> false runs only what later frames need (subsampling).
    /// </summary>
    public void Push(long frame, in YuvPicture reference, in YuvPicture distorted, bool score = true)
    {
        if (reference.Width != Width || reference.Height != Height || distorted.Width != Width || distorted.Height != Height)
            throw new ArgumentException($"frames must be {Width}x{Height}");
        // FramePair.Load checks the pair's depths; a change between frames shows only here (each slot has its own pair).
        if (_bitDepth != 0 && reference.BitDepth != _bitDepth) throw new ArgumentException($"bit depth changed from {_bitDepth} to {reference.BitDepth}");
        _bitDepth = reference.BitDepth;
        _workers.NextSlot().Load(reference, distorted);
        _frames[_pushed++ % _frames.Length] = frame;
        _workers.Start(score);
    }

    /// <summary>Waits for every frame pushed and hands the last ones on.</summary>
    public void Flush() => _workers.Flush();

    private void Finish(long index, bool scored)
    {
        if (scored && !_board.IsComplete(index)) throw new InvalidOperationException($"frame {index} never completed");
        _done(_frames[index % _frames.Length], scored, _board.Values(index));
    }

    public void Dispose() => _workers.Dispose();
}
