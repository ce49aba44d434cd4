using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// VMAF inside the encoder equals VMAF afterwards: recon is bit-exact with the decoded output, so
/// eq encode's per-frame VMAF on recon must equal eq vmaf on (source, FFmpeg's decode of the
/// output) exactly, at the rung's own size and upscaled to the source (same bicubic scaler).
/// Any difference is a pipeline bug (frame matching, order, or what is handed to the engine).
/// </summary>
public class VmafPipelineTests
{
    [Fact]
    public void Vmaf_on_recon_equals_vmaf_on_the_decoded_output()
    {
        var dir = Repo.Scratch("vmafpipe");
        string clip = Repo.Media("BA1_FT_C.264");
        // The reference for eq vmaf: the 40 frames the encode takes, as FFmpeg decodes them.
        string source = Path.Combine(dir, "source.y4m");
        Ffmpeg.Run("-i", clip, "-frames:v", "40", "-pix_fmt", "yuv420p", "-y", source);
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """
            {"renditions": [
              {"name": "full", "codec": "x264", "height": 288, "crf": 32, "bframes": 3, "rcLookahead": 20},
              {"name": "half", "codec": "x265", "height": 144, "crf": 30, "bframes": 4, "rcLookahead": 10}
            ]}
            """);
        var encode = EqProcess.Run("encode", clip, "--ladder", ladder, "--out", Path.Combine(dir, "out"), "--frames", "40",
            "--score-at", "both", "--metrics", "vmaf", "--vmaf-engine", "managed");
        Assert.True(encode.ExitCode == 0, encode.StdErr);

        // The output decoded by FFmpeg (the encode's own files are not re-read by eq).
        foreach (var (rung, log) in new[] { ("full", "scores.json"), ("half", "source-scores.json") })
        {
            string decoded = Path.Combine(dir, rung + ".y4m");
            Ffmpeg.Run("-i", Path.Combine(dir, "out", rung + ".mp4"), "-pix_fmt", "yuv420p", "-y", decoded);
            string json = Path.Combine(dir, rung + ".vmaf.json");
            var vmaf = EqProcess.Run("vmaf", "--ref", source, "--dist", decoded, "--json", json, "--vmaf-engine", "managed");
            Assert.True(vmaf.ExitCode == 0, vmaf.StdErr);
            var inEncoder = Frames(Path.Combine(dir, "out", $"{rung}.{log}"));
            var afterwards = Frames(json);
            Assert.Equal(40, inEncoder.Count);
            Assert.Equal(afterwards.Count, inEncoder.Count);
            for (int f = 0; f < inEncoder.Count; f++)
                foreach (var (name, value) in afterwards[f])
                    Assert.True(inEncoder[f][name] == value, $"{rung} frame {f} {name}: in-encoder {inEncoder[f][name]}, afterwards {value}");
        }
    }

    private static List<Dictionary<string, double>> Frames(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()))];
    }
}
