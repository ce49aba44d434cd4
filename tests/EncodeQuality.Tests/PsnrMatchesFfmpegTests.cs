using System.Globalization;
using EncodeQuality.Native;
using EncodeQuality.Pipeline;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;

namespace EncodeQuality.Tests;

/// <summary>
/// PSNR per frame equals FFmpeg's psnr filter on (decoded output, source scaled with FFmpeg's
/// scale filter, bicubic) within 0.01 dB, on the real clips in ../shared/media.
/// </summary>
public class PsnrMatchesFfmpegTests
{
    public static TheoryData<string, string?, string?, int, int> Clips => new()
    {
        { "BA1_FT_C.264", null, null, 60, 192 },
        { "VID_1280x720_cabac_temporal_direct.264", null, null, 20, 540 },
        { "CiscoVT2people_320x192_12fps.yuv", "320x192", "12", 0, 144 },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void Psnr_per_frame_matches_ffmpeg_psnr_filter(string clip, string? size, string? fps, int frames, int height)
    {
        var dir = Repo.Scratch("psnr");
        var source = Repo.Media(clip);
        var options = size is null ? null : SourceOptions.For(source, size, fps);
        var run = Encode(source, [Rung("rung", VideoCodec.X264, height, crf: 32, bframes: 3)], dir, maxFrames: frames,
            options: options, metrics: ["psnr"]);
        var r = run.Outcome.Renditions[0].Facts;
        var sheet = run.Outcome.Renditions[0].At(ScoreAt.Encode)!.Sheet;

        string[] input = size is null ? [] : ["-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", size, "-framerate", fps!];
        string log = Path.Combine(dir, "psnr.txt");
        Ffmpeg.Run(["-i", Path.Combine(dir, "rung.mp4"), .. input, "-i", source, "-lavfi",
            $"[1:v]scale={r.Width}:{r.Height}:flags=bicubic[ref];[0:v][ref]psnr=eof_action=endall,metadata=print:file={log}",
            "-frames:v", r.Frames.ToString(CultureInfo.InvariantCulture), "-f", "null", "-"]);
        var reference = ParseMetadata(log);
        Assert.Equal(r.Frames, reference.Count);
        for (int f = 0; f < reference.Count; f++)
        {
            Assert.InRange(sheet.Get("psnr_y", f) - reference[f]["lavfi.psnr.psnr.y"], -0.01, 0.01);
            Assert.InRange(sheet.Get("psnr_cb", f) - reference[f]["lavfi.psnr.psnr.u"], -0.01, 0.01);
            Assert.InRange(sheet.Get("psnr_cr", f) - reference[f]["lavfi.psnr.psnr.v"], -0.01, 0.01);
        }
    }

    /// <summary>Reads metadata=print output: a "frame:N" line, then key=value lines.</summary>
    private static List<Dictionary<string, double>> ParseMetadata(string path)
    {
        var frames = new List<Dictionary<string, double>>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("frame:", StringComparison.Ordinal)) frames.Add([]);
            else if (line.Split('=', 2) is [var k, var v] && double.TryParse(v, CultureInfo.InvariantCulture, out var d)) frames[^1][k] = d;
        }
        return frames;
    }
}
