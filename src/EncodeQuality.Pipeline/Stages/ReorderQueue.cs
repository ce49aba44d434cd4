using EncodeQuality.Native.Frames;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// Puts recon frames, which encoders emit in coded order, back into display order, paired
/// with their references. A ring indexed by display index: the window from the next frame to
/// emit to the newest one seen is as wide as the encoder's delay, so the ring is sized as the
/// lookahead queue is. An encoder that holds more frames than it reported widens the window;
/// the ring then grows to fit (<see cref="Grown"/>), as the lookahead queue admits them.
/// </summary>
internal sealed class ReorderQueue
{
    private Slot[] _slots;
    private long _next;
    private long _newest = -1;
    private int _occupied;

    private struct Slot
    {
        public bool HasReference;
        public PendingReference Reference;
        public VideoFrame? Recon;
    }

    public ReorderQueue(int capacity) => _slots = new Slot[capacity];

    public int Capacity => _slots.Length;
    /// <summary>Whether the window outgrew the capacity the ring was created with.</summary>
    public bool Grown { get; private set; }
    public int HighWater { get; private set; }
    public long NextIndex => _next;
    public bool IsEmpty => _occupied == 0;

    /// <summary>References arrive in display order, each once.</summary>
    public void AddReference(PendingReference reference)
    {
        if (reference.DisplayIndex != _newest + 1)
            throw new InvalidOperationException($"reference {reference.DisplayIndex} arrived after {_newest}: references must come in display order");
        ref var slot = ref SlotFor(reference.DisplayIndex);
        slot.HasReference = true;
        slot.Reference = reference;
        _newest = reference.DisplayIndex;
        _occupied++;
        HighWater = Math.Max(HighWater, (int)(_newest - _next + 1));
    }

    public bool HasReference(long index) => index <= _newest;

    public void AddRecon(VideoFrame recon)
    {
        long i = recon.DisplayIndex;
        if (i < _next || i > _newest) throw new InvalidOperationException($"recon {i} has no pending reference (next {_next}, newest {_newest})");
        ref var slot = ref SlotFor(i);
        if (slot.Recon is not null) throw new InvalidOperationException($"recon {i} arrived twice");
        slot.Recon = recon;
    }

    /// <summary>The next pair in display order, once its recon is in.</summary>
    public bool TryTakeNext(out PendingReference reference, out VideoFrame recon)
    {
        ref var slot = ref _slots[_next % _slots.Length];
        if (_next > _newest || slot.Recon is null)
        {
            reference = default;
            recon = null!;
            return false;
        }
        reference = slot.Reference;
        recon = slot.Recon;
        slot = default;
        _occupied--;
        _next++;
        return true;
    }

    private ref Slot SlotFor(long index)
    {
        if (index - _next >= _slots.Length) Grow((int)(index - _next + 1));
        return ref _slots[index % _slots.Length];
    }

    private void Grow(int window)
    {
        var slots = new Slot[Math.Max(window, 2 * _slots.Length)];
        for (long i = _next; i <= _newest; i++) slots[i % slots.Length] = _slots[i % _slots.Length];
        _slots = slots;
        Grown = true;
    }

    public void Drain()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].HasReference) _slots[i].Reference.Release();
            _slots[i].Recon?.Release();
            _slots[i] = default;
        }
        _occupied = 0;
    }
}
