namespace EncodeQuality.Farm.Telemetry;

/// <summary>
/// Whether the worker should be sent work, as /readyz answers it: connected to the broker, the
/// store answering, and not draining. Each part is set by whoever knows it; the reason of the first
/// part that fails is what the probe reads.
/// </summary>
public sealed class Readiness
{
    private volatile Func<bool>? _brokerOpen;
    private volatile string? _storeProblem = "the store has not been asked yet";
    private volatile bool _draining;

    /// <summary>The broker connection is made; <paramref name="isOpen"/> says whether it is open now (it recovers by itself).</summary>
    public void Connected(Func<bool> isOpen) => _brokerOpen = isOpen;

    /// <summary>The latest store check: null when it answered, else why not.</summary>
    public void Store(string? problem) => _storeProblem = problem;

    /// <summary>A stop began: no new work, for good.</summary>
    public void Drain() => _draining = true;

    /// <summary>Null when ready, else the reason, one line.</summary>
    public string? Problem =>
        _draining ? "draining: the worker is stopping and takes no new jobs"
        : _brokerOpen is not { } open ? "not connected to the broker yet"
        : !open() ? "the broker connection is down (reconnecting)"
        : _storeProblem is { } store ? $"the store does not answer: {store}"
        : null;
}
