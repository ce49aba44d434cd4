using EncodeQuality.Vmaf.Features.Cambi;
using EncodeQuality.Vmaf.Features.Integer;
using EncodeQuality.Vmaf.Features.Speed;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// The list of feature extractors, found by the feature names a model asks for, as libvmaf's
/// feature_extractor.c list is: "VMAF_integer_feature_*" names take the integer (fixed-point)
/// extractors, "VMAF_feature_*" names the float ones. Each entry declares the names it provides
/// and the options it takes; a model's options for a feature reach the extractor that provides it,
/// and extractors with the same options are shared by the features they provide.
/// </summary>
internal static class FeatureExtractors
{
    /// <summary>
    /// What an extractor needs to be built for one picture size: the size, and the streams' share of
    /// reference-only work when several streams score against the same reference (null: alone),
    /// with the frames a stream has in flight (a shared ring holds at least that many).
    /// </summary>
    public sealed record Context(int Width, int Height, ReferenceShare? Share = null, int FramesInFlight = 2)
    {
        /// <summary>The extractor being built declares a small shared state (<see cref="Entry.SmallShare"/>); set from its entry.</summary>
        public bool SmallShare { get; init; }

        /// <summary>
        /// The extractor's ring of shared reference work at this size, one for every stream of the
        /// share; null when there is no share, nobody to share with, or the streams are not in step
        /// and the state is not small.
        /// </summary>
        public SharedFrames<T>? Shared<T>(string extractor, Func<T> create) where T : class =>
            SharedDepth(Share, SmallShare, FramesInFlight) is > 0 and var depth
                ? Share!.Part($"{extractor}@{Width}x{Height}", () => new SharedFrames<T>(depth, create))
                : null;

        /// <summary>How far apart streams may be and still share a small state: beyond any encoder's delay.</summary>
        public const int SmallLead = 256;

        /// <summary>
        /// Frames a shared ring holds: every frame a stream has in flight, and as many again as the
        /// streams may be apart (1 in step, <see cref="SmallLead"/> for a small state); 0 when that
        /// work is not shared.
        /// </summary>
        public static int SharedDepth(ReferenceShare? share, bool small, int framesInFlight) =>
            share is not { Shared: true } ? 0
            : small ? framesInFlight + SmallLead
            : share.InStep ? framesInFlight + 1
            : 0;
    }

    /// <param name="UsesChroma">Whether the extractor reads the chroma planes.</param>
    /// <param name="TooSmall">Why a picture of a size is too small for these options, or null; checked before any frame.</param>
    /// <param name="WorkingSet">Bytes one extractor holds for pictures of a size (its buffers), for the memory estimate.</param>
    /// <param name="KeepsBlurredReference">Whether each frame keeps its blurred reference for the next frame (float motion).</param>
    /// <param name="ReadsReference">Whether the extractor reads the reference picture with these options (null: always); a no-reference one skips its copy.</param>
    /// <param name="SharedPerFrame">
    /// Declares work that reads only the reference, which streams of a <see cref="ReferenceShare"/>
    /// do once (<see cref="Context.Shared{T}"/>): the bytes one frame's share holds at a size. Null: nothing shared.
    /// </param>
    /// <param name="SmallShare">That state is a few bytes, kept in a ring <see cref="Context.SmallLead"/> frames deep.</param>
    public sealed record Entry(string Name, bool UsesFloat, string[] Provides, OptionSpec[] Options,
        Func<Context, FeatureOptions, IFeatureExtractor> Create, Func<string, string> OutputName,
        Func<int, int, FeatureOptions, long> WorkingSet,
        bool UsesChroma = false, Func<int, int, FeatureOptions, string?>? TooSmall = null, bool KeepsBlurredReference = false,
        Func<FeatureOptions, bool>? ReadsReference = null, Func<int, int, long>? SharedPerFrame = null, bool SmallShare = false);

    // Each extractor's buffers as its constructor allocates them: planes of the picture or of its
    // first DWT level (n samples), plus rows.
    private static long Quarter(int w, int h) => (long)(w / 2) * (h / 2) + 1;
    private static long Level1(int w, int h) => (long)((w + 1) / 2) * ((h + 1) / 2);

