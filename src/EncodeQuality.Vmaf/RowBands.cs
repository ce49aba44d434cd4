using System.Runtime.ExceptionServices;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Splits a picture's rows into one band per thread and runs a band delegate on each, the
/// caller's thread taking band 0. The workers are started once and reused, so a frame costs no
/// allocation and no thread-pool hop. Used where one picture is scored alone (the cambi metric's
/// passes); VMAF's extractors run whole frames side by side instead (<see cref="FrameWorkers"/>).
/// Band results are combined in band order, so they do not depend on the thread count.
/// </summary>
public sealed class RowBands : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _body;
    private ExceptionDispatchInfo? _failure;
    private volatile bool _stopping;

    public RowBands(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
        _workers = new Thread[count - 1];
        _start = new SemaphoreSlim[count - 1];
        _done = new CountdownEvent(1);
        for (int i = 0; i < _workers.Length; i++)
        {
            int band = i + 1;
            _start[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => Work(band)) { IsBackground = true, Name = $"vmaf-band-{band}" };
            _workers[i].Start();
        }
    }

    public int Count { get; }

    /// <summary>Rows [From, To) of band b when <paramref name="rows"/> rows are split evenly.</summary>
    public (int From, int To) Range(int band, int rows) => (rows * band / Count, rows * (band + 1) / Count);

    /// <summary>Runs body(0..Count-1) and returns when every band is done; rethrows a band's failure.</summary>
    public void Run(int rows, Action<int> body)
    {
        if (Count == 1 || rows < 2 * Count)
        {
            for (int b = 0; b < Count; b++) body(b);
            return;
        }
        _body = body;
        _failure = null;
        _done.Reset(Count - 1);
        foreach (var s in _start) s.Release();
        try { body(0); }
        finally { _done.Wait(); }
        _body = null;
        _failure?.Throw();
    }

    private void Work(int band)
    {
        var start = _start[band - 1];
        while (true)
        {
            start.Wait();
            if (_stopping) return;
            try { _body!(band); }
            catch (Exception e) { _failure = ExceptionDispatchInfo.Capture(e); }
            finally { _done.Signal(); }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _workers) t.Join();
    }
}
