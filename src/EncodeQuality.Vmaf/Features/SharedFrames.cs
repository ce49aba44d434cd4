namespace EncodeQuality.Vmaf.Features;

/// <summary>
/// An extractor's reference-only work for the last few frames, shared by the streams of a
/// <see cref="ReferenceShare"/>: a ring of slots, frame i in slot i % capacity. The first stream
/// to reach a frame claims its slot, fills it and publishes it; the others take it read-only and
/// release it when done. Nothing waits: a stream that finds its frame's slot busy (being filled,
/// still read, or already holding a later frame) computes that frame alone and publishes nothing,
/// which gives the same values, so sharing changes speed only. Memory is the ring, allocated once.
/// </summary>
internal sealed class SharedFrames<T> : ReferenceShare.IPart where T : class
{
    private sealed class Slot(T value)
    {
        public readonly T Value = value;
        public long Frame = -1;
        public bool Ready, Filling;
        public int Readers;
    }

    private readonly Slot[] _slots;
    private readonly object _gate = new();
    private long _taken, _published;

    /// <summary>How many times a stream took published work.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>How many frames' work was published.</summary>
    public long Published => Interlocked.Read(ref _published);

    public SharedFrames(int capacity, Func<T> create)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = [.. Enumerable.Range(0, capacity).Select(_ => new Slot(create()))];
    }

    private Slot SlotOf(long frame) => _slots[(int)(frame % _slots.Length)];

    /// <summary>
    /// How a stream does a frame's work: with its published state to read (<c>Lead</c> false), with
    /// a claimed slot to fill (<c>Lead</c> true), or alone (<c>State</c> null). Pair with <see cref="End"/>.
    /// </summary>
    public (T? State, bool Lead) Begin(long frame) =>
        TryTake(frame, out var taken) ? (taken, false) : TryClaim(frame) is { } claimed ? (claimed, true) : (null, false);

    /// <summary>Ends what <see cref="Begin"/> started: a read state is released, a filled one published (or, when the work failed, abandoned).</summary>
    public void End(long frame, (T? State, bool Lead) work, bool completed)
    {
        if (work.State is null) return;
        if (!work.Lead) Release(frame);
        else if (completed) Publish(frame);
        else Abandon(frame);
    }

    /// <summary>The frame's published work, held for reading until <see cref="Release"/>; false when it is not published.</summary>
    private bool TryTake(long frame, out T value)
    {
        var slot = SlotOf(frame);
        lock (_gate)
        {
            if (slot.Frame == frame && slot.Ready)
            {
                slot.Readers++;
                _taken++;
                value = slot.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }

    private void Release(long frame)
    {
        var slot = SlotOf(frame);
        lock (_gate)
        {
            if (slot.Frame != frame || slot.Readers == 0) throw new InvalidOperationException($"frame {frame} was not taken");
            slot.Readers--;
        }
    }

    /// <summary>
    /// The frame's slot to fill, then <see cref="Publish"/> (or <see cref="Abandon"/>); null when
    /// the slot is busy or holds a later frame: then the caller works alone.
    /// </summary>
    private T? TryClaim(long frame)
    {
        var slot = SlotOf(frame);
        lock (_gate)
        {
            if (slot.Filling || slot.Readers > 0 || slot.Frame >= frame) return null;
            slot.Frame = frame;
            slot.Ready = false;
            slot.Filling = true;
            return slot.Value;
        }
    }

    private void Publish(long frame) => EndFill(frame, ready: true);

    /// <summary>Gives up a claim (the work failed): the slot holds nothing.</summary>
    private void Abandon(long frame) => EndFill(frame, ready: false);

    private void EndFill(long frame, bool ready)
    {
        var slot = SlotOf(frame);
        lock (_gate)
        {
            if (slot.Frame != frame || !slot.Filling) throw new InvalidOperationException($"frame {frame} was not claimed");
            slot.Filling = false;
            slot.Ready = ready;
            if (ready) _published++;
        }
    }
}