    private static readonly OptionSpec[] VifOptions =
    [
        new("vif_enhn_gain_limit", "egl", 100.0),
        new("vif_skip_scale0", "ssclz", 0, IsBool: true),
    ];

    private static readonly OptionSpec[] AdmOptions =
    [
        new("adm_csf_scale", "scf", 1.0),
        new("adm_csf_diag_scale", "scfd", 1.0),
        new("adm_dlm_weight", "dlmw", 0.5),
        new("adm_enhn_gain_limit", "egl", 100.0),
        new("adm_norm_view_dist", "nvd", 3.0),
        new("adm_ref_display_height", "rdh", 1080),
        new("adm_csf_mode", "csf", 0),
        new("adm_noise_weight", "nw", 0.03125),
        new("adm_skip_scale0", "ssz", 0, IsBool: true),
        new("adm_min_val", "min", 0.0),
    ];

    private static readonly OptionSpec[] MotionOptions =
    [
        new("motion_force_zero", "force_0", 0, IsBool: true),
        new("motion_blend_factor", "mbf", 1.0),
        new("motion_blend_offset", "mbo", 40.0),
        new("motion_fps_weight", "mfw", 1.0),
        new("motion_max_val", "mmxv", 10000.0),
        new("motion_five_frame_window", "mffw", 0, IsBool: true),
        new("motion_moving_average", "mma", 0, IsBool: true),
    ];

    // libvmaf names "VMAF_integer_feature_X_score" and "VMAF_feature_X_score" log as "integer_X" and "X".
    private static string IntegerName(string libvmafName) => "integer_" + Core(libvmafName);
    private static string FloatName(string libvmafName) => Core(libvmafName);
    private static string Core(string n) => n.Replace("VMAF_integer_feature_", "").Replace("VMAF_feature_", "").Replace("_score", "");

