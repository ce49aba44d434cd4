namespace EncodeQuality.Native;

/// <summary>The encoder libraries behind the glue (native/src/enc_*.c), by the glue's codec numbers.</summary>
public enum VideoCodec { X264 = 0, X265 = 1, SvtAv1 = 2, Rav1e = 3 }

/// <summary>
/// One encoder as a ladder names it, described once: its library and format, what the rung
/// settings mean for it, and which library options its params may not touch.
/// </summary>
public sealed record CodecDescription
{
    public required VideoCodec Codec { get; init; }
    /// <summary>The ladder's name for it: "x264", "svtav1".</summary>
    public required string Name { get; init; }
    /// <summary>The Debian 12 package with the library the glue loads.</summary>
    public required string Package { get; init; }
    /// <summary>Its fastest preset, for checks that only open it (eq doctor).</summary>
    public required string FastestPreset { get; init; }
    /// <summary>The crf scale: x264/x265 CRF, SVT-AV1 CRF, rav1e's quantizer.</summary>
    public required (double Min, double Max, bool Whole) Crf { get; init; }
    /// <summary>Library option names (as <see cref="EncoderOptions.Normalize"/> gives them) that set a rung setting; the setting's own names when absent.</summary>
    public IReadOnlyDictionary<EncoderOption, string[]> Names { get; init; } = new Dictionary<EncoderOption, string[]>();
    /// <summary>Rung settings the library has no counterpart for, with the reason.</summary>
    public IReadOnlyDictionary<EncoderOption, string> Unsupported { get; init; } = new Dictionary<EncoderOption, string>();
    /// <summary>
    /// Library options that would change what the rung or the glue decides: a constant QP instead
    /// of the rung's rate control, the preset and tune (applied first, so a later one would undo
    /// the rung's settings), threads, the picture format, and what would part the recon from the
    /// output.
    /// </summary>
    public required IReadOnlyList<string> Reserved { get; init; }
    /// <summary>The glue opens the library only when a rung asks for it: without it, only its rungs are refused.</summary>
    public bool Optional { get; init; }
    /// <summary>The library makes a frame a key frame on request (segments) only in CRF mode.</summary>
    public bool ForcesKeyframesInCrfOnly { get; init; }

    /// <summary>The rung setting's valid range for this library.</summary>
    public (double Min, double Max, bool Whole) RangeOf(EncoderOption o) => o == EncoderOptions.Crf ? Crf : (o.Min, o.Max, o.Whole);

    /// <summary>The rung setting or glue decision a params key would change, or null when params may set it.</summary>
    public string? OwnerOf(string param)
    {
        string p = EncoderOptions.Normalize(param);
        foreach (var o in EncoderOptions.All)
            if (Names.TryGetValue(o, out var names) ? names.Contains(p) : o.IsSetBy(p)) return o.Key;
        return Reserved.Contains(p) ? p : null;
    }
}

/// <summary>Every codec a ladder can name. Option names: x264's common/base.c x264_param_parse, x265's common/param.cpp
/// x265_param_parse, SVT-AV1 1.4.1's svt_av1_enc_parse_parameter (Source/Lib/Encoder/Globals/EbEncSettings.c), rav1e 0.5.1's
/// rav1e_config_parse (src/capi.rs).</summary>
public static class Codecs
{
    private static readonly string[] X26xReserved =
        ["qp", "preset", "tune", "threads", "frame-threads", "input-res", "fps", "input-depth", "output-depth", "input-csp", "profile"];

    public static readonly CodecDescription X264 = new()
    {
        Codec = VideoCodec.X264, Name = "x264", Package = "libx264-164",
        FastestPreset = "ultrafast", Crf = (0, 51, false), Reserved = X26xReserved,
    };

    public static readonly CodecDescription X265 = X264 with { Codec = VideoCodec.X265, Name = "x265", Package = "libx265-199" };

    public static readonly CodecDescription SvtAv1 = new()
    {
        Codec = VideoCodec.SvtAv1, Name = "svtav1", Package = "libsvtav1enc1", Optional = true,
        FastestPreset = "13", Crf = (1, 63, true),
        Names = new Dictionary<EncoderOption, string[]>
        {
            [EncoderOptions.Crf] = ["crf"], [EncoderOptions.Bitrate] = ["tbr", "rc"], [EncoderOptions.Maxrate] = ["mbr"],
            [EncoderOptions.Bufsize] = ["buf-sz"], [EncoderOptions.Keyint] = ["keyint", "intra-period"],
            [EncoderOptions.RcLookahead] = ["lookahead"], [EncoderOptions.Bframes] = [],
        },
        Unsupported = new Dictionary<EncoderOption, string>
        {
            [EncoderOptions.Bframes] = "SVT-AV1 has no B-frame count (its mini-GOP is params.hierarchical-levels)",
        },
        Reserved = ["qp", "preset", "tune", "lp", "input-depth", "enable-overlays", "width", "height", "fps", "fps-num", "fps-denom"],
        ForcesKeyframesInCrfOnly = true, // SVT-AV1 1.4: "Force key frame is only supported with RA CRF/CQP mode"
    };

    public static readonly CodecDescription Rav1e = new()
    {
        Codec = VideoCodec.Rav1e, Name = "rav1e", Package = "librav1e0", Optional = true,
        FastestPreset = "10", Crf = (0, 255, true),
        Names = new Dictionary<EncoderOption, string[]>
        {
            [EncoderOptions.Crf] = ["quantizer"], [EncoderOptions.Bitrate] = ["bitrate"], [EncoderOptions.Maxrate] = [],
            [EncoderOptions.Bufsize] = [], [EncoderOptions.Keyint] = ["key-frame-interval"],
            [EncoderOptions.RcLookahead] = ["rdo-lookahead-frames"], [EncoderOptions.Bframes] = [],
        },
        Unsupported = new Dictionary<EncoderOption, string>
        {
            [EncoderOptions.Bframes] = "rav1e has no B-frame count (its reordering follows its speed)",
            [EncoderOptions.Maxrate] = "rav1e 0.5 has no bitrate cap (VBV)",
            [EncoderOptions.Bufsize] = "rav1e 0.5 has no bitrate cap (VBV)",
        },
        Reserved = ["speed", "tune", "threads", "width", "height"],
    };

    public static IReadOnlyList<CodecDescription> All { get; } = [X264, X265, SvtAv1, Rav1e];

    public static CodecDescription Of(VideoCodec codec) => All.First(c => c.Codec == codec);

    public static CodecDescription? Named(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>"x264", "x265", "svtav1" or "rav1e", for messages.</summary>
    public static string NameList => string.Join(", ", All.Select(c => $"\"{c.Name}\""));
}
