using System.Text.Json;
using Extractors = EncodeQuality.Vmaf.Features.FeatureExtractors;
using ExtractorOptions = EncodeQuality.Vmaf.Features.FeatureOptions;

namespace EncodeQuality.Vmaf.Model;

/// <summary>
/// A VMAF model in libvmaf's JSON format: the features it reads (in its order), their linear
/// rescaling, the SVM, the output rescaling, the optional polynomial transform, the score clip and
/// per-feature options (feature_opts_dicts: the NEG models' enhancement-gain limits, the 4K models'
/// display options). Feature names stay as libvmaf names them, so "VMAF_integer_feature_*" picks
/// the integer extractors and "VMAF_feature_*" the float ones. The model only predicts.
/// </summary>
public sealed class VmafModel
{
    private readonly double[] _slopes;
    private readonly double[] _intercepts;
    private readonly int _chromaColumn = -1, _guideColumn = -1;

    private VmafModel(string name, Feature[] features, double[] slopes, double[] intercepts, SvmModel svm,
        (double Min, double Max)? clip, Transform? transform, double? chromaCorrection)
    {
        ChromaCorrection = chromaCorrection;
        if (chromaCorrection is not null)
        {
            // predict.c finds the guided and guiding features by these substrings, each at most once.
            _chromaColumn = OnlyIndex(features, "speed_chroma");
            _guideColumn = OnlyIndex(features, "adm3");
            if (_chromaColumn >= 0 && _guideColumn < 0) throw new FormatException("chroma_correction_parameter needs an adm3 feature to correct speed_chroma from");
        }
        Name = name;
        Features = features;
        _slopes = slopes;
        _intercepts = intercepts;
        Svm = svm;
        Clip = clip;
        ScoreTransform = transform;
    }

    /// <summary>
    /// A feature the model reads: libvmaf's name and the options the model sets for its extractor,
    /// as text (numbers as the model writes them, true/false, names), which the extractor's option
    /// list reads by type, as libvmaf's dictionaries do.
    /// </summary>
    public sealed record Feature(string Name, IReadOnlyDictionary<string, string> Options);

    /// <summary>
    /// The polynomial score transform: libvmaf applies it when the model enables it ("enabled":
    /// true, as the v1 models do) or when the caller asks (enable_transform).
    /// </summary>
    public sealed record Transform(double P0, double P1, double P2, bool OutGteIn, bool OutLteIn, bool Enabled);

    public string Name { get; }
    /// <summary>The features in model order.</summary>
    public IReadOnlyList<Feature> Features { get; }
    public SvmModel Svm { get; }
    public (double Min, double Max)? Clip { get; }
    public Transform? ScoreTransform { get; }

    /// <summary>
    /// chroma_correction_parameter c (VMAF v1): where the chroma feature (speed_chroma) is exactly
    /// 0, libvmaf's predict.c replaces it with c * (1 - adm3) before the SVM, so a picture with
    /// flat chroma is not scored as if its chroma were perfect.
    /// </summary>
    public double? ChromaCorrection { get; }

    public static VmafModel Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return FromJson(doc.RootElement, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads a model; every defect is a <see cref="FormatException"/> naming the key.</summary>
    public static VmafModel FromJson(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object with a model_dict, not {Kind(root)}");
        var md = Required(root, "model_dict", JsonValueKind.Object);
        string type = Required(md, "model_type", JsonValueKind.String).GetString()!;
        if (type != "LIBSVMNUSVR") throw new FormatException($"model_type {type} is not supported (LIBSVMNUSVR only)");
        string norm = Required(md, "norm_type", JsonValueKind.String).GetString()!;
        var featureNames = Required(md, "feature_names", JsonValueKind.Array).EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException("feature_names must hold strings")).ToArray();
        var slopes = Numbers(md, "slopes");
        var intercepts = Numbers(md, "intercepts");
        if (norm == "none")
        {
            slopes = Enumerable.Repeat(1.0, featureNames.Length + 1).ToArray();
            intercepts = new double[featureNames.Length + 1];
        }
        else if (norm != "linear_rescale") throw new FormatException($"norm_type {norm} is not supported");
        if (slopes.Length != featureNames.Length + 1 || intercepts.Length != featureNames.Length + 1)
            throw new FormatException("slopes and intercepts need one entry for the score and one per feature");

        (double, double)? clip = null;
        if (md.TryGetProperty("score_clip", out _))
        {
            var c = Numbers(md, "score_clip");
            if (c.Length != 2) throw new FormatException("score_clip must be [min, max]");
            if (c[0] > c[1]) throw new FormatException($"score_clip [{c[0]}, {c[1]}] is reversed: it must be [min, max]");
            clip = (c[0], c[1]);
        }
        Transform? transform = null;
        if (md.TryGetProperty("score_transform", out var t) && t.ValueKind == JsonValueKind.Object)
            transform = new Transform(Num(t, "p0"), Num(t, "p1"), Num(t, "p2"), Flag(t, "out_gte_in"), Flag(t, "out_lte_in"), Flag(t, "enabled"));
        double? chromaCorrection = null;
        if (md.TryGetProperty("chroma_correction_parameter", out var cc))
            chromaCorrection = cc.ValueKind == JsonValueKind.Number ? cc.GetDouble() : throw new FormatException("'chroma_correction_parameter' must be a number");

        var options = new IReadOnlyDictionary<string, string>[featureNames.Length];
        for (int i = 0; i < options.Length; i++) options[i] = new Dictionary<string, string>();
        if (md.TryGetProperty("feature_opts_dicts", out var opts) && opts.ValueKind == JsonValueKind.Array)
        {
            if (opts.GetArrayLength() != featureNames.Length) throw new FormatException("feature_opts_dicts needs one entry per feature");
            int i = 0;
            foreach (var o in opts.EnumerateArray())
            {
                var d = new Dictionary<string, string>();
                foreach (var p in o.EnumerateObject())
                    d[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.Number => p.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        JsonValueKind.String => p.Value.GetString()!,
                        _ => throw new FormatException($"feature option {p.Name} of {featureNames[i]} is not a number, a bool or a string"),
                    };
                options[i++] = d;
            }
        }
        var svm = SvmModel.Parse(Required(md, "model", JsonValueKind.String).GetString()!, featureNames.Length);
        return new VmafModel(name, [.. featureNames.Select((f, i) => new Feature(f, options[i]))], slopes, intercepts, svm, clip, transform, chromaCorrection);
    }

