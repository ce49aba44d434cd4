using System.Globalization;
using EncodeQuality.Native;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;
using EncodeQuality.Model;

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

    /// <summary>
    /// A run longer than a score sheet keeps in memory (2,600 frames: most of them go to its
    /// temporary file and are read back for the score log, the pooling and the outcome): every
    /// frame's PSNR in the written score log still equals FFmpeg's psnr filter on the decoded
    /// output, and the log's pooled mean is the mean of its frames.
    /// </summary>
    [Fact]
    public void A_run_longer_than_the_score_sheets_memory_window_still_matches_ffmpeg()
    {
        const int Frames = 2600;
        var dir = Repo.Scratch("psnr-long");
        string source = Path.Combine(dir, "source.mkv");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=128x96:rate=25", "-frames:v", Frames.ToString(CultureInfo.InvariantCulture),
            "-pix_fmt", "yuv420p", "-c:v", "ffv1", "-y", source);
        var run = Encode(source, [Rung("rung", VideoCodec.X264, 96, crf: 36, preset: "ultrafast")], dir, metrics: ["psnr"]);
        var set = run.Outcome.Renditions[0].At(ScoreAt.Encode)!;
        Assert.True(set.Sheet.SpilledChunks >= 1, "the sheet kept every frame in memory");

        string log = Path.Combine(dir, "psnr.txt");
        Ffmpeg.Run("-i", Path.Combine(dir, "rung.mp4"), "-i", source, "-lavfi", $"[0:v][1:v]psnr=eof_action=endall,metadata=print:file={log}",
            "-f", "null", "-");
        var reference = ParseMetadata(log);
        Assert.Equal(Frames, reference.Count);
        using var written = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "rung.scores.json")));
        var frames = written.RootElement.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(Frames, frames.Count);
        double sum = 0;
        for (int f = 0; f < Frames; f++)
        {
            Assert.Equal(f, frames[f].GetProperty("frameNum").GetInt32());
            double y = frames[f].GetProperty("metrics").GetProperty("psnr_y").GetDouble();
            Assert.InRange(y - reference[f]["lavfi.psnr.psnr.y"], -0.01, 0.01);
            sum += y;
        }
        double mean = written.RootElement.GetProperty("pooled_metrics").GetProperty("psnr_y").GetProperty("mean").GetDouble();
        Assert.InRange(mean - sum / Frames, -1e-5, 1e-5);
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
