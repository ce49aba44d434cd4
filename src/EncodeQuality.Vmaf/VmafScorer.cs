using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Streaming VMAF: push (reference, distorted) picture pairs in display order; each scored frame is
/// reported to the sink once final, which is when the next frame arrives (motion looks one frame
/// ahead) or at <see cref="Flush"/>. The extractors are the ones the model's feature names ask
/// for (integer or float, with the model's options), found in <see cref="FeatureExtractors"/>.
/// Threads split each extractor's rows into bands. Buffers are allocated once for the picture size.
/// </summary>
public sealed class VmafScorer : IVmafEngine
{
    private readonly VmafModel _model;
    private readonly VmafOptions _options;
    private readonly IVmafSink _sink;
    private readonly FramePair _frame;
    private readonly IFeatureExtractor[] _extractors;
    private readonly RowBands _bands;
    private readonly FeatureBoard _board;
    private readonly int[] _modelColumns;
    private readonly double[] _modelInput;
    private long _next;
    private long _pendingIndex = -1;

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
        _bands = new RowBands(Math.Max(1, options.Threads));
        var context = new FeatureExtractors.Context(width, height, _bands);
        // One extractor per (extractor, options), shared by the features it provides.
        var built = new Dictionary<(string, string), IFeatureExtractor>();
        var modelNames = new List<string>();
        bool usesFloat = false, usesChroma = false;
        foreach (var feature in model.Features)
        {
            var entry = FeatureExtractors.For(feature.Name);
            var o = FeatureOptions.From(feature.Options, entry.Options, feature.Name);
            if (!built.ContainsKey((entry.Name, o.Suffix))) built[(entry.Name, o.Suffix)] = entry.Create(context, o);
            usesFloat |= entry.UsesFloat;
            usesChroma |= entry.UsesChroma;
            modelNames.Add(entry.OutputName(feature.Name) + o.Suffix);
        }
        _extractors = [.. built.Values];
        _frame = new FramePair(width, height, usesFloat, usesChroma);
        FeatureNames = [.. _extractors.SelectMany(e => e.Features)];
        _board = new FeatureBoard(FeatureNames);
        _modelColumns = [.. modelNames.Select(n => FeatureNames.ToList().IndexOf(n) is var i and >= 0
            ? i : throw new NotSupportedException($"model '{model.Name}' needs feature '{n}', which this engine does not compute"))];
        _modelInput = new double[model.Features.Count];
    }

    public string Description => "managed";

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

    /// <summary>The row-band threads, for tests that count each thread's allocations.</summary>
    internal RowBands Bands => _bands;

    public void Dispose() => _bands.Dispose();

    public int Width { get; }
    public int Height { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public VmafModel Model => _model;

    public void Push(in YuvPicture reference, in YuvPicture distorted)
    {
        if (reference.Width != Width || reference.Height != Height || distorted.Width != Width || distorted.Height != Height)
            throw new ArgumentException($"frames must be {Width}x{Height}");
        _frame.Load(reference, distorted);
        long index = _next++;
        bool score = index % _options.Subsample == 0;
        foreach (var e in _extractors) e.Extract(index, _frame, score, _board);
        EmitCompleted();
        if (score) _pendingIndex = index;
    }

    public void Flush()
    {
        foreach (var e in _extractors) e.Flush(_board);
        EmitCompleted();
        if (_pendingIndex >= 0) throw new InvalidOperationException($"frame {_pendingIndex} never completed");
    }

    /// <summary>The previously pending frame completes when the current one is pushed.</summary>
    private void EmitCompleted()
    {
        if (_pendingIndex < 0 || !_board.IsComplete(_pendingIndex)) return;
        var values = _board.Values(_pendingIndex);
        for (int i = 0; i < _modelColumns.Length; i++) _modelInput[i] = values[_modelColumns[i]];
        double vmaf = _model.Predict(_modelInput, _options.EnableTransform);
        _sink.OnFrame(_pendingIndex, vmaf, values);
        _board.Close(_pendingIndex);
        _pendingIndex = -1;
    }
}
