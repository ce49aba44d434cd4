using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EncodeQuality.Model;

/// <summary>
/// Per-frame scores of one comparison, a column per feature. Columns are resolved to indices
/// once, so publishing a score is an array store.
///
/// Memory does not grow with the run: the newest <see cref="ResidentChunks"/> chunks of
/// <see cref="ChunkFrames"/> frames stay in memory, where metrics still write (they publish a
/// frame at most a few frames late); older chunks are written once to an unnamed temporary file
/// (in TMPDIR, removed from the directory as soon as it is open, so even a killed process leaves
/// nothing behind) and read back a column slice at a time. A run shorter than the resident window
/// never touches the disk. Readers (score logs, stores, pooling) walk columns in frame order, so
/// one cached slice per column serves them; one thread reads or writes a sheet at a time.
/// </summary>
public sealed class ScoreSheet : IDisposable
{
    public const int ChunkFrames = 1024;
    private const int ResidentChunks = 2;
    private const int SliceBytes = ChunkFrames * sizeof(double);

    private readonly List<string> _names = [];
    /// <summary>Frames written per column: one past the highest frame that column holds.</summary>
    private readonly List<long> _lengths = [];
    /// <summary>The resident chunks, oldest first: chunk <see cref="_firstResident"/> + i is _resident[i], one array per column.</summary>
    private readonly List<List<double[]>> _resident = [];
    private readonly Stack<List<double[]>> _spare = new();
    private long _firstResident;

    // The spilled chunks, in order: chunk k's columns are contiguous slices from _spillOffsets[k].
    private SafeFileHandle? _spill;
    private readonly List<long> _spillOffsets = [];
    private readonly List<int> _spillColumns = [];
    private long _spillEnd;
    /// <summary>Per column, the spilled slice read last (allocated on the first read from the file).</summary>
    private readonly List<(long Chunk, double[]? Values)> _cache = [];

    public IReadOnlyList<string> FeatureNames => _names;

    public int FrameCount { get; private set; }

    /// <summary>The most a sheet of <paramref name="columns"/> features holds in memory, whatever the run's length.</summary>
    public static long MaxResidentBytes(int columns) => (ResidentChunks + 2L) * columns * SliceBytes;

    /// <summary>Chunks written to the temporary file so far (zero for a run shorter than the resident window).</summary>
    public int SpilledChunks => _spillOffsets.Count;

    public int Column(string feature)
    {
        int i = _names.IndexOf(feature);
        if (i >= 0) return i;
        _names.Add(feature);
        _lengths.Add(0);
        _cache.Add((-1, null));
        foreach (var chunk in _resident) chunk.Add(NewSlice());
        return _names.Count - 1;
    }

    public void Set(int column, long frame, double value)
    {
        long chunk = frame / ChunkFrames;
        if (chunk < _firstResident)
            throw new InvalidOperationException($"frame {frame} of '{_names[column]}' came after its scores were written out ({_firstResident * ChunkFrames} frames are final)");
        while (chunk >= _firstResident + ResidentChunks) Retire();
        while (chunk >= _firstResident + _resident.Count) _resident.Add(NewChunk());
        _resident[(int)(chunk - _firstResident)][column][frame % ChunkFrames] = value;
        if (frame >= _lengths[column]) _lengths[column] = frame + 1;
        if (frame >= FrameCount) FrameCount = (int)frame + 1;
    }

    /// <summary>The sheet has <paramref name="columns"/> columns and each holds a value for the frame.</summary>
    public bool HasRow(long frame, int columns)
    {
        if (_names.Count != columns) return false;
        for (int c = 0; c < columns; c++)
            if (double.IsNaN(Get(c, frame))) return false;
        return true;
    }

    public double Get(int column, long frame)
    {
        if (frame < 0 || frame >= _lengths[column]) return double.NaN;
        long chunk = frame / ChunkFrames;
        if (chunk >= _firstResident) return _resident[(int)(chunk - _firstResident)][column][frame % ChunkFrames];
        return SpilledSlice(column, chunk)[frame % ChunkFrames];
    }

