using System.Diagnostics;
using System.Text.Json;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>eq as a tool: --version against the libraries' own reports, doctor's findings, completions, examples in help.</summary>
public class CliToolTests
{
    private static string Exec(string file, params string[] args) => ExecIn(null, file, args);

    private static string ExecIn(string? folder, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    private static Dictionary<string, string> Versions(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(p => p[0], p => p[1].Trim());

    [Fact]
    public void Version_names_every_component_as_the_libraries_report_themselves()
    {
        var o = EqProcess.Run("--version");
        Assert.Equal(0, o.ExitCode);
        var v = Versions(o.StdOut);
        foreach (var lib in new[] { "libavformat", "libavcodec", "libavutil", "libswscale" })
            Assert.Equal(Exec("pkg-config", "--modversion", lib), v[lib]);
        // pkg-config gives x264 as 0.BUILD.REVISION and x265 as MAJOR.MINOR; the libraries' own strings are finer.
        Assert.Equal(Exec("pkg-config", "--modversion", "x264").Split('.')[1], v["x264"]);
        Assert.StartsWith(Exec("pkg-config", "--modversion", "x265") + "+", v["x265"]);
        // The AV1 encoders as loaded at run time, against the headers the glue was built with.
        Assert.Equal(Exec("pkg-config", "--modversion", "SvtAv1Enc"), v["svtav1"]);
        Assert.Equal(Exec("pkg-config", "--modversion", "rav1e"), v["rav1e"]);
        Assert.Contains(Exec("ffmpeg", "-hide_banner", "-version").Split('\n')[0].Split(' ')[2], v["ffmpeg"]);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{40}$", v["eq"]);
        Assert.StartsWith(".NET " + Environment.Version.Major, v["runtime"]);

        // The same block travels with every result.
        string outDir = Repo.Scratch("versions");
        Assert.Equal(0, EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", outDir, "--frames", "3", "--metrics", "psnr").ExitCode);
        foreach (var file in new[] { "summary.json", "240p.scores.json" })
        {
            var tools = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, file))).RootElement.GetProperty("tools");
            Assert.Equal(v, tools.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        }
    }

    /// <summary>scripts/setup --install into a private prefix; the installed eq runs from any folder, models included.</summary>
    [Fact]
    public void The_installed_eq_runs_from_any_folder()
    {
        string prefix = Repo.Scratch("install"), elsewhere = Repo.Scratch("elsewhere");
        var psi = new ProcessStartInfo(Path.Combine(Repo.Root, "scripts", "setup"), "--install") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment["EQ_PREFIX"] = prefix;
        using (var setup = Process.Start(psi)!)
        {
            string err = setup.StandardError.ReadToEnd();
            setup.WaitForExit();
            Assert.True(setup.ExitCode == 0, err);
        }
        string eq = Path.Combine(prefix, "bin", "eq");
        var run = new ProcessStartInfo(eq) { WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "demo", "--out", "demo", "--metrics", "vmaf" }) run.ArgumentList.Add(a);
        using (var demo = Process.Start(run)!)
        {
            string output = demo.StandardOutput.ReadToEnd(), err = demo.StandardError.ReadToEnd();
            demo.WaitForExit();
            Assert.True(demo.ExitCode == 0, err);
            Assert.Contains($"Report: {Path.Combine(elsewhere, "demo", "report.html")}", output);
            // No checkout above this folder: the default model came from the installed models.
            Assert.Contains(Path.Combine(prefix, "lib", "encodequality", "models"), ExecIn(elsewhere, eq, "doctor"));
        }
        Assert.Equal(Versions(EqProcess.Run("--version").StdOut), Versions(ExecIn(elsewhere, eq, "--version")));
        Assert.True(File.Exists(Path.Combine(prefix, "lib", "encodequality", "models", "LICENSE")));
    }

    /// <summary>
    /// On a terminal (a pseudo-terminal made by script(1)) each rung's line updates and ends at
    /// 100 %; with stderr in a file the same run writes plain lines and not one escape code.
    /// </summary>
    [Fact]
    public void Progress_is_live_on_a_terminal_and_plain_in_a_file()
    {
        string dir = Repo.Scratch("progress");
        string ladder = Path.Combine(dir, "ladder.json");
        File.WriteAllText(ladder, """{"renditions": [{"name": "r144", "codec": "x264", "height": 144, "crf": 30}, {"name": "x96", "codec": "x265", "height": 96, "crf": 30}]}""");
        string eq = $"dotnet {Path.Combine(AppContext.BaseDirectory, "eq.dll")} encode {Repo.Media("BA1_FT_C.264")} --ladder {ladder} --frames 40 --metrics vmaf,psnr --vmaf-engine managed";
        string typescript = Path.Combine(dir, "typescript");
        Exec("script", "-q", "-e", "-c", $"{eq} --out {Path.Combine(dir, "tty")}", typescript);
        string screen = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(typescript), @"\x1b\[[0-9;?]*[A-Za-z]", "");
        var lines = screen.Split('\r', '\n').Where(l => l.StartsWith("r144 ") && l.Contains('%')).ToList();
        Assert.True(lines.Select(l => l.Split("%")[0][^4..]).Distinct().Count() >= 2, "the r144 line never updated:\n" + string.Join("\n", lines));
        Assert.Matches(@"^r144\s+40/40\s+enc .* VMAF\s+\d+\.\d\d .*100%", lines[^1]);
        Assert.Contains(screen.Split('\r', '\n'), l => l.StartsWith("x96 ") && l.Contains("40/40") && l.Contains("100%"));

