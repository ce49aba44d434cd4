namespace EncodeQuality.Vmaf.Features.Cambi;

/// <summary>
/// CAMBI's options as libvmaf declares them (libvmaf/src/feature/cambi.c: names, aliases, defaults,
/// ranges), for models' feature_opts_dicts and for "--metrics cambi=NAME=VALUE:...". heatmaps_path
/// (a debugging dump) is not offered.
/// </summary>
internal static class CambiOptions
{
    public static readonly OptionSpec[] Specs =
    [
        new("cambi_max_val", "cmxv", 1000.0, Min: 0, Max: 1000),
        new("enc_width", "encw", 0, Min: 180, Max: 7680),
        new("enc_height", "ench", 0, Min: 150, Max: 7680),
        new("enc_bitdepth", "encbd", 0, Min: 6, Max: 16),
        new("src_width", "srcw", 0, Min: 320, Max: 7680),
        new("src_height", "srch", 0, Min: 200, Max: 4320),
        new("window_size", "ws", 65, Min: 15, Max: 127),
        new("topk", "topk", 0.6, Min: 0.0001, Max: 1),
        new("cambi_topk", "ctpk", 0.6, Min: 0.0001, Max: 1),
        new("tvi_threshold", "tvit", 0.019, Min: 0.0001, Max: 1),
        new("cambi_vis_lum_threshold", "vlt", 0.0, Min: 0, Max: 300),
        new("max_log_contrast", "mlc", 2, Min: 0, Max: 5),
        new("full_ref", "full_ref", 0, IsBool: true, InName: false),
        new("eotf", "eotf", 0, Choices: Luminance.EotfNames),
        new("cambi_eotf", "ceot", 0, Choices: Luminance.EotfNames),
        new("cambi_high_res_speedup", "hrs", 0, Min: 0, Max: 2160),
    ];

    public static CambiSettings Settings(FeatureOptions o) => new()
    {
        MaxValue = o["cambi_max_val"],
        EncWidth = (int)o["enc_width"],
        EncHeight = (int)o["enc_height"],
        EncBitDepth = (int)o["enc_bitdepth"],
        SrcWidth = (int)o["src_width"],
        SrcHeight = (int)o["src_height"],
        WindowSize = (int)o["window_size"],
        // Two names for each of these: the older one wins when it was set (cambi.c).
        TopK = o.IsDefault("topk") ? o["cambi_topk"] : o["topk"],
        Eotf = o.IsDefault("cambi_eotf") ? o.Choice("eotf") : o.Choice("cambi_eotf"),
        TviThreshold = o["tvi_threshold"],
        VisibleLuminanceThreshold = o["cambi_vis_lum_threshold"],
        MaxLogContrast = (int)o["max_log_contrast"],
        FullReference = o.Flag("full_ref"),
        HighResSpeedup = (int)o["cambi_high_res_speedup"],
    };
}
