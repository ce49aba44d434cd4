using EncodeQuality.Vmaf.Features.Cambi;
using EncodeQuality.Vmaf.Features.Integer;
using EncodeQuality.Vmaf.Features.Psnr;
using EncodeQuality.Vmaf.Features.Speed;
using EncodeQuality.Vmaf.Features.Ssim;

namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// The one list of feature extractors, VMAF's and every other metric's (PSNR, SSIM, MS-SSIM,
/// CAMBI, speed_chroma), as libvmaf's feature_extractor.c list is: found by the feature names a
/// model asks for ("VMAF_integer_feature_*" names take the integer, fixed-point, extractors,
/// "VMAF_feature_*" names the float ones) or by the name users give a metric (<see cref="Entry.Metric"/>). Each entry declares the names it provides
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
    /// <param name="Temporal">Whether its values need the frames around (motion): it then has an in-order step (<see cref="IFeatureExtractor.CreateTemporalStep"/>) and sees every frame.</param>
    public sealed record Entry(string Name, bool UsesFloat, string[] Provides, OptionSpec[] Options,
        Func<Context, FeatureOptions, IFeatureExtractor> Create, Func<string, string> OutputName,
        Func<int, int, FeatureOptions, long> WorkingSet,
        bool UsesChroma = false, Func<int, int, FeatureOptions, string?>? TooSmall = null, bool KeepsBlurredReference = false,
        Func<FeatureOptions, bool>? ReadsReference = null, Func<int, int, long>? SharedPerFrame = null, bool SmallShare = false,
        bool Temporal = false)
    {
        /// <summary>The name users give it in --metrics when it is a metric of its own (psnr, ssim, cambi), or null for a model's feature only.</summary>
        public string? Metric { get; init; }
    }

    // Each extractor's buffers as its constructor allocates them: planes of the picture or of its
    // first DWT level (n samples), plus rows.
    internal static long Quarter(int w, int h) => (long)(w / 2) * (h / 2) + 1;
    internal static long Level1(int w, int h) => (long)((w + 1) / 2) * ((h + 1) / 2);

    // libvmaf names "VMAF_integer_feature_X_score" and "VMAF_feature_X_score" log as "integer_X" and "X".
    internal static string IntegerName(string libvmafName) => "integer_" + Core(libvmafName);
    internal static string FloatName(string libvmafName) => Core(libvmafName);
    private static string Core(string n) => n.Replace("VMAF_integer_feature_", "").Replace("VMAF_feature_", "").Replace("_score", "");

    /// <summary>Every extractor, each declared beside its code (its <c>Entry</c>); a new one is one line here.</summary>
    public static readonly IReadOnlyList<Entry> All =
    [
        IntegerVifExtractor.Entry,
        IntegerAdmExtractor.Entry,
        IntegerMotionExtractor.Entry,
        CambiExtractor.Entry,
        SpeedChromaExtractor.Entry,
        VifExtractor.Entry,
        AdmExtractor.Entry,
        MotionExtractor.Entry,
        PsnrExtractor.Entry,
        SsimExtractor.Entry,
        MsSsimExtractor.Entry,
    ];

    /// <summary>The extractor users name as a metric (--metrics cambi), or null.</summary>
    public static Entry? ForMetric(string metric) => All.FirstOrDefault(e => string.Equals(e.Metric, metric, StringComparison.OrdinalIgnoreCase));

    /// <summary>The extractor that provides a feature, or an error naming the feature.</summary>
    public static Entry For(string libvmafName) =>
        Find(libvmafName)
        ?? throw new NotSupportedException($"feature '{libvmafName}' is not computed by this engine (its extractors: {string.Join(", ", All.Select(e => e.Name))})");

    public static Entry? Find(string libvmafName) => All.FirstOrDefault(e => e.Provides.Contains(libvmafName));

    internal static Exception Unsupported(string what) => new NotSupportedException($"{what} not supported by this engine");
}
