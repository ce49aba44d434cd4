using System.Diagnostics;
using System.Globalization;

namespace EncodeQuality.Tests.Support;

/// <summary>The system's FFmpeg command-line tools: the independent reference the tests check against.</summary>
public static class Ffmpeg
{
    public static byte[] Run(params string[] args) => Exec("ffmpeg", ["-v", "error", "-nostdin", .. args]).Output;

    /// <summary>Runs ffmpeg and returns what it reported at level warning and above, line by line.</summary>
    public static string[] WarningLines(params string[] args) =>
        Exec("ffmpeg", ["-v", "warning", "-nostdin", .. args]).Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string Probe(params string[] args) => System.Text.Encoding.UTF8.GetString(Exec("ffprobe", ["-v", "error", .. args]).Output);

    /// <summary>Decodes a file to raw planar frames; input options go before -i.</summary>
    public static List<byte[]> DecodeFrames(string path, string pixFmt, int frameBytes, string[]? inputOptions = null, string? filter = null, int maxFrames = 0)
    {
        var args = new List<string>(inputOptions ?? []) { "-i", path };
        if (filter is not null) args.AddRange(["-vf", filter]);
        if (maxFrames > 0) args.AddRange(["-frames:v", maxFrames.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", pixFmt, "-"]);
        var raw = Run([.. args]);
        if (raw.Length % frameBytes != 0) throw new InvalidOperationException($"ffmpeg gave {raw.Length} bytes, not a multiple of {frameBytes}");
        return Enumerable.Range(0, raw.Length / frameBytes).Select(i => raw.AsSpan(i * frameBytes, frameBytes).ToArray()).ToList();
    }

    public static int CountFrames(string path, string[]? inputOptions = null) =>
        int.Parse(Probe([.. inputOptions ?? [], "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]).Trim(),
            CultureInfo.InvariantCulture);

    private static (byte[] Output, string Errors) Exec(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {errTask.Result}");
        return (ms.ToArray(), errTask.Result);
    }
}
