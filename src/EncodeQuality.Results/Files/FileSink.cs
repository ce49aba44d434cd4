using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// The output files of eq encode as a sink: NAME.mp4 (written by the pipeline under a temporary
/// name), NAME.scores.json and NAME.source-scores.json, and summary.json, all committed together
/// by the <see cref="OutputFolder"/>; with segments, NAME.segments.json too.
/// </summary>
public sealed class FileSink(OutputFolder folder, string container, ScoreAt scoreAt, bool segments = false) : IResultSink
{
    private readonly List<(string Temp, string Name)> _files = [];
    private readonly List<string> _media = [];
    private string? _summaryTemp;

    public bool Essential => true;
    public bool MakesFilesFinal => true;
    public string Name => "files";
    public OutputFolder Folder => folder;

    public static string MediaName(string rendition, string container) => $"{rendition}.{container}";

    public static string SegmentsName(string rendition) => $"{rendition}.segments.json";

    public static string ScoreLogName(string rendition, ScoreAt mode) =>
        mode == ScoreAt.Source ? $"{rendition}.source-scores.json" : $"{rendition}.scores.json";

    /// <summary>
    /// Where the pipeline writes a rung's media until the run commits. Asked before the rung's
    /// encoder opens, so a rung whose files would replace an input is refused before any work.
    /// </summary>
    public string MediaTemp(string rendition)
    {
        folder.Reserve(MediaName(rendition, container));
        foreach (var mode in (ScoreAt[])[ScoreAt.Encode, ScoreAt.Source])
            if (scoreAt.HasFlag(mode)) folder.Reserve(ScoreLogName(rendition, mode));
        if (segments) folder.Reserve(SegmentsName(rendition));
        string temp = folder.TempPathFor(MediaName(rendition, container));
        lock (_media) _media.Add(temp);
        return temp;
    }

    public void Prepare(RunOutcome run)
    {
        foreach (var r in run.Renditions)
        {
            _files.Add((r.MediaTemp ?? throw new InvalidOperationException($"rendition '{r.Facts.Name}' has no media"), r.Facts.File));
            foreach (var set in r.Scores)
            {
                string name = ScoreLogName(r.Facts.Name, set.Mode);
                string temp = folder.TempPathFor(name);
                _files.Add((temp, name));
                ScoreLogWriter.Write(temp, run.Run, set, r.Facts.ScoreFps, r.Facts);
            }
            if (r.Segments is not null)
            {
                string name = SegmentsName(r.Facts.Name);
                string temp = folder.TempPathFor(name);
                _files.Add((temp, name));
                SegmentsWriter.Write(temp, r.Segments);
            }
        }
        _summaryTemp = folder.TempPathFor(OutputFolder.SummaryName);
        SummaryWriter.Write(_summaryTemp, run, Files);
    }

    /// <summary>The role of a rendition's score log at a mode in summary.json's "files" (and the key of its pooled scores there).</summary>
    public static string ScoresRole(ScoreAt mode) => mode == ScoreAt.Source ? "source_scores" : "scores";

    /// <summary>A rendition's files by role, as summary.json lists them.</summary>
    public static IReadOnlyDictionary<string, string> Files(RenditionOutcome r)
    {
        var files = new Dictionary<string, string> { ["media"] = r.Facts.File };
        foreach (var set in r.Scores) files[ScoresRole(set.Mode)] = ScoreLogName(r.Facts.Name, set.Mode);
        if (r.Segments is not null) files["segments"] = SegmentsName(r.Facts.Name);
        return files;
    }

    public void Commit() => folder.Commit(_files, _summaryTemp!);

    public void Abort(Exception cause)
    {
        foreach (var (temp, _) in _files) OutputFolder.TryDelete(temp);
        lock (_media)
            foreach (var temp in _media) OutputFolder.TryDelete(temp);
        if (_summaryTemp is not null) OutputFolder.TryDelete(_summaryTemp);
    }
}
