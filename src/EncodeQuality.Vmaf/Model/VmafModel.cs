using System.Text.Json;

namespace EncodeQuality.Vmaf.Model;

/// <summary>
/// A VMAF model in libvmaf's JSON format: the features it reads (in its order), their linear
/// rescaling, the SVM, the output rescaling, the optional polynomial transform, the score clip and
/// per-feature options (the NEG models' enhancement-gain limits). The model only predicts.
/// </summary>
public sealed class VmafModel
{
    private readonly double[] _slopes;
    private readonly double[] _intercepts;

    private VmafModel(string name, string[] features, double[] slopes, double[] intercepts, SvmModel svm,
        (double Min, double Max)? clip, Transform? transform, double vifGainLimit, double admGainLimit)
    {
        Name = name;
        Features = features;
        _slopes = slopes;
        _intercepts = intercepts;
        Svm = svm;
        Clip = clip;
        ScoreTransform = transform;
        VifGainLimit = vifGainLimit;
        AdmGainLimit = admGainLimit;
    }

    public sealed record Transform(double P0, double P1, double P2, bool OutGteIn, bool OutLteIn);

    public string Name { get; }
    /// <summary>Feature names as the engine writes them (adm2, motion2, vif_scale0..3), in model order.</summary>
    public IReadOnlyList<string> Features { get; }
    public SvmModel Svm { get; }
    public (double Min, double Max)? Clip { get; }
    public Transform? ScoreTransform { get; }
    /// <summary>No limit unless the model sets one (NEG models: 1), as libvmaf 1.x computes.</summary>
    public double VifGainLimit { get; }
    public double AdmGainLimit { get; }

    public static VmafModel Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return FromJson(doc.RootElement, Path.GetFileNameWithoutExtension(path));
    }

    public static VmafModel FromJson(JsonElement root, string name)
    {
        var md = root.GetProperty("model_dict");
        string type = md.GetProperty("model_type").GetString() ?? "";
        if (type != "LIBSVMNUSVR") throw new FormatException($"model_type {type} is not supported (LIBSVMNUSVR only)");
        string norm = md.GetProperty("norm_type").GetString() ?? "";
        var featureNames = md.GetProperty("feature_names").EnumerateArray().Select(e => ShortName(e.GetString()!)).ToArray();
        var slopes = md.GetProperty("slopes").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var intercepts = md.GetProperty("intercepts").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        if (norm == "none")
        {
            slopes = Enumerable.Repeat(1.0, featureNames.Length + 1).ToArray();
            intercepts = new double[featureNames.Length + 1];
        }
        else if (norm != "linear_rescale") throw new FormatException($"norm_type {norm} is not supported");
        if (slopes.Length != featureNames.Length + 1 || intercepts.Length != featureNames.Length + 1)
            throw new FormatException("slopes and intercepts need one entry for the score and one per feature");

        (double, double)? clip = null;
        if (md.TryGetProperty("score_clip", out var c) && c.ValueKind == JsonValueKind.Array)
            clip = (c[0].GetDouble(), c[1].GetDouble());
        Transform? transform = null;
        if (md.TryGetProperty("score_transform", out var t) && t.ValueKind == JsonValueKind.Object)
            transform = new Transform(Num(t, "p0"), Num(t, "p1"), Num(t, "p2"), Flag(t, "out_gte_in"), Flag(t, "out_lte_in"));

        double vifLimit = double.PositiveInfinity, admLimit = double.PositiveInfinity;
        if (md.TryGetProperty("feature_opts_dicts", out var opts) && opts.ValueKind == JsonValueKind.Array)
            foreach (var o in opts.EnumerateArray())
            {
                if (o.TryGetProperty("vif_enhn_gain_limit", out var v)) vifLimit = v.GetDouble();
                if (o.TryGetProperty("adm_enhn_gain_limit", out var a)) admLimit = a.GetDouble();
            }
        var svm = SvmModel.Parse(md.GetProperty("model").GetString()!, featureNames.Length);
        return new VmafModel(name, featureNames, slopes, intercepts, svm, clip, transform, vifLimit, admLimit);
    }

    /// <summary>"VMAF_feature_adm2_score" or "VMAF_integer_feature_adm2_score" to "adm2".</summary>
    public static string ShortName(string name)
    {
        foreach (var prefix in new[] { "VMAF_integer_feature_", "VMAF_feature_" })
            if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        if (name.EndsWith("_score", StringComparison.Ordinal)) name = name[..^"_score".Length];
        return name;
    }

    /// <summary>
    /// VMAF from the model's features: rescale each feature, predict, rescale the prediction back,
    /// transform if asked (libvmaf leaves it off unless enabled), clip.
    /// </summary>
    public double Predict(ReadOnlySpan<double> features, bool enableTransform = false)
    {
        Span<double> x = stackalloc double[features.Length];
        for (int i = 0; i < features.Length; i++) x[i] = _slopes[i + 1] * features[i] + _intercepts[i + 1];
        double score = (Svm.Predict(x) - _intercepts[0]) / _slopes[0];
        if (enableTransform && ScoreTransform is { } tr)
        {
            double v = tr.P0 + tr.P1 * score + tr.P2 * score * score;
            if (tr.OutGteIn) v = Math.Max(v, score);
            if (tr.OutLteIn) v = Math.Min(v, score);
            score = v;
        }
        if (Clip is { } c) score = Math.Clamp(score, c.Min, c.Max);
        return score;
    }

    private static double Num(JsonElement e, string key) => e.TryGetProperty(key, out var v) ? v.GetDouble() : 0;

    private static bool Flag(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && v.GetString() == "true"));
}
