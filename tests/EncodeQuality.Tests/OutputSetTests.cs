using EncodeQuality.Application;
using System.Diagnostics;
using EncodeQuality.Pipeline;
using EncodeQuality.Metrics;
using EncodeQuality.Results;
using EncodeQuality.Results.Files;
using EncodeQuality.Results.Store;
using EncodeQuality.Tests.Support;
using static EncodeQuality.Tests.Support.Harness;
using EncodeQuality.Model;

namespace EncodeQuality.Tests;

/// <summary>
/// A run's output set is all or nothing: a killed run, a full disk or a held folder leave no
/// final-named file; a run into a used folder replaces the previous run's files; sinks hear every
/// frame in order before the run commits.
/// </summary>
public class OutputSetTests
{
    private static readonly string Dir = Repo.Scratch("outset");

    /// <summary>Files of the folder that look final (not a dot-named temporary).</summary>
    private static string[] Final(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order()!] : [];

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eq.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _ = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        return p;
    }

    /// <summary>
    /// summary.json has a published schema (docs/summary.schema.json) that every summary the
    /// tests write is validated against; here it is shown to refuse what drifts from it: a
    /// missing run id, a pooled percentile as text, a field the schema does not know.
    /// </summary>
    [Fact]
    public void The_published_summary_schema_accepts_a_run_and_refuses_drift()
    {
        string dir = Path.Combine(Dir, "schema");
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--frames", "6", "--score-at", "both",
            "--segment-duration", "0.2", "--gate", "vmaf.mean>=1", "--out", dir);
        Assert.True(o.ExitCode == 0, o.StdErr);
        string text = File.ReadAllText(Path.Combine(dir, "summary.json"));
        Assert.Empty(SummarySchema.Errors(text));
        var summary = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        var noRunId = summary.DeepClone().AsObject();
        noRunId.Remove("run_id");
        Assert.NotEmpty(SummarySchema.Errors(noRunId.ToJsonString()));
        var textP5 = summary.DeepClone();
        textP5["renditions"]![0]!["scores"]!["vmaf"]!["p5"] = "91.9";
        Assert.NotEmpty(SummarySchema.Errors(textP5.ToJsonString()));
        var unknown = summary.DeepClone();
        unknown["renditions"]![0]!["bitrate"] = 1;
        Assert.NotEmpty(SummarySchema.Errors(unknown.ToJsonString()));
    }

    [Fact]
    public void A_killed_run_leaves_no_final_file_and_no_complete_store_row_and_the_next_run_cleans_up()
    {
        string dir = Path.Combine(Dir, "killed"), store = Path.Combine(Dir, "killed.db");
        using (var p = Start("encode", Repo.Media("VID_1280x720_cabac_temporal_direct.264"), "--ladder", "default", "--out", dir, "--store", store))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !(Directory.Exists(dir) && Directory.GetFiles(dir, "*.partial").Length > 0)) Thread.Sleep(50);
            Assert.True(Directory.GetFiles(dir, "*.partial").Length > 0, "the run never started writing");
            Thread.Sleep(500);
            p.Kill(); // SIGKILL: no handler runs
            p.WaitForExit();
        }
        Assert.Empty(Final(dir));
        Assert.NotEmpty(Directory.GetFiles(dir, "*.partial"));
        if (File.Exists(store))
        {
            var s = new ResultStore(StoreLocation.Parse(store));
            s.EnsureSchema();
            using var c = s.Connect();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM runs WHERE status = 'complete'";
            Assert.Equal(0L, Convert.ToInt64(cmd.ExecuteScalar()));
        }

        var again = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", dir, "--frames", "5", "--metrics", "psnr");
        Assert.True(again.ExitCode == 0, again.StdErr);
        Assert.Contains("left by a run that did not finish", again.StdErr);
        Assert.Empty(Directory.GetFiles(dir, "*.partial"));
        Assert.Equal(["240p.mp4", "240p.scores.json", "summary.json"], Final(dir));
    }

    [Fact]
    public void A_full_disk_leaves_no_final_file()
    {
        if (Environment.UserName != "root") return; // mounting a small tmpfs needs root, as CI runs
        string dir = Path.Combine(Dir, "full");
        Directory.CreateDirectory(dir);
        var mount = Process.Start("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir])!;
        mount.WaitForExit();
        Assert.True(mount.ExitCode == 0, "could not mount a tmpfs for the full-disk test");
        try
        {
            var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", dir, "--metrics", "psnr");
            Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.StdErr}");
            Assert.Single(o.Errors);
            Assert.Empty(Final(dir));
            Assert.Empty(Directory.GetFiles(dir, "*.partial"));
        }
        finally
        {
            Process.Start("umount", [dir])!.WaitForExit();
        }
    }

    [Fact]
    public void A_second_run_into_a_held_folder_fails_at_once_with_exit_1()
    {
        string dir = Path.Combine(Dir, "held");
        using var held = OutputFolder.Open(dir, RunInputs.None, Serilog.Core.Logger.None);
        var o = EqProcess.Run("encode", Repo.Media("BA1_FT_C.264"), "--ladder", "default", "--out", dir, "--frames", "5");
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("another eq run is writing to this folder", Assert.Single(o.Errors));
        Assert.DoesNotContain("Rendition", o.StdErr);
    }

    [Fact]
    public void A_new_run_in_a_used_folder_replaces_the_previous_runs_files()
    {
        string dir = Path.Combine(Dir, "reused");
        Encode(Repo.Media("BA1_FT_C.264"), [Rung("a", Native.VideoCodec.X264, 144), Rung("b", Native.VideoCodec.X264, 96)], dir, maxFrames: 5,
            metrics: ["psnr"]);
        Assert.Equal(["a.mp4", "a.scores.json", "b.mp4", "b.scores.json", "summary.json"], Final(dir));
        Encode(Repo.Media("BA1_FT_C.264"), [Rung("a", Native.VideoCodec.X264, 144)], dir, maxFrames: 5, metrics: ["psnr"]);
        Assert.Equal(["a.mp4", "a.scores.json", "summary.json"], Final(dir));
        Assert.Equal(["a.mp4", "a.scores.json"], SummaryReader.TryListFiles(Path.Combine(dir, "summary.json")).Order());
    }

    /// <summary>A file of the previous run that has since become this run's source is not removed with the rest of that run.</summary>
    [Fact]
    public void A_previous_runs_file_that_is_now_the_source_is_kept()
    {
        string dir = Path.Combine(Dir, "source-from-previous");
        Encode(Repo.Media("BA1_FT_C.264"), [Rung("a", Native.VideoCodec.X264, 144)], dir, maxFrames: 5, metrics: ["psnr"]);
        string source = Path.Combine(dir, "a.mp4");
        byte[] before = File.ReadAllBytes(source);
        Encode(source, [Rung("b", Native.VideoCodec.X264, 96)], dir, maxFrames: 5, metrics: ["psnr"]);
        Assert.Equal(["a.mp4", "b.mp4", "b.scores.json", "summary.json"], Final(dir));
        Assert.Equal(before, File.ReadAllBytes(source));
    }

    /// <summary>An essential sink that cannot prepare: the run must leave nothing, not even its finished media.</summary>
    private sealed class FailingSink : IResultSink
    {
        public bool Essential => true;
        public string Name => "failing";
        public void Prepare(RunOutcome run) => throw new IOException("no space left on device");
        public void Commit() { }
        public void Abort(Exception cause) { }
    }

    [Fact]
    public void A_sink_that_fails_after_the_encode_leaves_no_file_at_all()
    {
        string dir = Path.Combine(Dir, "prepare-fails");
        var request = new EncodeRequest
        {
            Source = Repo.Media("BA1_FT_C.264"), Ladder = [Rung("a", Native.VideoCodec.X264, 144)], Metrics = ["psnr"], MaxFrames = 5,
        };
        var run = new EncodeRun(MetricCatalog.WithBuiltIns(), Serilog.Core.Logger.None);
        var e = Assert.Throws<IOException>(() => run.Run(request, dir, new RunIdentity("encode", request.Source, "{}"), [new FailingSink()],
            RunInputs.None, CancellationToken.None).GetAwaiter().GetResult());
        Assert.Contains("no space", e.Message);
        Assert.Empty(Directory.GetFiles(dir));
    }

    /// <summary>Records what a sink hears.</summary>
    private sealed class Recorder : IResultSink
    {
        public readonly List<string> Events = [];
        public readonly Dictionary<(string, ScoreAt), List<(long Frame, double Psnr, double Vmaf)>> Frames = [];
        public bool Essential => true;
        public string Name => "recorder";
        public void RunStarted(RunStart run) { lock (Events) Events.Add("started"); }
        public void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet)
        {
            lock (Frames)
            {
                if (!Frames.TryGetValue((rendition, mode), out var list)) Frames[(rendition, mode)] = list = [];
                list.Add((frame, sheet.Get("psnr_y", (int)frame), sheet.Get("vmaf", (int)frame)));
            }
        }
        public void RenditionFinished(RenditionOutcome rendition) { lock (Events) Events.Add("finished " + rendition.Facts.Name); }
        public void Prepare(RunOutcome run) => Events.Add("prepare");
        public void Commit() => Events.Add("commit");
        public void Abort(Exception cause) => Events.Add("abort");
    }

    [Fact]
    public void Sinks_hear_every_frame_in_order_with_its_final_scores_before_the_run_commits()
    {
        string dir = Path.Combine(Dir, "events");
        var recorder = new Recorder();
        var request = new EncodeRequest
        {
            Source = Repo.Media("BA1_FT_C.264"), Ladder = [Rung("a", Native.VideoCodec.X264, 144, bframes: 3), Rung("b", Native.VideoCodec.X265, 96)],
            ScoreAt = ScoreAt.Both, Metrics = ["psnr", "vmaf"], MaxFrames = 9,
        };
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog, engine: EncodeQuality.LibVmaf.VmafEngineKind.Managed);
        var run = new EncodeRun(catalog, Serilog.Core.Logger.None).Run(request, dir,
            new RunIdentity("encode", request.Source, "{}"), [recorder], RunInputs.None, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(["started", "finished a", "finished b", "prepare", "commit"], recorder.Events);
        Assert.Equal(4, recorder.Frames.Count);
        foreach (var r in run.Renditions)
            foreach (var set in r.Scores)
            {
                var heard = recorder.Frames[(r.Facts.Name, set.Mode)];
                Assert.Equal(Enumerable.Range(0, 9).Select(i => (long)i), heard.Select(h => h.Frame));
                Assert.Equal(heard.Select(h => h.Psnr), set.Sheet.Values("psnr_y"));
                Assert.Equal(heard.Select(h => h.Vmaf), set.Sheet.Values("vmaf")); // VMAF publishes a frame late: heard only once it has
            }
    }
}
