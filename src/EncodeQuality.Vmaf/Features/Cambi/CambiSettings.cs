namespace EncodeQuality.Vmaf.Features.Cambi;

/// <summary>
/// CAMBI's options, with libvmaf's names and defaults (libvmaf/src/feature/cambi.c). Sizes and the
/// encode bit depth left at 0 take the picture's own.
/// </summary>
public sealed record CambiSettings
{
    /// <summary>Scores above this are clipped to it (cambi_max_val).</summary>
    public double MaxValue { get; init; } = 1000.0;
    /// <summary>The encode's size and bit depth: a picture upscaled for scoring is first taken back down to it.</summary>
    public int EncWidth { get; init; }
    public int EncHeight { get; init; }
    public int EncBitDepth { get; init; }
    /// <summary>The source's size, for the full-reference variant.</summary>
    public int SrcWidth { get; init; }
    public int SrcHeight { get; init; }
    /// <summary>The window at 4K (65 is about one degree of view), scaled to the picture's size.</summary>
    public int WindowSize { get; init; } = 65;
    /// <summary>The share of pixels, largest first, averaged per scale (topk, cambi_topk).</summary>
    public double TopK { get; init; } = 0.6;
    /// <summary>A luminance step is visible when ΔL exceeds this share of L.</summary>
    public double TviThreshold { get; init; } = 0.019;
    /// <summary>Below this luminance (cd/m²) banding is taken as invisible (cambi_vis_lum_threshold).</summary>
    public double VisibleLuminanceThreshold { get; init; }
    /// <summary>Contrasts of 1 to 2^this 10-bit codes are looked for.</summary>
    public int MaxLogContrast { get; init; } = 2;
    /// <summary>Also score the source and report distorted minus source (cambi_source, cambi_full_reference).</summary>
    public bool FullReference { get; init; }
    public string Eotf { get; init; } = "bt1886";
    /// <summary>1080, 1440 or 2160: from that many lines up, work at half size after the spatial mask; 0: never.</summary>
    public int HighResSpeedup { get; init; }

    /// <summary>
    /// The names the scores are written under: "cambi" with the options' suffix, and with the
    /// full-reference variant "cambi_source" and "cambi_full_reference" (libvmaf suffixes only the first).
    /// </summary>
    public string[] FeatureNames(string suffix) =>
        FullReference ? ["cambi" + suffix, "cambi_source", "cambi_full_reference"] : ["cambi" + suffix];

    /// <summary>The full-reference score: the banding the encode added to the source's, at least 0, clipped.</summary>
    public double FullReferenceScore(double distorted, double source) => Math.Min(Math.Max(0, distorted - source), MaxValue);

    /// <summary>
    /// Settings from libvmaf-style text, "window_size=63:full_ref=true" (names or aliases), and the
    /// suffix libvmaf gives the feature names for them ("_ws_63"). Refusals are one-line <see cref="FormatException"/>s.
    /// </summary>
    public static CambiSettings Parse(string? text, out string suffix)
    {
        var options = FeatureOptions.Parse(text, CambiOptions.Specs, "cambi");
        suffix = options.Suffix;
        return CambiOptions.Settings(options);
    }
}
