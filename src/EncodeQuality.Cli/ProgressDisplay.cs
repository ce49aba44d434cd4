using System.Diagnostics;
using System.Globalization;
using EncodeQuality.Pipeline;
using EncodeQuality.Results;
using EncodeQuality.Model;

namespace EncodeQuality.Cli;

/// <summary>
/// The live display on a terminal: one line per rung with its percentage, frames done of the total,
/// encode and scoring frames/s, the running VMAF mean and the time left. It is a result sink that
/// only counts: the pipeline's threads store numbers, and a display thread draws them five times a
/// second on stderr (<see cref="TerminalLines"/>), so drawing never waits on the pipeline or slows it.
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

    private const int BarWidth = 10;
    private readonly List<Rung> _rungs = [];
    private readonly CancellationTokenSource _stop = new();
    private Thread? _drawing;
    private long _total;
    private bool _scoring;
    private volatile bool _finished;
    private Serilog.ILogger? _log;
    private readonly Stopwatch _shown = new();

    /// <summary>Where the display says, when it stops, what it cost (the log file; the terminal shows only warnings meanwhile).</summary>
    public ProgressDisplay LoggingTo(Serilog.ILogger log)
    {
        _log = log;
        return this;
    }

    public bool Essential => false;
    public string Name => "progress";

    public void RunStarted(RunStart run)
    {
        long hint = run.FrameCountHint;
        _total = maxFrames > 0 && (hint <= 0 || maxFrames < hint) ? maxFrames : hint;
        var lines = new TerminalLines(Console.Error);
        _drawing = new Thread(() => Draw(lines)) { IsBackground = true, Name = "progress" };
        _drawing.Start();
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

    private void Draw(TerminalLines terminal)
    {
        var lines = new List<string>();
        var cpuAtStart = ThreadCpuClock.Now();
        _shown.Start();
        int refreshes = 0;
        while (true)
        {
            bool stopping = _stop.IsCancellationRequested;
            Rung[] rungs;
            lock (_rungs) rungs = [.. _rungs];
            lines.Clear();
            foreach (var r in rungs) lines.Add(Line(r, stopping && _finished));
            terminal.Draw(lines);
            refreshes++;
            if (stopping)
            {
                // What the display cost, for scripts/bench-progress: its thread's CPU time against the time it was shown.
                var cpu = ThreadCpuClock.Now() - cpuAtStart;
                _log?.Information("Progress display: {Refreshes} refreshes in {ShownSeconds:0.00} s, {CpuSeconds:0.000} s of CPU on its thread",
                    refreshes, _shown.Elapsed.TotalSeconds, cpu?.TotalSeconds);
                return;
            }
            _stop.Token.WaitHandle.WaitOne(200);
        }
    }

    /// <summary>
    /// One rung, compact enough for 80 columns:
    /// <c>720p        34/60    enc   12/s score   11/s VMAF 94.10 [#####-----]  56%  0:02 left</c>.
    /// </summary>
    private string Line(Rung r, bool finished)
    {
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
        double seconds = Math.Max(r.Clock.Elapsed.TotalSeconds, 1e-3);
        // Without a frame count (a stream of unknown length) there is no share and no time left.
        double share = finished ? 1 : _total > 0 ? Math.Min(1, (double)done / _total) : double.NaN;
        var text = new System.Text.StringBuilder(96);
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"{r.Name,-9} {done,5}/{(_total > 0 ? _total.ToString(c) : "?"),-5} enc {encoded / seconds,4:0}/s");
        if (_scoring)
            text.Append(c, $" score {Math.Max(scored, 0) / seconds,4:0}/s VMAF {(double.IsNaN(vmaf) ? "-" : vmaf.ToString("0.00", c)),5}");
        int filled = double.IsNaN(share) ? 0 : (int)(share * BarWidth);
        text.Append(" [").Append('#', filled).Append('-', BarWidth - filled).Append(']');
        text.Append(double.IsNaN(share) ? "    ?" : string.Create(c, $" {(int)(share * 100),3}%"));
        if (finished) text.Append(' ').Append(Clock(seconds)).Append(" in all");
        else if (share >= 1) text.Append(" done");
        else if (!double.IsNaN(share) && done > 0) text.Append(' ').Append(Clock((_total - done) * seconds / done)).Append(" left");
        return text.ToString();
    }

    /// <summary>m:ss, or h:mm:ss from an hour up.</summary>
    private static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    private void Stop(bool finished)
    {
        _finished = finished;
        _stop.Cancel();
        _drawing?.Join(TimeSpan.FromSeconds(5));
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