        // The same run with stderr in a file: the plain log lines, no escape code at all.
        string log = Path.Combine(dir, "stderr.log");
        Exec("bash", "-c", $"{eq} --out {Path.Combine(dir, "file")} 2> {log}");
        string plain = File.ReadAllText(log);
        Assert.Contains("Rendition r144 encoded: 40 frames", plain);
        Assert.DoesNotContain('\x1b', plain);
        // --no-progress on a terminal: no live display either.
        Exec("script", "-q", "-e", "-c", $"{eq} --out {Path.Combine(dir, "tty2")} --no-progress", typescript);
        Assert.DoesNotContain("100%", File.ReadAllText(typescript));
    }

    [Fact]
    public void Doctor_says_what_is_missing_and_how_to_fix_it()
    {
        var healthy = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_LIBVMAF"] = Path.Combine(Repo.Root, "tests", "LibVmafDouble", "build", "libvmaf.so.3") }, "doctor");
        Assert.True(healthy.ExitCode == 0, healthy.StdOut + healthy.StdErr);
        Assert.DoesNotContain("FAIL", healthy.StdOut);
        Assert.Equal(8, healthy.StdOut.Split('\n').Count(l => l.StartsWith("OK    encoder")));

        // An AV1 encoder missing is a note naming its package: only its rungs cannot run.
        var noSvt = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_SVTAV1_LIBRARY"] = "/nonexistent/libSvtAv1Enc.so.1" }, "doctor");
        Assert.True(noSvt.ExitCode == 0, noSvt.StdOut + noSvt.StdErr);
        Assert.Equal(2, noSvt.StdOut.Split('\n').Count(l => l.StartsWith("NOTE  encoder   svtav1") && l.Contains("install the Debian package libsvtav1enc1")));
        Assert.Equal(6, noSvt.StdOut.Split('\n').Count(l => l.StartsWith("OK    encoder")));

        // Without libvmaf the default engine still scores: a note, not a failure.
        var noLibvmaf = EqProcess.RunWith(new Dictionary<string, string?> { ["EQ_LIBVMAF"] = "/nonexistent/libvmaf.so.3" }, "doctor");
        Assert.True(noLibvmaf.ExitCode == 0, noLibvmaf.StdOut + noLibvmaf.StdErr);
        Assert.DoesNotContain("FAIL", noLibvmaf.StdOut);
        var line = Assert.Single(noLibvmaf.StdOut.Split('\n'), l => l.StartsWith("NOTE"));
        Assert.Contains("libvmaf", line);
        Assert.Contains("install libvmaf 3", line);

        var noModels = EqProcess.RunWith(new Dictionary<string, string?>
        {
            ["EQ_LIBVMAF"] = Path.Combine(Repo.Root, "tests", "LibVmafDouble", "build", "libvmaf.so.3"), ["VMAF_MODEL_PATH"] = "/nonexistent/models",
        }, "doctor");
        Assert.Equal(1, noModels.ExitCode);
        line = Assert.Single(noModels.StdOut.Split('\n'), l => l.StartsWith("FAIL"));
        Assert.Contains("models", line);
        Assert.Contains("Fix: point it at a folder of libvmaf JSON models", line);
    }

    [Fact]
    public void Bash_completion_completes_commands_and_options_and_every_help_has_an_example()
    {
        string script = Path.Combine(Repo.Scratch("completions"), "eq.bash");
        File.WriteAllText(script, EqProcess.Run("completions", "bash").StdOut);
        string Complete(string words, int current) => Exec("bash", "-c",
            $"source {script}; COMP_WORDS=({words}); COMP_CWORD={current}; _eq; echo \"${{COMPREPLY[*]}}\"");
        Assert.Equal("encode", Complete("eq enc", 1));
        Assert.Contains("--sample-rate", Complete("eq encode in.mp4 --sam", 3).Split(' '));
        Assert.Contains("--bd-method", Complete("eq compare a b --bd", 4).Split(' '));
        foreach (var command in new[] { "encode", "score", "vmaf", "demo", "compare", "report", "query", "doctor", "completions" })
            Assert.Contains("Example:\n    eq " + command, EqProcess.Run(command, "--help").StdOut.Replace("\r", ""));
        Assert.Contains("Example:\n    eq store import", EqProcess.Run("store", "import", "--help").StdOut.Replace("\r", ""));
    }
}
