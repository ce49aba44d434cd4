using System.Data.Common;
using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Npgsql;
using EncodeQuality.Model;

namespace EncodeQuality.Results.Store;

/// <summary>
/// The results store on SQLite or PostgreSQL: one versioned schema (Schema/*.sql, applied by DbUp
/// and recorded in its journal table), runs written whole in one transaction, and the named
/// queries. Every database failure becomes a <see cref="StoreException"/> with one plain line.
/// </summary>
public sealed class ResultStore(StoreLocation location)
{
    public StoreLocation Location => location;

    /// <summary>The schema scripts this eq knows, in order: the dialect's own and the common ones, by number.</summary>
    private IReadOnlyList<SqlScript> Scripts()
    {
        var asm = typeof(ResultStore).Assembly;
        string dialect = location.IsPostgres ? ".Schema.postgres." : ".Schema.sqlite.";
        return [.. asm.GetManifestResourceNames()
            .Where(n => n.Contains(dialect) || n.Contains(".Schema.common."))
            .Select(n => new SqlScript(n[(n.LastIndexOf(".Schema.", StringComparison.Ordinal) + 8)..].Split('.', 2)[1], Read(asm, n)))
            .OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static string Read(Assembly asm, string name)
    {
        using var s = asm.GetManifestResourceStream(name)!;
        return new StreamReader(s).ReadToEnd();
    }

    /// <summary>Connects and brings the schema up to date; refuses a schema newer than this eq's.</summary>
    public void EnsureSchema()
    {
        var scripts = Scripts();
        var builder = location.IsPostgres
            ? DeployChanges.To.PostgresqlDatabase(location.ConnectionString)
            : DeployChanges.To.SqliteDatabase(location.ConnectionString);
        var engine = builder.WithScripts(scripts).WithTransactionPerScript().LogToNowhere().Build();
        Guard("open the store", () =>
        {
            // Workers of a farm start together: one upgrades the schema, the others wait for it
            // instead of failing on tables another has just created. On PostgreSQL a
            // transaction-level advisory lock, so it ends with the transaction, never lingers in a
            // pooled session; on SQLite a lock on the file's folder (FolderLock).
            using var sqliteLock = location.FilePath is { } file ? LockSchema(file) : null;
            using var held = location.IsPostgres ? Connect() : null;
            using var lockTx = held?.BeginTransaction();
            if (held is not null)
                using (var lockCmd = RunWriter.Command(held, lockTx, $"SELECT pg_advisory_xact_lock({SchemaLockKey})")) lockCmd.ExecuteNonQuery();
            var known = scripts.Select(s => s.Name).ToHashSet();
            var newer = engine.GetExecutedScripts().Where(s => !known.Contains(s)).ToList();
            if (newer.Count > 0)
                throw new StoreException($"store {location.Description} has a newer schema than this eq knows ({string.Join(", ", newer)}); use a newer eq");
            var result = engine.PerformUpgrade();
            if (!result.Successful) throw new StoreException($"store {location.Description}: schema upgrade failed: {OneLine(result.Error)}", result.Error);
        });
    }

    /// <summary>The PostgreSQL advisory lock taken while the schema is checked and upgraded (any fixed number; "EQSC").</summary>
    private const long SchemaLockKey = 0x45515343;

    /// <summary>SQLite's schema-upgrade lock: the database folder's, waited for up to 30 s.</summary>
    private static Files.FolderLock LockSchema(string databasePath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        try
        {
            return Files.FolderLock.Take(folder, TimeSpan.FromSeconds(30))
                ?? throw new StoreException($"store sqlite:{databasePath}: another eq held the schema lock for 30 s");
        }
        catch (IOException) { throw new StoreException($"store sqlite:{databasePath}: cannot open its folder to lock the schema"); }
    }

    public DbConnection Connect() => Guard("connect to the store", () =>
    {
        DbConnection c = location.IsPostgres ? new NpgsqlConnection(location.ConnectionString) : new SqliteConnection(location.ConnectionString);
        try { c.Open(); }
        catch
        {
            c.Dispose();
            throw;
        }
        return c;
    });

    /// <summary>Asks the store for nothing (SELECT 1), to learn whether it answers; a <see cref="StoreException"/> says why not.</summary>
    public void Ping()
    {
        using var c = Connect();
        Guard("answer a query", () =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT 1";
            cmd.ExecuteScalar();
        });
    }

    /// <summary>Writes a run whole in one transaction that the caller commits (two-phase with the files).</summary>
    public (DbConnection Connection, DbTransaction Transaction) Begin(RunOutcome run)
    {
        var c = Connect();
        try
        {
            var tx = Guard("begin a transaction", () => c.BeginTransaction());
            Guard("write the run", () => RunWriter.Write(c, tx, run, location.IsPostgres));
            return (c, tx);
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>Writes a run and commits it.</summary>
    public void Write(RunOutcome run)
    {
        var (c, tx) = Begin(run);
        using (c)
        using (tx) Guard("commit the run", () => tx.Commit());
    }

    /// <summary>Runs a database action; anything the driver throws becomes one plain line.</summary>
    public T Guard<T>(string what, Func<T> action)
    {
        try { return action(); }
        catch (StoreException) { throw; }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            throw new StoreException($"store {location.Description}: cannot {what}: {OneLine(e)}", e);
        }
    }

    public void Guard(string what, Action action) => Guard(what, () => { action(); return 0; });

    private static string OneLine(Exception? e)
    {
        // Npgsql wraps the socket error; the innermost message says what happened.
        while (e?.InnerException is not null && e is not PostgresException) e = e.InnerException;
        return (e?.Message ?? "unknown error").ReplaceLineEndings(" ");
    }

}
