using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>What the eq command line promises beyond scores: conversions logged, structured logs.</summary>
public class CliBehaviourTests
{
    private static readonly string Dir = Repo.Scratch("cli");

    [Fact]
    public void A_444_source_is_converted_with_swscale_and_the_conversion_is_logged()
    {
        string source = Path.Combine(Dir, "s444.y4m");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "10", "-pix_fmt", "yuv444p", "-f", "yuv4mpegpipe", "-y", source);
        var o = EqProcess.Run("encode", source, "--ladder", "default", "--out", Path.Combine(Dir, "out444"));
        Assert.True(o.ExitCode == 0, o.StdErr);
        Assert.Contains("Source pixel format yuv444p is converted to 8-bit 4:2:0 with swscale", o.StdErr);
        Assert.Equal("yuv420p", Ffmpeg.Probe("-show_entries", "stream=pix_fmt", "-of", "csv=p=0", Path.Combine(Dir, "out444", "240p.mp4")).Trim());
    }

    /// <summary>eq vmaf and eq score scale a distorted file of another size to the reference's: said once, as a warning.</summary>
    [Fact]
    public void A_distorted_file_of_another_size_is_scaled_and_the_scaling_is_logged_once()
    {
        string small = Path.Combine(Dir, "small.y4m");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "5", "-vf", "scale=176:144", "-pix_fmt", "yuv420p", "-y", small);
        string reference = Path.Combine(Dir, "ref5.y4m");
        Ffmpeg.Run("-i", Repo.Media("BA1_FT_C.264"), "-frames:v", "5", "-pix_fmt", "yuv420p", "-y", reference);
        var o = EqProcess.Run("vmaf", "--ref", reference, "--dist", small, "--vmaf-engine", "managed");
        Assert.True(o.ExitCode == 0, o.StdErr);
        var lines = o.StdErr.Split('\n').Where(l => l.Contains("scaled to the reference's size")).ToList();
        var line = Assert.Single(lines);
        Assert.Contains("small.y4m is 176x144, the reference 352x288", line);
        Assert.Contains("WRN", line);
    }

    [Fact]
    public void Log_json_carries_per_rendition_results_timings_and_queue_high_water_marks()
    {
        string log = Path.Combine(Dir, "events.json");
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", Path.Combine(Dir, "outlog"), "--frames", "20", "--log-json", log);
        Assert.True(o.ExitCode == 0, o.StdErr);
        var events = File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var done = Assert.Single(events, e => e.GetProperty("MessageTemplate").GetString()!.StartsWith("Rendition {Rendition} encoded"));
        var p = done.GetProperty("Properties");
        Assert.Equal("240p", p.GetProperty("Rendition").GetString());
        Assert.Equal(20, p.GetProperty("Frames").GetInt32());
        Assert.True(p.GetProperty("EncodeFps").GetDouble() > 0);
        var queues = p.GetProperty("Queues");
        // Measured against reported: the frames the encoder really held, within the delay the queues were sized for.
        Assert.InRange(queues.GetProperty("EncoderHighWater").GetInt32(), 1, queues.GetProperty("EncoderMaxDelay").GetInt32());
        Assert.True(queues.GetProperty("RungFramesAllocated").GetInt32() <= queues.GetProperty("MaxRungFrames").GetInt32());
    }
}
