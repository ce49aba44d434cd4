using EncodeQuality.LibVmaf;
using EncodeQuality.Native.Frames;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Model;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// VMAF behind the pipeline's metric interface, by whichever engine was chosen (managed or
/// libvmaf): luma planes go in as views (no copy here), scores come out through the engine's
/// sink (one frame later, or at flush), named as libvmaf names them plus "vmaf". The stream's
/// other extractor metrics (<paramref name="alongside"/>: psnr, ssim) are scored by the managed
/// engine's own frame workers, so the pair is copied in once; beside libvmaf, by an
/// <see cref="ExtractorMetric"/> of their own.
/// </summary>
public sealed class VmafMetric(VmafEngineFactory engines, ReferenceShare? share = null,
    IReadOnlyList<(string Metric, string? Options)>? alongside = null, VmafOptions? options = null) : IFrameMetric, IVmafSink
{
    private IVmafEngine? _engine;
    private ExtractorMetric? _beside;
    private ScoreSheet? _sheet;
    private int[] _columns = [];
    private int _vmafColumn;
    private readonly VmafOptions _options = options ?? new VmafOptions();

    public IReadOnlyList<string> FeatureNames => ["vmaf", .. _engine?.FeatureNames ?? [], .. _beside?.FeatureNames ?? []];

    public bool Temporal => true;

    /// <summary>Why VMAF cannot score pictures of this size, or null.</summary>
    public static string? CannotScore(int width, int height) =>
        Math.Min(width, height) < VmafScorer.MinimumSize
            ? $"VMAF needs at least {VmafScorer.MinimumSize}x{VmafScorer.MinimumSize} pixels, got {width}x{height}" : null;

    /// <summary>
    /// Why the model cannot score pictures of this size, or null: the engine's own limit, or a
    /// feature's (a _2160 VMAF v1 model's prescaled chroma on a small picture). A model that cannot
    /// be read (null here) is left to the engine's factory, which reports it.
    /// </summary>
    public static string? CannotScore(VmafModel? model, int width, int height)
    {
        if (CannotScore(width, height) is { } why) return why;
        if (model is null) return null;
        try { return VmafScorer.TooSmall(model, width, height); }
        catch (Exception e) when (e is FormatException or NotSupportedException) { return null; }
    }

    /// <summary>
    /// What a scorer of the model holds for pictures of a size (its frames in flight and each
    /// thread's extractors), for the memory estimate; libvmaf's engine holds buffers of the same
    /// kind, so the managed figure stands for both. 0 when the model cannot be read.
    /// </summary>
    private static long WorkingSet(VmafModel? model, int width, int height, VmafOptions options, ReferenceShare? share,
        IReadOnlyList<(string Metric, string? Options)> alongside)
    {
        if (model is null) return 0;
        try { return VmafScorer.WorkingSet(model, width, height, options, share, alongside); }
        catch (Exception e) when (e is FormatException or NotSupportedException) { return 0; }
    }

    /// <summary>The model for the size rule, read once; null when it cannot be read.</summary>
    private static VmafModel? TryLoad(string? model)
    {
        try { return VmafModel.Load(ModelLocator.Find(model)); }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or NotSupportedException or KeyNotFoundException)
        {
            return null;
        }
    }

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        var f = reference.Format;
        if (_engine is null)
        {
            // A picture VMAF cannot take (below 16x16) is a property of the input, not a failure.
            try { _engine = engines(f.Width, f.Height, this, share, alongside ?? []); }
            catch (ArgumentException e) { throw new InputException(e.Message); }
            if (alongside is { Count: > 0 } && _engine is not VmafScorer) _beside = new ExtractorMetric(alongside, _options.Threads);
            _sheet = sheet;
            _vmafColumn = sheet.Column("vmaf");
            _columns = _engine.FeatureNames.Select(sheet.Column).ToArray();
        }
        // Luma and chroma as views; the engine copies the planes its features read.
        _engine.Push(ExtractorMetric.Picture(reference), ExtractorMetric.Picture(distorted));
        // VMAF sees every frame (motion); the metrics beside it only those it scores.
        if (_beside is not null && frameIndex % _options.Subsample == 0) _beside.Push(frameIndex, reference, distorted, sheet);
    }

    public void Flush(ScoreSheet sheet)
    {
        _engine?.Flush();
        _beside?.Flush(sheet);
    }

    void IVmafSink.OnFrame(long index, double vmaf, ReadOnlySpan<double> features)
    {
        _sheet!.Set(_vmafColumn, index, vmaf);
        for (int i = 0; i < features.Length; i++) _sheet.Set(_columns[i], index, features[i]);
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _beside?.Dispose();
    }

    /// <summary>
    /// Registers "vmaf" with the engine named as users give it (auto, managed, libvmaf), as every
    /// command and the farm worker do; <paramref name="log"/> hears which engine runs.
    /// </summary>
    public static void Use(MetricCatalog catalog, string engine, string? model, VmafOptions options, Action<string> log) =>
        Register(catalog, model, options, VmafEngines.Parse(engine), log);

    /// <summary>
    /// Registers "vmaf" in a catalog. The engine and model are resolved when a run creates its
    /// metrics, so a missing model or a forced but missing libvmaf is an input error before any frame.
    /// </summary>
    public static void Register(MetricCatalog catalog, string? model = null, VmafOptions? options = null,
        VmafEngineKind engine = VmafEngineKind.Auto, Action<string>? log = null)
    {
        VmafEngineFactory? factory = null;
        var sizeModel = new Lazy<VmafModel?>(() => TryLoad(model));
        options ??= new VmafOptions();
        catalog.RegisterHost("vmaf", (share, alongside) =>
        {
            try { factory ??= VmafEngines.Create(engine, model, options, log ?? (_ => { })); }
            catch (FileNotFoundException e) { throw new InputException(e.Message); }
            catch (DllNotFoundException e) { throw new InputException($"--vmaf-engine libvmaf: {e.Message}"); }
            catch (LibVmafModelException e) { throw new InputException(e.Message); }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or NotSupportedException)
            {
                throw new InputException($"VMAF model '{model}': {e.Message}");
            }
            return new VmafMetric(factory, share, alongside, options);
        }, (w, h) => CannotScore(sizeModel.Value, w, h), (w, h, share, alongside) => WorkingSet(sizeModel.Value, w, h, options, share, alongside));
    }
}
