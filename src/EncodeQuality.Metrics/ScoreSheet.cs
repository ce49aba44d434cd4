namespace EncodeQuality.Metrics;

/// <summary>
/// Per-frame scores of one comparison, a column per feature. Columns are resolved to indices
/// once, so publishing a score is an array store.
/// </summary>
public sealed class ScoreSheet
{
    private readonly List<string> _names = [];
    private readonly List<List<double>> _columns = [];

    public IReadOnlyList<string> FeatureNames => _names;

    public int FrameCount { get; private set; }

    public int Column(string feature)
    {
        int i = _names.IndexOf(feature);
        if (i >= 0) return i;
        _names.Add(feature);
        _columns.Add(new List<double>(1024));
        return _names.Count - 1;
    }

    public void Set(int column, long frame, double value)
    {
        var c = _columns[column];
        while (c.Count <= frame) c.Add(double.NaN);
        c[(int)frame] = value;
        if (frame >= FrameCount) FrameCount = (int)frame + 1;
    }

    /// <summary>The sheet has <paramref name="columns"/> columns and each holds a value for the frame.</summary>
    public bool HasRow(long frame, int columns)
    {
        if (_columns.Count != columns) return false;
        foreach (var c in _columns)
            if (frame >= c.Count || double.IsNaN(c[(int)frame])) return false;
        return true;
    }

    public double Get(int column, int frame) => frame < _columns[column].Count ? _columns[column][frame] : double.NaN;

    public double Get(string feature, int frame) => Get(_names.IndexOf(feature) is var i and >= 0 ? i : throw new KeyNotFoundException(feature), frame);

    public IReadOnlyList<double> Values(string feature) => _columns[_names.IndexOf(feature) is var i and >= 0 ? i : throw new KeyNotFoundException(feature)];

    /// <summary>Frames that carry scores (all frames, or every Nth when subsampling).</summary>
    public IEnumerable<int> ScoredFrames() =>
        Enumerable.Range(0, FrameCount).Where(f => _columns.Any(c => f < c.Count && !double.IsNaN(c[f])));

    /// <summary>Every frame scored has every feature (a frame is scored whole or not at all).</summary>
    public bool IsComplete(int frames) =>
        FrameCount <= frames && ScoredFrames().All(f => _columns.All(c => f < c.Count && !double.IsNaN(c[f])))
        && (FrameCount == frames || _columns.Count == 0 || ScoredFrames().Any());

    /// <summary>The scored values of a feature, for pooling.</summary>
    public IReadOnlyList<double> ScoredValues(string feature) => Values(feature).Where(v => !double.IsNaN(v)).ToList();
}
