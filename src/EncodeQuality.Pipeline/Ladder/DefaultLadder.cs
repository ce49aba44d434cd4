using EncodeQuality.Native;

namespace EncodeQuality.Pipeline.Ladder;

/// <summary>
/// The built-in ladder (--ladder default): a common H.264 ladder capped by VBV, plus one HEVC
/// rung for a codec comparison at 720p. Rungs taller than the source are dropped.
/// </summary>
public static class DefaultLadder
{
    public static IReadOnlyList<Rendition> All { get; } =
    [
        X264("1080p", 1080, 6000),
        X264("720p", 720, 3500),
        X264("540p", 540, 2000),
        X264("360p", 360, 1000),
        X264("240p", 240, 500),
        new Rendition
        {
            Name = "720p-hevc", Height = 720,
            Encoder = EncoderSettings.Of(VideoCodec.X265, "fast", (EncoderOptions.Crf, 28), (EncoderOptions.Maxrate, 2500),
                (EncoderOptions.Bufsize, 5000), (EncoderOptions.Keyint, 250)),
        },
    ];

    private static Rendition X264(string name, int height, int maxrate) => new()
    {
        Name = name, Height = height,
        Encoder = EncoderSettings.Of(VideoCodec.X264, "medium", (EncoderOptions.Crf, 23), (EncoderOptions.Maxrate, maxrate),
            (EncoderOptions.Bufsize, 2 * maxrate), (EncoderOptions.Keyint, 250)),
    };

    public static IReadOnlyList<Rendition> For(int sourceHeight)
    {
        var kept = All.Where(r => r.Height <= sourceHeight).ToList();
        // A source below the smallest rung still gets one rendition at its own height.
        if (kept.Count == 0) kept.Add(All[^2] with { Name = $"{sourceHeight & ~1}p", Height = sourceHeight & ~1 });
        return kept;
    }
}
