namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// One feature family (libvmaf's feature-extractor layout): it sees one (reference, distorted)
/// pair, as samples or as float planes on libvmaf's offset 8-bit scale, and writes that frame's
/// scores into the board under the names libvmaf logs. Each frame worker has instances of its
/// own, and frames run side by side, so Extract depends on nothing but the frame it is given (and
/// <see cref="FramePair.Previous"/>, the frame before it, which stays untouched until this frame
/// is final). What must see frames in order (motion2 and motion3) is a <see cref="ITemporalStep"/>.
/// </summary>
internal interface IFeatureExtractor
{
    IReadOnlyList<string> Features { get; }

    /// <param name="score">Whether this frame is scored (subsampling); work a temporal step needs is done either way.</param>
    void Extract(long index, FramePair frame, bool score, FeatureBoard board);

    /// <summary>The in-order part of a temporal extractor, or null; made once per scorer.</summary>
    ITemporalStep? CreateTemporalStep() => null;
}

/// <summary>
/// The in-order part of a temporal extractor: given every frame in display order once every
/// extractor's Extract of that frame is done. It may complete the frame before (at most one frame
/// back: a frame is final once the next frame's step has run, or at <see cref="Flush"/>).
/// </summary>
internal interface ITemporalStep
{
    void Advance(long index, FramePair frame, bool score, FeatureBoard board);

    /// <summary>Completes the last frame.</summary>
    void Flush(FeatureBoard board);
}

/// <summary>
/// Feature values of the frames in flight, a row per frame slot: a slot's row is opened when its
/// frame is loaded and read once the frame is final. Writers of one row never overlap (a frame's
/// extractors run on one worker, its temporal values are written after), and the hand-overs
/// between threads go through the scheduler's lock, so rows need no lock of their own.
/// </summary>
internal sealed class FeatureBoard
{
    private readonly Dictionary<string, int> _ids;
    private readonly double[] _values;
    private readonly int[] _filled;
    private readonly long[] _owner;

    public FeatureBoard(IReadOnlyList<string> names, int slots = 1)
    {
        Names = names;
        _ids = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        _values = new double[slots * names.Count];
        _filled = new int[slots];
        _owner = new long[slots];
        Array.Fill(_owner, -1);
    }

    public IReadOnlyList<string> Names { get; }

    private int Slot(long index) => (int)(index % _owner.Length);

    /// <summary>Gives frame <paramref name="index"/> its slot's row, which must be closed.</summary>
    public void Open(long index)
    {
        int slot = Slot(index);
        if (_owner[slot] >= 0) throw new InvalidOperationException($"frame {_owner[slot]} still open when frame {index} arrived");
        _owner[slot] = index;
        _filled[slot] = 0;
    }

    public void Set(long index, string feature, double value)
    {
        int slot = Slot(index);
        if (_owner[slot] != index) throw new InvalidOperationException($"frame {index} is not open");
        _values[slot * Names.Count + _ids[feature]] = value;
        _filled[slot]++;
    }

    /// <summary>Whether every feature of the frame has a value (once each).</summary>
    public bool IsComplete(long index) => _owner[Slot(index)] == index && _filled[Slot(index)] == Names.Count;

    public ReadOnlySpan<double> Values(long index) => _values.AsSpan(Slot(index) * Names.Count, Names.Count);

    public double Get(long index, string feature) => Values(index)[_ids[feature]];

    public void Close(long index)
    {
        int slot = Slot(index);
        if (_owner[slot] != index) return;
        _owner[slot] = -1;
        _filled[slot] = 0;
    }
}
