using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Streaming VMAF: push (reference, distorted) picture pairs in display order; each scored frame is
/// reported to the sink once final, which is when the next frame arrives (motion looks one frame
/// ahead) or at <see cref="Flush"/>. The extractors are the ones the model's feature names ask
/// for (integer or float, with the model's options), found in <see cref="FeatureExtractors"/>.
/// Threads score frames side by side (<see cref="FrameWorkers"/>), each worker with extractors of
/// its own; frames leave in display order. Buffers are allocated once for the picture size.
/// </summary>
public sealed class VmafScorer : IVmafEngine
{
    private readonly VmafModel _model;
    private readonly VmafOptions _options;
    private readonly IVmafSink _sink;
    private readonly FrameWorkers _workers;
    private readonly FeatureBoard _board;
    private readonly int[] _modelColumns;
    private readonly double[] _modelInput;
    private long _next;
    private int _bitDepth;

    public const int MinimumSize = 16;

    public VmafScorer(VmafModel model, int width, int height, VmafOptions options, IVmafSink sink)
    {
        if (TooSmall(model, width, height) is { } why) throw new ArgumentException(why);
        if (options.Subsample < 1) throw new ArgumentException("subsample must be at least 1");
        _model = model;
        _options = options;
        _sink = sink;
        Width = width;
        Height = height;
        // Within a frame the extractors run serially: threads go to frames.
        var context = new FeatureExtractors.Context(width, height);
        var (chosen, modelNames) = Choose(model);
        bool usesFloat = chosen.Any(c => c.Entry.UsesFloat), usesChroma = chosen.Any(c => c.Entry.UsesChroma);
        bool keepsBlur = chosen.Any(c => c.Entry.KeepsBlurredReference);
        IFeatureExtractor[] Build() => [.. chosen.Select(c => c.Entry.Create(context, c.Options))];
        var first = Build();
        FeatureNames = [.. first.SelectMany(e => e.Features)];
        _modelColumns = [.. modelNames.Select(n => FeatureNames.ToList().IndexOf(n) is var i and >= 0
            ? i : throw new NotSupportedException($"model '{model.Name}' needs feature '{n}', which this engine does not compute"))];
        _modelInput = new double[model.Features.Count];
        int threads = Math.Max(1, options.Threads);
        int slots = FrameWorkers.SlotsFor(threads);
        _board = new FeatureBoard(FeatureNames, slots);
        IFeatureExtractor[]? spare = first; // the set built for the names serves the first worker
        _workers = new FrameWorkers(threads, slots, () => new FramePair(width, height, usesFloat, usesChroma, keepsBlur),
            () => { var set = spare ?? Build(); spare = null; return set; }, _board, Emit);
    }

    public string Description => "managed";

    /// <summary>
    /// The extractors a model needs, one per (extractor, options), shared by the features it
    /// provides; and the name each of the model's features is logged under.
    /// </summary>
    internal static (List<(FeatureExtractors.Entry Entry, FeatureOptions Options)> Chosen, List<string> ModelNames) Choose(VmafModel model)
    {
        var chosen = new List<(FeatureExtractors.Entry Entry, FeatureOptions Options)>();
        var modelNames = new List<string>();
        foreach (var feature in model.Features)
        {
            var entry = FeatureExtractors.For(feature.Name);
            var o = FeatureOptions.From(feature.Options, entry.Options, feature.Name);
            if (!chosen.Any(c => c.Entry.Name == entry.Name && c.Options.Suffix == o.Suffix)) chosen.Add((entry, o));
            modelNames.Add(entry.OutputName(feature.Name) + o.Suffix);
        }
        return (chosen, modelNames);
    }

    /// <summary>
    /// Bytes a scorer holds for pictures of a size, for the memory estimate: the frames in flight
    /// (each a pair of pictures, <see cref="FrameWorkers.SlotsFor"/>) and each worker's extractors.
    /// </summary>
    public static long WorkingSet(VmafModel model, int width, int height, VmafOptions options)
    {
        var (chosen, _) = Choose(model);
        long pair = FramePair.Bytes(width, height, chosen.Any(c => c.Entry.UsesFloat), chosen.Any(c => c.Entry.UsesChroma),
            chosen.Any(c => c.Entry.KeepsBlurredReference));
        long extractors = chosen.Sum(c => c.Entry.WorkingSet(width, height, c.Options));
        int threads = Math.Max(1, options.Threads);
        // Beyond the buffers: the extractors' objects, rows and lookups, the board and the workers (measured: tens of KiB).
        const long Small = 16 << 10;
        return FrameWorkers.SlotsFor(threads) * pair + threads * (extractors + Small) + 4 * Small;
    }

    /// <summary>
    /// The smallest square picture (a power of two from 16) the model can score, for building its
    /// extractors once to check its features and options before any frame.
    /// </summary>
    public static int SmallestSize(VmafModel model)
    {
        int size = MinimumSize;
        while (size < 16384 && TooSmall(model, size, size) is not null) size *= 2;
        return size;
    }

    /// <summary>
    /// Why the model cannot score pictures of this size, or null: below 16x16, or too small for
    /// an extractor with the model's options (a _2160 model's prescaled chroma on CIF, which
    /// libvmaf reports as "SpEED: image too small" and then crashes on).
    /// </summary>
    public static string? TooSmall(VmafModel model, int width, int height)
    {
        if (Math.Min(width, height) < MinimumSize)
            return $"VMAF needs at least {MinimumSize}x{MinimumSize} pixels, got {width}x{height}";
        foreach (var feature in model.Features)
        {
            var entry = FeatureExtractors.For(feature.Name);
            if (entry.TooSmall?.Invoke(width, height, FeatureOptions.From(feature.Options, entry.Options, feature.Name)) is { } why)
                return $"model {model.Name} cannot score {width}x{height}: {why}";
        }
        return null;
    }

    /// <summary>The frame workers, for tests that count their allocations.</summary>
    internal FrameWorkers Workers => _workers;

    public void Dispose() => _workers.Dispose();

    public int Width { get; }
    public int Height { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public VmafModel Model => _model;

    public void Push(in YuvPicture reference, in YuvPicture distorted)
    {
        if (reference.Width != Width || reference.Height != Height || distorted.Width != Width || distorted.Height != Height)
            throw new ArgumentException($"frames must be {Width}x{Height}");
        // FramePair.Load checks the pair's depths; a change between frames shows only here (each slot has its own pair).
        if (_bitDepth != 0 && reference.BitDepth != _bitDepth) throw new ArgumentException($"bit depth changed from {_bitDepth} to {reference.BitDepth}");
        _bitDepth = reference.BitDepth;
        _workers.NextSlot().Load(reference, distorted);
        _workers.Start(_next++ % _options.Subsample == 0);
    }

    public void Flush() => _workers.Flush();

    /// <summary>A final frame: scored ones are predicted and handed to the sink, in display order.</summary>
    private void Emit(long index, bool scored)
    {
        if (!scored) return;
        if (!_board.IsComplete(index)) throw new InvalidOperationException($"frame {index} never completed");
        var values = _board.Values(index);
        for (int i = 0; i < _modelColumns.Length; i++) _modelInput[i] = values[_modelColumns[i]];
        double vmaf = _model.Predict(_modelInput, _options.EnableTransform);
        _sink.OnFrame(index, vmaf, values);
    }
}
