using System.Text;
using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// What summary.json says an encoder used, against what the encoder itself wrote into the
/// bitstream: x264 and x265 both put every option they encoded with into an SEI message
/// ("options: crf=27.5 keyint=48 ..."), which MediaInfo shows as the encoding settings.
/// </summary>
public class EncoderSettingsTests
{
    private static readonly string Dir = Repo.Scratch("settings");

    [Theory]
    [InlineData("x264")]
    [InlineData("x265")]
    public void Summary_reports_the_settings_the_bitstream_carries(string codec)
    {
        string ladder = Path.Combine(Dir, $"{codec}.json");
        // bufsize is left out: eq gives two seconds at the cap, and the summary must say so too.
        File.WriteAllText(ladder, $$$"""
            {"renditions": [{"name": "r", "codec": "{{{codec}}}", "height": 144, "crf": 27.5, "maxrate": 900, "keyint": 48,
              "bframes": 2, "rcLookahead": 20, "preset": "fast", "params": {"aq-mode": 2}}]}
            """);
        string outDir = Path.Combine(Dir, $"out-{codec}");
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", ladder, "--out", outDir, "--frames", "10", "--metrics", "none");
        Assert.True(o.ExitCode == 0, o.StdErr);

        var sei = Options(File.ReadAllBytes(Path.Combine(outDir, "r.mp4")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var used = summary.RootElement.GetProperty("renditions")[0].GetProperty("encoder");
        // The libraries spell some names differently (x264 rc_lookahead, x265 rc-lookahead).
        string Sei(string name) => sei.TryGetValue(name, out var v) ? v : sei[name.Replace('_', '-')];
        Assert.Equal("crf", used.GetProperty("rate_control").GetString());
        Assert.Equal(double.Parse(Sei("crf"), System.Globalization.CultureInfo.InvariantCulture), used.GetProperty("crf").GetDouble());
        Assert.Equal(Sei("vbv_maxrate"), used.GetProperty("maxrate_kbps").GetRawText());
        Assert.Equal(Sei("vbv_bufsize"), used.GetProperty("bufsize_kbits").GetRawText());
        Assert.Equal("1800", used.GetProperty("bufsize_kbits").GetRawText());
        Assert.Equal(Sei("keyint"), used.GetProperty("keyint").GetRawText());
        Assert.Equal(Sei("bframes"), used.GetProperty("bframes").GetRawText());
        Assert.Equal(Sei("rc_lookahead"), used.GetProperty("rc_lookahead").GetRawText());
        Assert.Equal(Sei("ref"), used.GetProperty("refs").GetRawText());
        Assert.StartsWith("2", codec == "x264" ? Sei("aq") : Sei("aq-mode")); // params still reach the encoder
    }

    /// <summary>The "options: k=v k=v ..." list of the encoder's SEI, found by its text in the file.</summary>
    private static Dictionary<string, string> Options(byte[] file)
    {
        string text = Encoding.Latin1.GetString(file);
        int start = text.IndexOf("options: ", StringComparison.Ordinal);
        Assert.True(start >= 0, "no encoder options SEI in the file");
        start += "options: ".Length;
        int end = text.IndexOf('\0', start);
        return text[start..end].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
    }
}
