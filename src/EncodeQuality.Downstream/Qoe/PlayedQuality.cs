using EncodeQuality.Model;

namespace EncodeQuality.Downstream.Qoe;

/// <summary>What each rendition showed the viewer: the VMAF of a stretch of media time, and its picture size.</summary>
public interface IPlayedQuality
{
    /// <summary>VMAF over the rendition's frames shown from media time start to start + seconds.</summary>
    double Vmaf(string rendition, double start, double seconds);

    (int Width, int Height) Size(string rendition);

    /// <summary>The rung a viewer with bandwidth to spare would have played: the highest bitrate.</summary>
    string TopRung { get; }
}

/// <summary>
/// Segment VMAF measured in a run: the mean over the frames the segment shows, from the rendition's
/// score log, so a segment is never given its rendition's overall mean. Scores at source size are
/// used when the run has them (what the viewer sees: the rendition upscaled to the picture), else
/// those at the rendition's own size.
/// </summary>
public sealed class RunQuality : IPlayedQuality
{
    private readonly RunOutcome _run;
    private readonly ScoreAt _mode;

    public RunQuality(RunOutcome run, ScoreAt? mode = null)
    {
        _run = run;
        var scored = run.Renditions.Where(r => r.Scores.Any(s => s.Sheet.FeatureNames.Contains("vmaf"))).ToList();
        if (scored.Count == 0) throw new InputException($"run {run.Run.RunId}: no rendition has VMAF scores; encode with --metrics vmaf");
        _mode = mode ?? (scored.All(r => HasVmaf(r, ScoreAt.Source)) ? ScoreAt.Source : ScoreAt.Encode);
        var missing = run.Renditions.FirstOrDefault(r => !HasVmaf(r, _mode));
        if (missing is not null)
            throw new InputException($"run {run.Run.RunId}: rendition {missing.Facts.Name} has no VMAF scored at {(_mode == ScoreAt.Source ? "source" : "encode")}");
        TopRung = run.Renditions.MaxBy(r => r.Facts.BitrateKbps)!.Facts.Name;
    }

    public ScoreAt Mode => _mode;
    public string TopRung { get; }
    public double Fps => _run.Run.Source.Fps;

    private static bool HasVmaf(RenditionOutcome r, ScoreAt mode) => r.At(mode)?.Sheet.FeatureNames.Contains("vmaf") == true;

    private RenditionOutcome Find(string rendition) => _run.Renditions.FirstOrDefault(r => r.Facts.Name == rendition)
        ?? throw new InputException($"rendition {rendition} is not in run {_run.Run.RunId} (it has {string.Join(", ", _run.Renditions.Select(r => r.Facts.Name))})");

    /// <summary>The frames a stretch of media time shows: frame i is on screen from i / fps.</summary>
    public (int First, int End) Frames(double start, double seconds)
    {
        // A thousandth of a frame absorbs the rounding of times written in decimal seconds.
        const double slack = 1e-3;
        int first = (int)Math.Ceiling(start * Fps - slack), end = (int)Math.Ceiling((start + seconds) * Fps - slack);
        return (first, end);
    }

    public double Vmaf(string rendition, double start, double seconds)
    {
        var r = Find(rendition);
        var sheet = r.At(_mode)!.Sheet;
        var (first, end) = Frames(start, seconds);
        if (end <= first) throw new InputException($"rendition {rendition}: the segment at {start:0.###} s is shorter than one frame");
        if (end > r.Facts.Frames)
            throw new InputException($"rendition {rendition}: the segment {start:0.###}-{start + seconds:0.###} s goes past its {r.Facts.Frames / Fps:0.###} s ({r.Facts.Frames} frames)");
        int column = sheet.Column("vmaf");
        double sum = 0;
        int n = 0;
        for (int f = first; f < end; f++)
        {
            double v = sheet.Get(column, f);
            if (double.IsNaN(v)) continue; // a subsampled run scores every Nth frame
            sum += v;
            n++;
        }
        if (n == 0) throw new InputException($"rendition {rendition}: no scored frame in the segment at {start:0.###} s (subsampled too sparsely)");
        return sum / n;
    }

    public (int Width, int Height) Size(string rendition)
    {
        var f = Find(rendition).Facts;
        return (f.Width, f.Height);
    }
}

/// <summary>A rendition of fixed VMAF everywhere: the worked example's rungs.</summary>
public sealed class FixedQuality(IReadOnlyDictionary<string, (double Vmaf, int Width, int Height, double Kbps)> rungs) : IPlayedQuality
{
    public double Vmaf(string rendition, double start, double seconds) => Rung(rendition).Vmaf;
    public (int Width, int Height) Size(string rendition) => (Rung(rendition).Width, Rung(rendition).Height);
    public string TopRung => rungs.MaxBy(r => r.Value.Kbps).Key;

    private (double Vmaf, int Width, int Height, double Kbps) Rung(string name) =>
        rungs.TryGetValue(name, out var r) ? r : throw new InputException($"rendition {name} is not one of {string.Join(", ", rungs.Keys)}");
}
