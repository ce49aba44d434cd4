namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// One feature family (libvmaf's feature-extractor layout): it sees (reference, distorted) pairs
/// in display order, as samples or as float planes on libvmaf's offset 8-bit scale, and writes
/// scores into the board under the names libvmaf logs. Temporal extractors may complete a
/// frame's scores one frame later.
/// </summary>
internal interface IFeatureExtractor
{
    IReadOnlyList<string> Features { get; }

    /// <param name="score">Whether this frame is scored (subsampling); temporal state is kept either way.</param>
    void Extract(long index, FramePair frame, bool score, FeatureBoard board);

    void Flush(FeatureBoard board);
}

/// <summary>
/// Feature values of the frames still open, in a small ring of fixed rows: a frame is open from
/// its Push until its last temporal feature arrives, which is at most one Push later.
/// </summary>
internal sealed class FeatureBoard
{
    private const int Window = 4;
    private readonly Dictionary<string, int> _ids;
    private readonly double[] _values;
    private readonly int[] _filled = new int[Window];
    private readonly long[] _owner = [-1, -1, -1, -1];

    public FeatureBoard(IReadOnlyList<string> names)
    {
        Names = names;
        _ids = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        _values = new double[Window * names.Count];
    }

    public IReadOnlyList<string> Names { get; }

    public void Set(long index, string feature, double value)
    {
        int slot = (int)(index % Window);
        lock (_values)
        {
            if (_owner[slot] != index)
            {
                if (_owner[slot] >= 0 && _filled[slot] != 0) throw new InvalidOperationException($"frame {_owner[slot]} still open when frame {index} arrived");
                _owner[slot] = index;
                _filled[slot] = 0;
            }
            _values[slot * Names.Count + _ids[feature]] = value;
            _filled[slot]++;
        }
    }

    public bool IsComplete(long index)
    {
        int slot = (int)(index % Window);
        return _owner[slot] == index && _filled[slot] == Names.Count;
    }

    public ReadOnlySpan<double> Values(long index) => _values.AsSpan((int)(index % Window) * Names.Count, Names.Count);

    public double Get(long index, string feature) => Values(index)[_ids[feature]];

    public void Close(long index)
    {
        int slot = (int)(index % Window);
        _owner[slot] = -1;
        _filled[slot] = 0;
    }
}