    public double Get(string feature, int frame) => Get(IndexOf(feature), frame);

    /// <summary>A column as a list, NaN where a frame has no value; read through the sheet, not copied.</summary>
    public IReadOnlyList<double> Values(string feature) => new ColumnView(this, IndexOf(feature));

    /// <summary>Frames that carry scores (all frames, or every Nth when subsampling).</summary>
    public IEnumerable<int> ScoredFrames()
    {
        for (int f = 0; f < FrameCount; f++)
            for (int c = 0; c < _names.Count; c++)
                if (!double.IsNaN(Get(c, f)))
                {
                    yield return f;
                    break;
                }
    }

    /// <summary>Every frame scored has every feature (a frame is scored whole or not at all).</summary>
    public bool IsComplete(int frames) =>
        FrameCount <= frames && ScoredFrames().All(f => HasRow(f, _names.Count))
        && (FrameCount == frames || _names.Count == 0 || ScoredFrames().Any());

    /// <summary>The scored values of a feature, for pooling: a copy of the one column, made when asked.</summary>
    public IReadOnlyList<double> ScoredValues(string feature) => Values(feature).Where(v => !double.IsNaN(v)).ToList();

    public void Dispose()
    {
        _spill?.Dispose();
        _spill = null;
    }

    private int IndexOf(string feature) => _names.IndexOf(feature) is var i and >= 0 ? i : throw new KeyNotFoundException(feature);

    private static double[] NewSlice()
    {
        var slice = new double[ChunkFrames];
        slice.AsSpan().Fill(double.NaN);
        return slice;
    }

    private List<double[]> NewChunk()
    {
        if (_spare.TryPop(out var chunk))
        {
            foreach (var slice in chunk) slice.AsSpan().Fill(double.NaN);
            while (chunk.Count < _names.Count) chunk.Add(NewSlice());
            return chunk;
        }
        chunk = new List<double[]>(_names.Count);
        for (int c = 0; c < _names.Count; c++) chunk.Add(NewSlice());
        return chunk;
    }

    /// <summary>Writes the oldest resident chunk to the file; its arrays are kept for the next chunk.</summary>
    private void Retire()
    {
        // A jump past whole chunks (sparse subsampling) retires them empty.
        if (_resident.Count == 0) _resident.Add(NewChunk());
        var chunk = _resident[0];
        _spill ??= OpenSpill();
        _spillOffsets.Add(_spillEnd);
        _spillColumns.Add(chunk.Count);
        foreach (var slice in chunk)
        {
            RandomAccess.Write(_spill, MemoryMarshal.AsBytes(slice.AsSpan()), _spillEnd);
            _spillEnd += SliceBytes;
        }
        _resident.RemoveAt(0);
        _spare.Push(chunk);
        _firstResident++;
    }

    private double[] SpilledSlice(int column, long chunk)
    {
        ObjectDisposedException.ThrowIf(_spill is null, this);
        var (cached, values) = _cache[column];
        if (cached == chunk) return values!;
        values ??= new double[ChunkFrames];
        if (column >= _spillColumns[(int)chunk]) values.AsSpan().Fill(double.NaN);
        else
        {
            long offset = _spillOffsets[(int)chunk] + (long)column * SliceBytes;
            if (RandomAccess.Read(_spill!, MemoryMarshal.AsBytes(values.AsSpan()), offset) != SliceBytes)
                throw new IOException("the score sheet's temporary file is shorter than written");
        }
        _cache[column] = (chunk, values);
        return values;
    }

    private static SafeFileHandle OpenSpill()
    {
        string path = Path.Combine(Path.GetTempPath(), $"eq-scores-{Guid.NewGuid():N}.bin");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        // On Unix the open handle keeps the data; the name can go at once.
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return handle;
    }

    private sealed class ColumnView(ScoreSheet sheet, int column) : IReadOnlyList<double>
    {
        public int Count => (int)sheet._lengths[column];
        public double this[int index] => (uint)index < (uint)Count ? sheet.Get(column, index) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<double> GetEnumerator()
        {
            for (int f = 0; f < Count; f++) yield return sheet.Get(column, f);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
