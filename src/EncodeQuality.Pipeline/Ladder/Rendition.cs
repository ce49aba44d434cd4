using EncodeQuality.Native;
using EncodeQuality.Native.Frames;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>One rung of a ladder as the user wrote it.</summary>
public sealed record Rendition
{
    public required string Name { get; init; }
    public required VideoCodec Codec { get; init; }
    public int? Width { get; init; }
    public required int Height { get; init; }
    public double? Crf { get; init; }
    public int? BitrateKbps { get; init; }
    public int? MaxrateKbps { get; init; }
    public int? BufsizeKbits { get; init; }
    public string? Preset { get; init; }
    public string? Tune { get; init; }
    public int? Keyint { get; init; }
    public int? Bframes { get; init; }
    public int? RcLookahead { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Params { get; init; } = [];

    /// <summary>The rung's picture size for a source: width follows the source's aspect ratio unless given, rounded to even.</summary>
    public (int Width, int Height) SizeFor(VideoFormat source)
    {
        int h = Height;
        int w = Width ?? (int)Math.Round((double)source.Width * h / source.Height / 2.0) * 2;
        return (w, h);
    }

    public EncoderSettings ToEncoderSettings(VideoFormat format, int fpsNum, int fpsDen) => new()
    {
        Codec = Codec, Format = format, FpsNum = fpsNum, FpsDen = fpsDen,
        Crf = Crf, BitrateKbps = BitrateKbps, MaxrateKbps = MaxrateKbps, BufsizeKbits = BufsizeKbits,
        Keyint = Keyint, Bframes = Bframes, RcLookahead = RcLookahead, Preset = Preset, Tune = Tune, Params = Params,
    };

    public string RateControlText => Crf is { } c ? $"crf {c:0.##}" : $"{BitrateKbps} kbit/s";
}
