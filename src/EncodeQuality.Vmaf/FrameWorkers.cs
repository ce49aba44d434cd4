using System.Runtime.ExceptionServices;
using EncodeQuality.Vmaf.Features;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Frames scored side by side, as libvmaf's thread pool runs them (libvmaf.c queues one job per
/// picture): each frame in flight has a slot (its pictures and its row of the board), each worker
/// has extractors of its own and takes the next loaded frame whole. Only the temporal steps see
/// frames in order: they run on the caller's thread as frames' extraction ends, and a frame is
/// final once the next frame's step has run (or at <see cref="Flush"/>), when it is handed to
/// <c>final</c> and its slot freed. A slot is reused only when its frame is final, which is after
/// the next frame (whose motion reads this one's reference) is done, so no picture is copied
/// twice. With one thread the caller does the work itself and there are no workers.
/// Scores do not depend on the thread count: each frame is computed whole by one worker, from
/// the same inputs, and temporal values are combined in display order.
/// </summary>
internal sealed class FrameWorkers : IDisposable
{
    private readonly FramePair[] _pairs;
    private readonly bool[] _scored;
    private readonly bool[] _extracted;
    private readonly IFeatureExtractor[][] _extractors;
    private readonly ITemporalStep[] _steps;
    private readonly FeatureBoard _board;
    private readonly Action<long, bool> _final;
    private readonly Thread[] _workers;
    private readonly long[] _workerAllocated;
    private readonly object _gate = new();
    private ExceptionDispatchInfo? _failure;
    private bool _stopping;
    // Frames [0, _loaded) were loaded; [0, _nextJob) taken by a worker; [0, _advanced) through their
    // temporal steps; [0, _finalCount) final and their slots free.
    private long _loaded, _nextJob, _advanced, _finalCount;

    /// <param name="threads">Workers; 1 runs every frame on the caller's thread.</param>
    /// <param name="slots">Frames in flight; at least 2 (a frame and the one before it).</param>
    /// <param name="final">Called in display order with each frame once final, and whether it is scored.</param>
    public FrameWorkers(int threads, int slots, Func<FramePair> newPair, Func<IFeatureExtractor[]> newExtractors,
        FeatureBoard board, Action<long, bool> final)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads));
        if (slots < 2) throw new ArgumentOutOfRangeException(nameof(slots));
        _pairs = [.. Enumerable.Range(0, slots).Select(_ => newPair())];
        _scored = new bool[slots];
        _extracted = new bool[slots];
        _extractors = [.. Enumerable.Range(0, threads).Select(_ => newExtractors())];
        _steps = [.. _extractors[0].Select(e => e.CreateTemporalStep()).OfType<ITemporalStep>()];
        // Each worker starts its frames at another extractor. Within a frame they are independent
        // (each reads the pair and writes its own names; float motion's blur is read only by its
        // temporal step, in order), so values do not change; but the runtime compiles each kernel
        // on its first call, and workers that all start at the same extractor wait on one another
        // for the same kernels on their first frames instead of compiling different ones side by side.
        for (int w = 1; w < threads; w++)
        {
            var set = _extractors[w];
            int shift = w * set.Length / threads;
            _extractors[w] = [.. set.Skip(shift), .. set.Take(shift)];
        }
        _board = board;
        _final = final;
        _workers = threads == 1 ? [] : new Thread[threads];
        _workerAllocated = new long[_workers.Length];
        for (int w = 0; w < _workers.Length; w++)
        {
            int worker = w;
            _workers[w] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"vmaf-frames-{w}" };
            _workers[w].Start();
        }
    }

    public static int SlotsFor(int threads) => threads == 1 ? 2 : 2 * threads + 2;

    /// <summary>Bytes the workers have allocated, each as of its last finished frame (for allocation tests).</summary>
    internal long WorkerAllocatedBytes
    {
        get { lock (_gate) return _workerAllocated.Sum(); }
    }

    /// <summary>The next frame's slot, once free (waiting for it): the caller loads its pictures, then calls <see cref="Start"/>.</summary>
    public FramePair NextSlot()
    {
        while (_loaded - _pairs.Length >= _finalCount)
            if (!TryAdvance()) WaitForExtraction();
        return _pairs[Slot(_loaded)];
    }

    /// <summary>Starts the frame loaded into <see cref="NextSlot"/>, and advances what is ready.</summary>
    public void Start(bool score)
    {
        long index = _loaded;
        int slot = Slot(index);
        _pairs[slot].Previous = index > 0 ? _pairs[Slot(index - 1)] : null;
        _scored[slot] = score;
        _board.Open(index);
        if (_workers.Length == 0)
        {
            _loaded++;
            _nextJob++;
            Extract(_extractors[0], index);
            _extracted[slot] = true;
        }
        else
        {
            lock (_gate)
            {
                _loaded++;
                Monitor.PulseAll(_gate);
            }
        }
        while (TryAdvance()) { }
    }

    /// <summary>Waits for every frame, runs the last temporal steps and makes the last frame final.</summary>
    public void Flush()
    {
        while (_advanced < _loaded)
            if (!TryAdvance()) WaitForExtraction();
        foreach (var step in _steps) step.Flush(_board);
        if (_finalCount < _loaded) Finish(_loaded - 1);
    }

    private int Slot(long index) => (int)(index % _pairs.Length);

    private void Extract(IFeatureExtractor[] extractors, long index)
    {
        int slot = Slot(index);
        foreach (var e in extractors) e.Extract(index, _pairs[slot], _scored[slot], _board);
    }

    /// <summary>Runs the temporal steps of the next frame if its extraction is done; that makes the frame before it final.</summary>
    private bool TryAdvance()
    {
        long k = _advanced;
        if (k >= _loaded) return false;
        int slot = Slot(k);
        if (_workers.Length > 0)
        {
            lock (_gate)
            {
                _failure?.Throw();
                if (!_extracted[slot]) return false;
            }
        }
        foreach (var step in _steps) step.Advance(k, _pairs[slot], _scored[slot], _board);
        _advanced = k + 1;
        if (k > 0) Finish(k - 1);
        return true;
    }

    private void Finish(long index)
    {
        int slot = Slot(index);
        _final(index, _scored[slot]);
        _board.Close(index);
        lock (_gate)
        {
            _extracted[slot] = false;
            _finalCount = index + 1;
        }
    }

    private void WaitForExtraction()
    {
        lock (_gate)
        {
            while (_failure is null && !_extracted[Slot(_advanced)]) Monitor.Wait(_gate);
            _failure?.Throw();
        }
    }

    private void Work(int worker)
    {
        var extractors = _extractors[worker];
        while (true)
        {
            long index;
            lock (_gate)
            {
                _workerAllocated[worker] = GC.GetAllocatedBytesForCurrentThread();
                while (!_stopping && _nextJob >= _loaded) Monitor.Wait(_gate);
                if (_stopping) return;
                index = _nextJob++;
            }
            ExceptionDispatchInfo? failure = null;
            try { Extract(extractors, index); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            lock (_gate)
            {
                _failure ??= failure;
                _extracted[Slot(index)] = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var t in _workers) t.Join();
    }
}