    /// <summary>
    /// The name libvmaf logs a model feature under: "VMAF_integer_feature_adm2_score" is
    /// "integer_adm2", "VMAF_feature_adm2_score" is "adm2", with the option suffix ("_egl_1").
    /// </summary>
    public static string OutputName(string libvmafName, IReadOnlyDictionary<string, string>? options = null)
    {
        var entry = Extractors.Find(libvmafName);
        if (entry is null) return libvmafName.Replace("VMAF_integer_feature_", "integer_").Replace("VMAF_feature_", "").Replace("_score", "");
        var o = ExtractorOptions.From(options ?? new Dictionary<string, string>(), entry.Options, libvmafName);
        return entry.OutputName(libvmafName) + o.Suffix;
    }

    /// <summary>
    /// The name libvmaf's feature collector keeps a feature under (what vmaf_feature_score_at_index
    /// takes): libvmaf's own name when the options are all defaults, else the output name, alias
    /// plus option suffix (libvmaf/src/feature/feature_name.c).
    /// </summary>
    public static string CollectorName(string libvmafName, IReadOnlyDictionary<string, string>? options = null)
    {
        var entry = Extractors.Find(libvmafName);
        if (entry is null) return libvmafName;
        var o = ExtractorOptions.From(options ?? new Dictionary<string, string>(), entry.Options, libvmafName);
        return o.Suffix.Length == 0 ? libvmafName : entry.OutputName(libvmafName) + o.Suffix;
    }

    /// <summary>
    /// VMAF from the model's features, as libvmaf's predict.c: rescale each feature, correct a
    /// zero chroma feature from adm3 (VMAF v1), predict, rescale the prediction back, transform
    /// when the model enables it or the caller asks, clip.
    /// </summary>
    public double Predict(ReadOnlySpan<double> features, bool enableTransform = false)
    {
        Span<double> x = stackalloc double[features.Length];
        for (int i = 0; i < features.Length; i++) x[i] = _slopes[i + 1] * features[i] + _intercepts[i + 1];
        if (ChromaCorrection is { } c && _chromaColumn >= 0 && Raw(x, _chromaColumn) == 0.0)
            x[_chromaColumn] = _slopes[_chromaColumn + 1] * (-c * Raw(x, _guideColumn) + c) + _intercepts[_chromaColumn + 1];
        double score = (Svm.Predict(x) - _intercepts[0]) / _slopes[0];
        if ((enableTransform || ScoreTransform?.Enabled == true) && ScoreTransform is { } tr)
        {
            double v = tr.P0 + tr.P1 * score + tr.P2 * score * score;
            if (tr.OutLteIn) v = Math.Min(v, score);
            if (tr.OutGteIn) v = Math.Max(v, score);
            score = v;
        }
        if (Clip is { } clip) score = Math.Clamp(score, clip.Min, clip.Max);
        return score;
    }

    /// <summary>A rescaled feature taken back to its own scale (predict.c's denormalize_feature).</summary>
    private double Raw(ReadOnlySpan<double> x, int i) => (x[i] - _intercepts[i + 1]) / _slopes[i + 1];

    private static int OnlyIndex(Feature[] features, string part)
    {
        var found = features.Select((f, i) => (f, i)).Where(p => p.f.Name.Contains(part, StringComparison.Ordinal)).ToArray();
        return found.Length > 1 ? throw new FormatException($"more than one feature names '{part}' for chroma_correction_parameter")
            : found.Length == 1 ? found[0].i : -1;
    }

    private static JsonElement Required(JsonElement e, string key, JsonValueKind kind)
    {
        if (!e.TryGetProperty(key, out var v)) throw new FormatException($"missing key '{key}'");
        if (v.ValueKind != kind) throw new FormatException($"'{key}' must be {Kind(kind)}, not {Kind(v)}");
        return v;
    }

    private static double[] Numbers(JsonElement e, string key) =>
        [.. Required(e, key, JsonValueKind.Array).EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"'{key}' must hold numbers"))];

    private static string Kind(JsonElement e) => Kind(e.ValueKind);

    private static string Kind(JsonValueKind k) => k switch
    {
        JsonValueKind.Object => "an object", JsonValueKind.Array => "an array", JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number", _ => k.ToString().ToLowerInvariant(),
    };

    private static double Num(JsonElement e, string key) =>
        !e.TryGetProperty(key, out var v) ? 0 : v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FormatException($"score_transform.{key} must be a number");

    private static bool Flag(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));
}
