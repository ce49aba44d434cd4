using System.Globalization;

namespace EncodeQuality.Native;

/// <summary>
/// One numeric setting a ladder rung can give an encoder. <see cref="Param"/> is the option name
/// that x264_param_parse and x265_param_parse both accept, and the name the glue's AV1 back-ends
/// map to their library's (eqglue.h); <see cref="Aliases"/> are the other names x264 and x265
/// take. Each codec's names and ranges: <see cref="Codecs"/>.
/// </summary>
public sealed record EncoderOption(string Key, string Param, double Min, double Max, bool Whole, params string[] Aliases)
{
    /// <summary>True if a library option name, as a user might write it in params, sets this option.</summary>
    public bool IsSetBy(string param)
    {
        string p = EncoderOptions.Normalize(param);
        return p == Param || Aliases.Contains(p);
    }

    public string Format(double value) => value.ToString(Whole ? "0" : "R", CultureInfo.InvariantCulture);
}

/// <summary>
/// The rung settings, described once: the ladder parser and writer, the summaries and the
/// encoder all go through this list. Names and aliases: x264's common/base.c x264_param_parse,
/// x265's common/param.cpp x265_param_parse.
/// </summary>
public static class EncoderOptions
{
    public static readonly EncoderOption Crf = new("crf", "crf", 0, 51, Whole: false);
    public static readonly EncoderOption Bitrate = new("bitrate", "bitrate", 1, 1_000_000, Whole: true);
    public static readonly EncoderOption Maxrate = new("maxrate", "vbv-maxrate", 1, 1_000_000, Whole: true, "vbv-max-bitrate");
    public static readonly EncoderOption Bufsize = new("bufsize", "vbv-bufsize", 1, 10_000_000, Whole: true);
    public static readonly EncoderOption Keyint = new("keyint", "keyint", 1, 100_000, Whole: true, "keyint-max", "k");
    public static readonly EncoderOption Bframes = new("bframes", "bframes", 0, 16, Whole: true, "b-frames", "b");
    public static readonly EncoderOption RcLookahead = new("rcLookahead", "rc-lookahead", 0, 250, Whole: true);

    public static IReadOnlyList<EncoderOption> All { get; } = [Crf, Bitrate, Maxrate, Bufsize, Keyint, Bframes, RcLookahead];

    /// <summary>As x264 and x265 compare names: '_' is '-', and a "no-" prefix names the same option.</summary>
    public static string Normalize(string param)
    {
        string p = param.Trim().ToLowerInvariant().Replace('_', '-');
        return p.StartsWith("no-", StringComparison.Ordinal) ? p[3..] : p;
    }
}
