using System.Threading.Channels;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// The references an encoder has been given but not yet returned as recon, in display order.
/// Recon finds its reference by the pts it carries back out of the encoder (the display index
/// the frame went in with), so pairing never depends on how many frames the encoder holds. The
/// encoder's reported delay only sizes this queue: its capacity is that delay plus the frame
/// being submitted, and a full queue holds the encoder loop back while the scorer is behind.
/// An encoder that holds more frames than it reported would then wait forever for room the
/// scorer can only make once the encoder returns a frame; such a reference is admitted beyond
/// the capacity instead, and counted (<see cref="MostBeyond"/>) so the run can say so.
/// </summary>
internal sealed class LookaheadQueue
{
    // Not SingleReader: that channel can neither count nor peek, and both are needed here.
    private readonly Channel<PendingReference> _channel =
        Channel.CreateUnbounded<PendingReference>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Lock _gate = new();
    /// <summary>Released by the scorer for each reference it takes while the encoder loop waits for room.</summary>
    private readonly SemaphoreSlim _taken = new(0);
    private bool _writerWaits;
    private int _mostBeyond, _highWater;

    public LookaheadQueue(int encoderMaxDelay) => Capacity = encoderMaxDelay + 1;

    public int Capacity { get; }
    public int HighWater => Volatile.Read(ref _highWater);
    /// <summary>The most references held at once beyond <see cref="Capacity"/>: how far the encoder outran its reported delay.</summary>
    public int MostBeyond => Volatile.Read(ref _mostBeyond);
    public int Count => _channel.Reader.Count;

    /// <summary>Queues a reference; returns true when it was admitted beyond the capacity.</summary>
    /// <param name="latestReturned">The highest display index the encoder has returned as recon so far (-1 for none).</param>
    public async ValueTask<bool> Write(PendingReference reference, long latestReturned, CancellationToken ct)
    {
        while (true)
        {
            lock (_gate)
            {
                int count = _channel.Reader.Count;
                // The scorer takes references up to each recon it is given. When no recon at or above
                // the oldest queued reference has come back, all of them are still inside the encoder,
                // and no room can be made until the encoder gets more input.
                bool full = count >= Capacity;
                if (!full || !_channel.Reader.TryPeek(out var oldest) || latestReturned < oldest.DisplayIndex)
                {
                    if (!_channel.Writer.TryWrite(reference)) throw new InvalidOperationException("lookahead queue closed");
                    count++;
                    if (count > _highWater) Volatile.Write(ref _highWater, count);
                    if (count - Capacity > _mostBeyond) Volatile.Write(ref _mostBeyond, count - Capacity);
                    return full;
                }
                _writerWaits = true;
            }
            await _taken.WaitAsync(ct);
        }
    }

    public async ValueTask<PendingReference> Read(CancellationToken ct)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_channel.Reader.TryRead(out var reference))
                {
                    if (_writerWaits)
                    {
                        _writerWaits = false;
                        _taken.Release();
                    }
                    return reference;
                }
            }
            if (!await _channel.Reader.WaitToReadAsync(ct)) throw new ChannelClosedException();
        }
    }

    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    /// <summary>Releases whatever is left (after a failure).</summary>
    public void Drain()
    {
        while (_channel.Reader.TryRead(out var r)) r.Release();
    }
}
