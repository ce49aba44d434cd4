using EncodeQuality.Vmaf;
using EncodeQuality.Vmaf.Model;

namespace EncodeQuality.LibVmaf;

public enum VmafEngineKind { Auto, Managed, LibVmaf }

/// <summary>
/// Chooses the VMAF engine: auto takes libvmaf when it loads, else the managed engine; managed
/// and libvmaf force one. Resolves the model up front so a bad name fails before any work.
/// Which engine runs is logged by every run that creates one (a worker's jobs each say theirs).
/// </summary>
public static class VmafEngines
{
    public static VmafEngineKind Parse(string text) => text switch
    {
        "auto" => VmafEngineKind.Auto,
        "managed" => VmafEngineKind.Managed,
        "libvmaf" => VmafEngineKind.LibVmaf,
        _ => throw new ArgumentException($"--vmaf-engine must be auto, managed or libvmaf, not '{text}'"),
    };

    /// <summary>
    /// A factory of engines for one picture size, given the share of reference work with other
    /// streams (libvmaf's API takes one pair per context and shares nothing). Throws <see cref="FileNotFoundException"/> (model),
    /// <see cref="DllNotFoundException"/> (libvmaf forced but missing) or the model load error.
    /// </summary>
    public static VmafEngineFactory Create(VmafEngineKind kind, string? model, VmafOptions options, Action<string> log)
    {
        bool libvmaf = kind switch
        {
            VmafEngineKind.Managed => false,
            VmafEngineKind.LibVmaf => LibVmafLibrary.TryLoad(out _, out var detail) ? true : throw new DllNotFoundException(detail),
            _ => LibVmafLibrary.TryLoad(out _, out _),
        };
        if (libvmaf)
        {
            string name = string.IsNullOrWhiteSpace(model) ? ModelLocator.DefaultName : model;
            var features = LibVmafFeatures(name);
            log($"VMAF engine: libvmaf {LibVmafLibrary.Version()}");
            // Load once now so a bad model is reported before any frame is decoded.
            new LibVmafScorer(name, features, options, NullSink.Instance).Dispose();
            return (w, h, sink, _, _) => new LibVmafScorer(name, features, options, sink);
        }
        string path = ModelLocator.Find(model);
        var loaded = VmafModel.Load(path);
        // Build the model's extractors once at the smallest size it takes, so an unknown feature or
        // an unsupported option is reported before any frame is decoded.
        int size = VmafScorer.SmallestSize(loaded);
        new VmafScorer(loaded, size, size, options, NullSink.Instance).Dispose();
        LibVmafLibrary.TryLoad(out _, out var why);
        log(kind == VmafEngineKind.Auto ? $"VMAF engine: managed ({why})" : "VMAF engine: managed");
        return (w, h, sink, share, alongside) => new VmafScorer(loaded, w, h, options, sink, share, alongside);
    }

    /// <summary>
    /// The model's features, libvmaf's names with the model's options: read from the model's JSON
    /// where one is found (a path, or a file of that name in the model folders), else libvmaf's
    /// v0.6.1 family without options (float models "VMAF_feature_*", the others "VMAF_integer_feature_*").
    /// </summary>
    public static IReadOnlyList<VmafModel.Feature> LibVmafFeatures(string model)
    {
        if (ModelLocator.TryFind(model) is { } path) return VmafModel.Load(path).Features;
        string prefix = model.Contains("float", StringComparison.Ordinal) ? "VMAF_feature_" : "VMAF_integer_feature_";
        var none = new Dictionary<string, string>();
        return new[] { "adm2", "motion2", "vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3" }
            .Select(f => new VmafModel.Feature(prefix + f + "_score", none)).ToArray();
    }

    private sealed class NullSink : IVmafSink
    {
        public static readonly NullSink Instance = new();
        public void OnFrame(long index, double vmaf, ReadOnlySpan<double> features) { }
    }
}
