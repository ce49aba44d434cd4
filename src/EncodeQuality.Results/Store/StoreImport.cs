using EncodeQuality.Results.Files;

namespace EncodeQuality.Results.Store;

/// <summary>
/// eq store import DIR: loads a committed output folder (summary.json and its score logs) into a
/// store, as the run would have written it. The run keeps its id, so importing twice replaces it.
/// </summary>
public static class StoreImport
{
    public static RunOutcome Import(ResultStore store, string dir)
    {
        var run = SummaryReader.Read(dir);
        store.EnsureSchema();
        store.Write(run);
        return run;
    }
}
