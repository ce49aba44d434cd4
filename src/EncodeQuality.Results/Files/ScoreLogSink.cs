using EncodeQuality.Model;

namespace EncodeQuality.Results.Files;

/// <summary>
/// eq score's --json file (or one of --json-dir's) as a sink: one comparison's log, written under a temporary name
/// beside the target and renamed when the run commits. That it can be written is checked when the
/// sink is made, before any decoding.
/// </summary>
public sealed class ScoreLogSink : IResultSink
{
    private readonly string _path;
    private readonly string _temp;

    private readonly string? _rendition;

    /// <param name="rendition">The rendition (distorted file name) whose scores this log holds; null: the run's only one.</param>
    public ScoreLogSink(string path, RunInputs inputs, string? rendition = null)
    {
        _rendition = rendition;
        inputs.CheckOutputs((rendition is null ? "--json" : "--json-dir", path));
        _path = Path.GetFullPath(path);
        _temp = OutputFolder.TempPathBeside(_path);
    }

    public bool Essential => true;
    public bool MakesFilesFinal => true;
    public string Name => "score log";

    public void Prepare(RunOutcome run)
    {
        var r = _rendition is null ? run.Renditions.Single() : run.Renditions.Single(x => x.Facts.Name == _rendition);
        ScoreLogWriter.Write(_temp, run.Run, r.Scores.Single(), r.Facts.ScoreFps, null);
    }

    public void Commit() => File.Move(_temp, _path, overwrite: true);

    public void Abort(Exception cause) => OutputFolder.TryDelete(_temp);
}
