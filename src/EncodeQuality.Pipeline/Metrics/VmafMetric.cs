using EncodeQuality.Native.Frames;
using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.Pipeline.Metrics;

/// <summary>
/// The managed VMAF engine behind the pipeline's metric interface: luma planes go in as views
/// (no copy here; the engine converts them once to floats), scores come out through the engine's
/// sink one frame later (motion2), named as libvmaf names them plus "vmaf".
/// </summary>
public sealed class VmafMetric(VmafModel model, VmafOptions options) : IFrameMetric, IVmafSink
{
    private VmafScorer? _scorer;
    private ScoreSheet? _sheet;
    private int[] _columns = [];
    private int _vmafColumn;

    public IReadOnlyList<string> FeatureNames => ["vmaf", .. _scorer?.FeatureNames ?? []];

    public void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet)
    {
        var f = reference.Format;
        if (_scorer is null)
        {
            _scorer = new VmafScorer(model, f.Width, f.Height, options, this);
            _sheet = sheet;
            _vmafColumn = sheet.Column("vmaf");
            _columns = _scorer.FeatureNames.Select(sheet.Column).ToArray();
        }
        if (f.BitDepth > 8)
            _scorer.Push(new LumaFrame(reference.Plane16(0), f.Width, f.Height, f.Width, f.BitDepth),
                new LumaFrame(distorted.Plane16(0), f.Width, f.Height, f.Width, f.BitDepth));
        else
            _scorer.Push(new LumaFrame(reference.Plane(0), f.Width, f.Height, f.Width),
                new LumaFrame(distorted.Plane(0), f.Width, f.Height, f.Width));
    }

    public void Flush(ScoreSheet sheet) => _scorer?.Flush();

    void IVmafSink.OnFrame(long index, double vmaf, ReadOnlySpan<double> features)
    {
        _sheet!.Set(_vmafColumn, index, vmaf);
        for (int i = 0; i < features.Length; i++) _sheet.Set(_columns[i], index, features[i]);
    }

    public void Dispose() { }

    /// <summary>Registers "vmaf" in a catalog with a model found by <see cref="ModelLocator"/>.</summary>
    public static void Register(MetricCatalog catalog, string? model = null, VmafOptions? options = null)
    {
        catalog.Register("vmaf", () =>
        {
            string path;
            try { path = ModelLocator.Find(model); }
            catch (FileNotFoundException e) { throw new InputException(e.Message); }
            VmafModel loaded;
            try { loaded = VmafModel.Load(path); }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InputException($"VMAF model {path}: {e.Message}");
            }
            return new VmafMetric(loaded, options ?? new VmafOptions());
        });
    }
}
