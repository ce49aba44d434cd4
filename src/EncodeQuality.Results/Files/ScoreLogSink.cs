using EncodeQuality.Pipeline;

namespace EncodeQuality.Results.Files;

/// <summary>
/// eq score's --json file as a sink: the one comparison's log, written under a temporary name
/// beside the target and renamed when the run commits. That it can be written is checked when the
/// sink is made, before any decoding.
/// </summary>
public sealed class ScoreLogSink : IResultSink
{
    private readonly string _path;
    private readonly string _temp;

    public ScoreLogSink(string path, RunInputs inputs)
    {
        inputs.CheckOutputs(("--json", path));
        _path = Path.GetFullPath(path);
        _temp = OutputFolder.TempPathBeside(_path);
    }

    public bool Essential => true;
    public bool MakesFilesFinal => true;
    public string Name => "score log";

    public void Prepare(RunOutcome run)
    {
        var r = run.Renditions.Single();
        ScoreLogWriter.Write(_temp, r.Scores.Single(), r.Facts.ScoreFps, null);
    }

    public void Commit() => File.Move(_temp, _path, overwrite: true);

    public void Abort(Exception cause) => OutputFolder.TryDelete(_temp);
}
