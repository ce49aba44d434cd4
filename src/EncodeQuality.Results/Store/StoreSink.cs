using System.Data.Common;
using Serilog;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Store;

/// <summary>
/// A store as a sink beside the files. For eq encode it is not essential: a store that is down or
/// refuses us must not cost the files, which can be loaded later with eq store import. For a farm
/// worker it is (<paramref name="essential"/>): a job is done only when its run is stored. The
/// schema is checked when the run starts (a store that is down is logged then, and tried again at
/// the end); the run is written in one transaction at Prepare. Not essential, it commits after the
/// files; essential, before them, so a COMMIT the database refuses leaves no final folder.
/// </summary>
public sealed class StoreSink(ResultStore store, ILogger log, bool essential = false) : IResultSink
{
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private bool _ready;

    public bool Essential => essential;
    public string Name => $"store {store.Location.Description}";

    public void RunStarted(RunStart run)
    {
        try
        {
            store.EnsureSchema();
            _ready = true;
        }
        catch (StoreException e)
        {
            log.Warning("{Error}; the run goes on and is stored at the end if the store is back", e.Message);
        }
    }

    public void Prepare(RunOutcome run)
    {
        if (!_ready) store.EnsureSchema();
        (_connection, _transaction) = store.Begin(run);
    }

    public void Commit()
    {
        store.Guard("commit the run", () => _transaction!.Commit());
        Close();
    }

    public void Abort(Exception cause)
    {
        try { _transaction?.Rollback(); }
        catch (Exception e) when (e is DbException or InvalidOperationException) { }
        Close();
    }

    private void Close()
    {
        _transaction?.Dispose();
        _connection?.Dispose();
        _transaction = null;
        _connection = null;
    }
}