    public static readonly IReadOnlyList<Entry> All =
    [
        new("integer_vif", false,
            ["VMAF_integer_feature_vif_scale0_score", "VMAF_integer_feature_vif_scale1_score",
             "VMAF_integer_feature_vif_scale2_score", "VMAF_integer_feature_vif_scale3_score"],
            VifOptions,
            (c, o) => o.Flag("vif_skip_scale0")
                ? throw Unsupported("vif_skip_scale0 is")
                : new IntegerVifExtractor(c.Width, c.Height, o["vif_enhn_gain_limit"], o.Suffix,
                    c.Shared("integer_vif", () => new VifReference(c.Width, c.Height))),
            IntegerName,
            (w, h, _) => 4 * 2 * Quarter(w, h) + 2 * 8 * 4L * (w + 32), // 4 decimated planes; 8 rows of moments, twice for the 512-bit paths (which also bounds their 2 decimation rows)
            SharedPerFrame: VifReference.Bytes), // the reference's mean and variance at every scale
        new("integer_adm", false,
            ["VMAF_integer_feature_adm2_score", "VMAF_integer_feature_aim_score", "VMAF_integer_feature_adm3_score",
             "integer_adm_scale0", "integer_adm_scale1", "integer_adm_scale2", "integer_adm_scale3"],
            AdmOptions,
            (c, o) => o["adm_csf_scale"] != 1.0 || o["adm_csf_diag_scale"] != 1.0 || o.Flag("adm_skip_scale0")
                ? throw Unsupported("adm_csf_scale, adm_csf_diag_scale and adm_skip_scale0 are")
                : new IntegerAdmExtractor(c.Width, c.Height, new IntegerAdmExtractor.Options(
                    o["adm_enhn_gain_limit"], o["adm_norm_view_dist"], (int)o["adm_ref_display_height"], o["adm_noise_weight"],
                    o["adm_dlm_weight"], o["adm_min_val"], (int)o["adm_csf_mode"]), o.Suffix,
                    c.Shared("integer_adm", () => new AdmReference(c.Width, c.Height))),
            n => n.StartsWith("integer_", StringComparison.Ordinal) ? n : IntegerName(n),
            (w, h, _) => 4 * 4 * Level1(w, h) + 20 * 3 * 4L * ((w + 1) / 2) + 4L * (4 * w + 4) + 2 * 2L * (w + 34) + 4 * 4L * ((w + 1) / 2 + (h + 1) / 2), // 4 approximation planes; 20 rings of 3 band rows; DWT rows (and the 16-bit ones of AVX-512); indices
            SharedPerFrame: AdmReference.Bytes), // the reference's detail bands at every level, and its denominator's cube sums
        new("integer_motion", false,
            ["VMAF_integer_feature_motion2_score", "VMAF_integer_feature_motion3_score"],
            MotionOptions,
            (c, o) => o.Flag("motion_force_zero") || o.Flag("motion_five_frame_window")
                ? throw Unsupported("motion_force_zero and motion_five_frame_window are")
                : new IntegerMotionExtractor(c.Width, c.Height, new IntegerMotionExtractor.Options(
                    o["motion_max_val"], o["motion_fps_weight"], o["motion_blend_factor"], o["motion_blend_offset"],
                    o.Flag("motion_moving_average")), o.Suffix, c.Shared("integer_motion", () => new IntegerMotionExtractor.SharedSad())),
            IntegerName,
            (w, h, _) => 4L * (w + 4) + 5 * 4L * w + 5 * 2L * w + 2 * 2L * (w + 36), // the blurred row; the ring of 5 difference rows; both again in 16 bits for AVX-512
            SharedPerFrame: (_, _) => 32, SmallShare: true), // one frame's SAD (motion reads only the reference), in a deep ring
        new("cambi", false,
            ["Cambi_feature_cambi_score"],
            CambiOptions.Specs,
            (c, o) => new CambiExtractor(c.Width, c.Height, o),
            _ => "cambi",
            CambiExtractor.WorkingSet,
            ReadsReference: o => CambiOptions.Settings(o).FullReference),
        new("speed_chroma", false,
            ["Speed_chroma_feature_speed_chroma_u_score", "Speed_chroma_feature_speed_chroma_v_score", "Speed_chroma_feature_speed_chroma_uv_score"],
            SpeedChromaExtractor.Specs,
            (c, o) => new SpeedChromaExtractor(c.Width, c.Height, o),
            n => n.Replace("Speed_chroma_feature_", "").Replace("_score", ""),
            SpeedChromaExtractor.WorkingSet,
            UsesChroma: true, TooSmall: SpeedChromaExtractor.TooSmall),
        new("float_vif", true,
            ["VMAF_feature_vif_scale0_score", "VMAF_feature_vif_scale1_score", "VMAF_feature_vif_scale2_score", "VMAF_feature_vif_scale3_score"],
            [VifOptions[0]],
            (c, o) => new VifExtractor(c.Width, c.Height, o["vif_enhn_gain_limit"], o.Suffix),
            FloatName,
            (w, h, _) => 5 * 4L * w * h + 4 * 4 * Quarter(w, h) + 4L * w), // 5 planes of moments, 4 decimated, a row
        new("float_adm", true,
            ["VMAF_feature_adm2_score", "VMAF_feature_adm_scale0_score", "VMAF_feature_adm_scale1_score",
             "VMAF_feature_adm_scale2_score", "VMAF_feature_adm_scale3_score"],
            [AdmOptions[3]],
            (c, o) => new AdmExtractor(c.Width, c.Height, o["adm_enhn_gain_limit"], o.Suffix),
            FloatName,
            (w, h, _) => 25 * 4 * Level1(w, h) + 2 * 4L * w + 4 * 4L * (w / 2 + 1) + 4 * 4L * ((w + 1) / 2)), // 25 band planes; rows
        new("float_motion", true,
            ["VMAF_feature_motion2_score", "VMAF_feature_motion3_score", "VMAF_feature_motion_score"],
            [],
            (c, o) => new MotionExtractor(c.Width, c.Height),
            FloatName,
            (w, h, _) => 4L * w, KeepsBlurredReference: true), // a row; each frame's blur is the frame's
    ];

    /// <summary>The extractor that provides a feature, or an error naming the feature.</summary>
    public static Entry For(string libvmafName) =>
        Find(libvmafName)
        ?? throw new NotSupportedException($"feature '{libvmafName}' is not computed by this engine (its extractors: {string.Join(", ", All.Select(e => e.Name))})");

    public static Entry? Find(string libvmafName) => All.FirstOrDefault(e => e.Provides.Contains(libvmafName));

    private static Exception Unsupported(string what) => new NotSupportedException($"{what} not supported by this engine");
}
