using EncodeQuality.Vmaf.Features;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Streaming VMAF: push (reference, distorted) picture pairs in display order; each scored frame is
/// reported to the sink once final, which is when the next frame arrives (motion looks one frame
/// ahead) or at <see cref="Flush"/>. The extractors are the ones the model's feature names ask
/// for (integer or float, with the model's options), found in <see cref="FeatureExtractors"/> and
/// run by a <see cref="FeatureScorer"/> (threads score frames side by side); the prediction from
/// their values is kept here, apart from them.
/// </summary>
public sealed class VmafScorer : IVmafEngine
{
    private readonly VmafModel _model;
    private readonly VmafOptions _options;
    private readonly IVmafSink _sink;
    private readonly FeatureScorer _features;
    private readonly int[] _modelColumns;
    private readonly double[] _modelInput;
    private long _next;

    public const int MinimumSize = 16;

    /// <param name="share">The share of reference-only work with other streams scored against the same reference, or null.</param>
    /// <param name="alongside">Metrics of the extractor list (psnr, ssim) scored on the same frame workers; their values reach the sink with the model's features.</param>
    public VmafScorer(VmafModel model, int width, int height, VmafOptions options, IVmafSink sink, ReferenceShare? share = null,
        IReadOnlyList<(string Metric, string? Options)>? alongside = null)
    {
        if (TooSmall(model, width, height) is { } why) throw new ArgumentException(why);
        if (options.Subsample < 1) throw new ArgumentException("subsample must be at least 1");
        _model = model;
        _options = options;
        _sink = sink;
        var (chosen, modelNames) = Choose(model, alongside);
        _features = new FeatureScorer(chosen, width, height, options.Threads, Emit, share);
        var names = _features.FeatureNames.ToList();
        _modelColumns = [.. modelNames.Select(n => names.IndexOf(n) is var i and >= 0
            ? i : throw new NotSupportedException($"model '{model.Name}' needs feature '{n}', which this engine does not compute"))];
        _modelInput = new double[model.Features.Count];
    }

    public string Description => "managed";

    /// <summary>
    /// The extractors a model needs, one per (extractor, options), shared by the features it
    /// provides; and the name each of the model's features is logged under.
    /// </summary>
    internal static (List<(FeatureExtractors.Entry Entry, FeatureOptions Options)> Chosen, List<string> ModelNames) Choose(VmafModel model,
        IReadOnlyList<(string Metric, string? Options)>? alongside = null)
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
        // A metric the model already reads with the same options (cambi for a v1 model) is computed once.
        foreach (var (entry, o) in FeatureScorer.Choose(alongside ?? []))
            if (!chosen.Any(c => c.Entry.Name == entry.Name && c.Options.Suffix == o.Suffix)) chosen.Add((entry, o));
        return (chosen, modelNames);
    }

    /// <summary>Bytes a scorer holds for pictures of a size, for the memory estimate (<see cref="FeatureScorer"/>'s), its part of a share included.</summary>
    public static long WorkingSet(VmafModel model, int width, int height, VmafOptions options, ReferenceShare? share = null,
        IReadOnlyList<(string Metric, string? Options)>? alongside = null) =>
        FeatureScorer.WorkingSet(Choose(model, alongside).Chosen, width, height, options.Threads, share);

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
    internal FrameWorkers Workers => _features.Workers;

    public void Dispose() => _features.Dispose();

    public int Width => _features.Width;
    public int Height => _features.Height;
    public IReadOnlyList<string> FeatureNames => _features.FeatureNames;
    public VmafModel Model => _model;

    public void Push(in YuvPicture reference, in YuvPicture distorted)
    {
        _features.Push(_next, reference, distorted, _next % _options.Subsample == 0);
        _next++;
    }

    public void Flush() => _features.Flush();

    /// <summary>A final frame: scored ones are predicted and handed to the sink, in display order.</summary>
    private void Emit(long index, bool scored, ReadOnlySpan<double> values)
    {
        if (!scored) return;
        for (int i = 0; i < _modelColumns.Length; i++) _modelInput[i] = values[_modelColumns[i]];
        double vmaf = _model.Predict(_modelInput, _options.EnableTransform);
        _sink.OnFrame(index, vmaf, values);
    }
}
