using System.Diagnostics;
using System.Text.Json;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// libvmaf 1.3.7 as shipped in the static FFmpeg of npm's @ffmpeg-installer/linux-x64@4.1.0,
/// installed by scripts/setup --oracle into .tools/ (never committed). Its libvmaf filter scores
/// the float VMAF v0.6.1 model and writes per-frame features with five decimals.
/// </summary>
public static class Oracle
{
    public static string FfmpegPath
    {
        get
        {
            var p = Path.Combine(Repo.Root, ".tools", "oracle", "node_modules", "@ffmpeg-installer", "linux-x64", "ffmpeg");
            if (!File.Exists(p)) throw new FileNotFoundException($"oracle FFmpeg missing at {p}: run scripts/setup --oracle");
            return p;
        }
    }

    /// <summary>Per-frame metrics of libvmaf 1.3.7 for (reference, distorted), frame order.</summary>
    public static List<Dictionary<string, double>> Score(string reference, string distorted, string model = "vmaf_float_v0.6.1.pkl", int threads = 1)
    {
        string log = Path.Combine(Path.GetTempPath(), $"oracle-{Guid.NewGuid():N}.json");
        string modelPath = Repo.Shared(Path.Combine("vmaf-models", model));
        // The libvmaf filter takes the distorted picture first, the reference second.
        Run("-v", "error", "-nostdin", "-i", distorted, "-i", reference, "-lavfi",
            $"[0:v][1:v]libvmaf=model_path={modelPath}:log_fmt=json:log_path={log}:n_threads={threads}", "-f", "null", "-");
        using var doc = JsonDocument.Parse(File.ReadAllText(log));
        File.Delete(log);
        return doc.RootElement.GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()))
            .ToList();
    }

    public static double Time(string reference, string distorted, int threads, int repeat = 1)
    {
        var best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            Score(reference, distorted, threads: threads);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo(FfmpegPath) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"oracle ffmpeg failed: {err.Result}");
    }
}
