using System.Collections.Concurrent;

namespace EncodeQuality.Vmaf;

/// <summary>
/// Work that reads only the reference, done once for several distorted streams scored against the
/// same reference frames at the same size (a ladder's rungs, or one reference with several encodes):
/// motion's difference of consecutive references, VIF's and ADM's reference statistics. Whichever
/// stream reaches a frame first computes that part and publishes it; the others take it read-only.
/// A share is made per reference stream and size by whoever feeds the streams, with the number of
/// streams: every stream must be given the same reference frames under the same frame numbers.
/// With fewer than two streams there is nothing to share and the extractors work alone.
/// </summary>
public sealed class ReferenceShare
{
    private readonly ConcurrentDictionary<string, object> _parts = new();

    /// <param name="streams">How many streams score against this reference.</param>
    /// <param name="inStep">
    /// Whether one caller feeds the streams frame by frame (every stream's frame i before any
    /// stream's frame i + 2): then every extractor's reference work is shared, in rings one frame
    /// deeper than a stream's frames in flight. Streams that are not in step (a ladder's rungs,
    /// each behind its own encoder's delay, tens of frames apart) share only what is a few bytes
    /// per frame (motion's SAD): holding VIF's and ADM's reference state (about 30 MB a 1080p
    /// frame) for that many frames costs more memory than redoing it costs time.
    /// </param>
    public ReferenceShare(int streams, bool inStep = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streams, 1);
        Streams = streams;
        InStep = inStep;
    }

    public int Streams { get; }

    public bool InStep { get; }

    /// <summary>Whether the streams have anything to share.</summary>
    public bool Shared => Streams > 1;

    /// <summary>The part named <paramref name="key"/> (an extractor's, at a size), made on first ask.</summary>
    internal T Part<T>(string key, Func<T> create) where T : class => (T)_parts.GetOrAdd(key, _ => create());

    /// <summary>One extractor's shared work: how many frames were published, and how often a stream took one.</summary>
    internal interface IPart
    {
        long Published { get; }
        long Taken { get; }
    }

    /// <summary>
    /// What was shared, per extractor and size ("integer_vif@1280x720: 120 frames published, taken
    /// 360 times"), for the log: streams that drift further apart than the rings hold share less.
    /// </summary>
    public IReadOnlyList<string> Report() =>
        [.. _parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value is IPart part
            ? $"{p.Key}: {part.Published} frames published, taken {part.Taken} times" : p.Key)];
}
