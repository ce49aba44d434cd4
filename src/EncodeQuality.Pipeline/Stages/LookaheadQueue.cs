using System.Threading.Channels;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// The references an encoder has been given but not yet returned as recon, in display order.
/// Its capacity is the encoder's own maximum delay plus the frame being submitted, so a full
/// queue means the scorer is behind (backpressure), never that the encoder needs more room.
/// An encoder holding more frames than it reported would deadlock a plain bounded write;
/// <see cref="Write"/> turns that case into an error instead.
/// </summary>
internal sealed class LookaheadQueue
{
    private readonly Channel<PendingReference> _channel;
    private int _highWater;

    public LookaheadQueue(int encoderMaxDelay)
    {
        Capacity = encoderMaxDelay + 1;
        _channel = Channel.CreateBounded<PendingReference>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Capacity { get; }
    public int HighWater => Volatile.Read(ref _highWater);
    public int Count => _channel.Reader.Count;

    /// <param name="framesInEncoder">Frames the encoder holds right now, for the overflow check.</param>
    public async ValueTask Write(PendingReference reference, int framesInEncoder, CancellationToken ct)
    {
        while (!_channel.Writer.TryWrite(reference))
        {
            if (framesInEncoder >= Capacity)
                throw new InvalidOperationException(
                    $"the encoder holds {framesInEncoder} frames, more than the {Capacity - 1} it reported as its maximum delay");
            if (!await _channel.Writer.WaitToWriteAsync(ct)) throw new InvalidOperationException("lookahead queue closed");
        }
        int count = _channel.Reader.Count;
        if (count > _highWater) Volatile.Write(ref _highWater, count);
    }

    public ValueTask<PendingReference> Read(CancellationToken ct) => _channel.Reader.ReadAsync(ct);

    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    /// <summary>Releases whatever is left (after a failure).</summary>
    public void Drain()
    {
        while (_channel.Reader.TryRead(out var r)) r.Release();
    }
}
