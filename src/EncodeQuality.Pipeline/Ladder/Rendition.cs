using EncodeQuality.Native;
using EncodeQuality.Native.Frames;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>One rung of a ladder as the user wrote it: a name, a picture size and its encoder's settings.</summary>
public sealed record Rendition
{
    public required string Name { get; init; }
    public int? Width { get; init; }
    public required int Height { get; init; }
    public required EncoderSettings Encoder { get; init; }

    public VideoCodec Codec => Encoder.Codec;

    /// <summary>The rung's picture size for a source: width follows the source's aspect ratio unless given, rounded to even.</summary>
    public (int Width, int Height) SizeFor(VideoFormat source)
    {
        int h = Height;
        int w = Width ?? (int)Math.Round((double)source.Width * h / source.Height / 2.0) * 2;
        return (w, h);
    }

    public string RateControlText => Encoder.RateControlText;
}
