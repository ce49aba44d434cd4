using System.Diagnostics;
using System.Globalization;
using EncodeQuality.Metrics;
using EncodeQuality.Pipeline;
using EncodeQuality.Results;
using Spectre.Console;

namespace EncodeQuality.Cli;

/// <summary>
/// The live display on a terminal: one line per rung with its percentage, frames done of the total,
/// encode and scoring frames/s, the running VMAF mean and the time left. It is a result sink that
/// only counts: the pipeline's threads store numbers, and a display thread draws them five times a
/// second (Spectre.Console on stderr), so drawing never waits on the pipeline or slows it.
/// </summary>
public sealed class ProgressDisplay(long maxFrames) : IResultSink, IDisposable
{
    private sealed class Rung(string name)
    {
        public readonly string Name = name;
        public long Encoded;
        // Frames scored per score-at mode; -1 while a mode has scored nothing.
        public long AtEncode = -1, AtSource = -1;
        public ScoreAt? VmafMode;
        public double VmafSum;
        public long VmafCount;
        public readonly Stopwatch Clock = Stopwatch.StartNew();
    }

    private readonly List<Rung> _rungs = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _drawing;
    private long _total;
    private bool _scoring;

    public bool Essential => false;
    public string Name => "progress";

    public void RunStarted(RunStart run)
    {
        long hint = run.FrameCountHint;
        _total = maxFrames > 0 && (hint <= 0 || maxFrames < hint) ? maxFrames : hint;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Drawn only when Draw refreshes: Spectre's own refresh thread (10 times a second) would
        // draw the same lines again between ours.
        _drawing = Task.Run(() => console.Progress().AutoRefresh(false).AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 12 }, new PercentageColumn(), new RemainingTimeColumn())
            .Start(Draw));
    }

    public void RenditionStarted(string rendition, int width, int height)
    {
        lock (_rungs) _rungs.Add(new Rung(rendition));
    }

    public void FrameEncoded(string rendition, long frames)
    {
        var r = Find(rendition);
        if (r is not null) Volatile.Write(ref r.Encoded, frames);
    }

    public void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet)
    {
        var r = Find(rendition);
        if (r is null) return;
        _scoring = true;
        int vmaf = IndexOf(sheet.FeatureNames, "vmaf");
        lock (r)
        {
            if (mode == ScoreAt.Encode) r.AtEncode = frame + 1;
            else r.AtSource = frame + 1;
            // The running VMAF mean follows the first mode that scores.
            r.VmafMode ??= mode;
            if (vmaf >= 0 && r.VmafMode == mode)
            {
                r.VmafSum += sheet.Get(vmaf, (int)frame);
                r.VmafCount++;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    private Rung? Find(string name)
    {
        lock (_rungs)
            foreach (var r in _rungs)
                if (r.Name == name) return r;
        return null;
    }

    private void Draw(ProgressContext ctx)
    {
        var tasks = new Dictionary<Rung, ProgressTask>();
        while (true)
        {
            bool stopping = _stop.IsCancellationRequested;
            Rung[] rungs;
            lock (_rungs) rungs = [.. _rungs];
            foreach (var r in rungs)
            {
                if (!tasks.TryGetValue(r, out var task)) tasks[r] = task = ctx.AddTask(r.Name, maxValue: Math.Max(_total, 1));
                long encoded = Volatile.Read(ref r.Encoded);
                long scored;
                double vmaf;
                lock (r)
                {
                    // With both modes a frame is done when both have scored it.
                    scored = r.AtEncode < 0 ? r.AtSource : r.AtSource < 0 ? r.AtEncode : Math.Min(r.AtEncode, r.AtSource);
                    vmaf = r.VmafCount > 0 ? r.VmafSum / r.VmafCount : double.NaN;
                }
                long done = _scoring ? Math.Min(encoded, Math.Max(scored, 0)) : encoded;
                if (_total <= 0) task.MaxValue = Math.Max(done, 1);
                task.Value = stopping && _finished ? task.MaxValue : done;
                double seconds = Math.Max(r.Clock.Elapsed.TotalSeconds, 1e-3);
                // Compact, to fit an 80-column terminal with the bar, the percentage and the time left.
                string text = string.Create(CultureInfo.InvariantCulture,
                    $"{r.Name,-9} {done,5}/{(_total > 0 ? _total.ToString(CultureInfo.InvariantCulture) : "?"),-5} enc {encoded / seconds,4:0}/s");
                if (_scoring)
                    text += string.Create(CultureInfo.InvariantCulture,
                        $" score {Math.Max(scored, 0) / seconds,4:0}/s VMAF {(double.IsNaN(vmaf) ? "  -  " : vmaf.ToString("0.00", CultureInfo.InvariantCulture)),5}");
                task.Description = Markup.Escape(text);
            }
            ctx.Refresh();
            if (stopping) return;
            _stop.Token.WaitHandle.WaitOne(200);
        }
    }

    private volatile bool _finished;

    private void Stop(bool finished)
    {
        _finished = finished;
        _stop.Cancel();
        _drawing?.Wait(TimeSpan.FromSeconds(5));
    }

    public void Prepare(RunOutcome run) => Stop(finished: true);

    public void Commit() { }

    public void Abort(Exception cause) => Stop(finished: false);

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested) Stop(finished: false);
        _stop.Dispose();
    }
}
