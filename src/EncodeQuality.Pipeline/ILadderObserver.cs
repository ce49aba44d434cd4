using EncodeQuality.Native;
using EncodeQuality.Native.Frames;
using EncodeQuality.Pipeline.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Pipeline;

/// <summary>
/// What a ladder run reports while it goes, for the layer above (results, progress). Calls come
/// from the pipeline's own threads: a rung's encoded frames from its encoder loop, its scored
/// frames from its scorer loop in display order.
/// </summary>
public interface ILadderObserver
{
    /// <summary>The source is open and the ladder fitted to it; nothing has been encoded yet.</summary>
    void SourceOpened(SourceInfo source, IReadOnlyList<Rendition> ladder) { }

    /// <summary>A rung's encoder and muxer are open.</summary>
    void RenditionStarted(Rendition rendition, VideoFormat format) { }

    /// <summary>A rung's encoder has given back <paramref name="frames"/> frames in all. Called from the rung's encoder loop.</summary>
    void FrameEncoded(string rendition, long frames) { }

    /// <summary>Every metric has published frame <paramref name="frame"/> of this rung and score-at mode into <paramref name="sheet"/>.</summary>
    void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet) { }
}

/// <summary>An observer that is not interested.</summary>
public sealed class NoLadderObserver : ILadderObserver
{
    public static NoLadderObserver Instance { get; } = new();
}
