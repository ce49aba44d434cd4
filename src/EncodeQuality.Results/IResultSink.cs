using EncodeQuality.Model;

namespace EncodeQuality.Results;

/// <summary>
/// Where a run's results go: the output files, a store, a progress display. A run reports its
/// events in this order: RunStarted, then RenditionStarted, FrameEncoded and FrameScored as the
/// rungs go (frames of one rung and mode in order; different rungs from different threads, at once), then
/// RenditionFinished for each, then either Prepare and Commit, or Abort.
/// Two phases make a run all-or-nothing: Prepare makes everything durable but not yet visible
/// (temporary files, an open transaction) and throws if it cannot; Commit makes it visible.
/// </summary>
public interface IResultSink
{
    /// <summary>
    /// An essential sink's failure fails the run and nothing is committed anywhere. A failure of
    /// one that is not (a store beside the files) is reported after the essential ones commit.
    /// </summary>
    bool Essential { get; }

    /// <summary>
    /// Whether Commit makes files final (renames them into place). Among essential sinks these
    /// commit last: a commit that can still be refused (a store's COMMIT, which a deferred
    /// constraint may fail) must not come after files that already look complete.
    /// </summary>
    bool MakesFilesFinal => false;

    /// <summary>A short name for messages: "files", "store sqlite:/data/eq.db".</summary>
    string Name { get; }

    void RunStarted(RunStart run) { }

    void RenditionStarted(string rendition, int width, int height) { }

    /// <summary>A rung has <paramref name="frames"/> frames encoded. Called from encoder threads.</summary>
    void FrameEncoded(string rendition, long frames) { }

    /// <summary>Frame <paramref name="frame"/> of a rung and mode has all its scores in <paramref name="sheet"/>. Called from scorer threads.</summary>
    void FrameScored(string rendition, ScoreAt mode, long frame, ScoreSheet sheet) { }

    void RenditionFinished(RenditionOutcome rendition) { }

    void Prepare(RunOutcome run);

    void Commit();

    /// <summary>The run failed or another sink could not prepare: leave nothing visible. Must not throw.</summary>
    void Abort(Exception cause);
}
