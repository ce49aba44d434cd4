using Microsoft.Data.Sqlite;
using Npgsql;

namespace EncodeQuality.Results.Store;

/// <summary>
/// Where a store is, from --store: a postgres:// (or postgresql://) URL or an Npgsql connection
/// string ("Host=...;Database=...") is PostgreSQL; anything else is the path of an SQLite file.
/// A malformed value is an input error, found before any work.
/// </summary>
public sealed record StoreLocation(bool IsPostgres, string ConnectionString, string Description)
{
    /// <summary>Never the connection string: it may hold a password. Messages name a store by its description.</summary>
    public override string ToString() => Description;

    /// <summary>
    /// --store as a user typed it, less any password: a postgres:// URL keeps its user, host, port,
    /// database and parameters; a connection string loses its Password. For hints a user reruns
    /// (the password then comes from PGPASSWORD or ~/.pgpass, which Npgsql reads).
    /// </summary>
    public static string WithoutPassword(string spec)
    {
        try
        {
            if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                var uri = new Uri(spec);
                if (!uri.UserInfo.Contains(':')) return spec;
                return new UriBuilder(uri) { Password = "" }.Uri.AbsoluteUri.Replace(":@", "@", StringComparison.Ordinal);
            }
            if (LooksLikeConnectionString(spec))
            {
                var b = new NpgsqlConnectionStringBuilder(spec);
                if (b.Password is null) return spec;
                b.Password = null;
                return b.ConnectionString;
            }
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException or KeyNotFoundException) { }
        return spec;
    }

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? FilePath => IsPostgres ? null : new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    public static StoreLocation Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new InputException("--store: give an SQLite file path or a postgres:// URL");
        if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return FromUrl(spec);
        if (LooksLikeConnectionString(spec))
        {
            try
            {
                var b = new NpgsqlConnectionStringBuilder(spec);
                if (string.IsNullOrEmpty(b.Host)) throw new ArgumentException("no Host");
                return Postgres(b);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new InputException($"--store: not a valid PostgreSQL connection string ({e.Message})");
            }
        }
        string path = Path.GetFullPath(spec);
        if (Directory.Exists(path)) throw new InputException($"--store {spec}: this is a folder; give the path of an SQLite file");
        if (!IsSqliteOrEmpty(path)) throw new InputException($"--store {spec}: this file is not an SQLite database");
        if (!Directory.Exists(Path.GetDirectoryName(path))) throw new InputException($"--store {spec}: the folder {Path.GetDirectoryName(path)} does not exist");
        var s = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, ForeignKeys = true, DefaultTimeout = 30 };
        return new StoreLocation(false, s.ConnectionString, $"sqlite:{path}");
    }

    // By form, not by substring: "key=value" pairs separated by ';', one of them Host (or Server).
    // A path such as st/ghost=1/s.db is a file.
    private static bool LooksLikeConnectionString(string spec) =>
        spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is var pairs && pairs.Length > 0
        && pairs.All(p => p.IndexOf('=') > 0 && !p[..p.IndexOf('=')].Contains('/'))
        && pairs.Any(p => p[..p.IndexOf('=')].Trim() is var k && (k.Equals("host", StringComparison.OrdinalIgnoreCase) || k.Equals("server", StringComparison.OrdinalIgnoreCase)));

    /// <summary>A file that does not exist yet, is empty (SQLite makes a new database of it), or starts with SQLite's header.</summary>
    private static bool IsSqliteOrEmpty(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (f.Length == 0) return true;
            Span<byte> head = stackalloc byte[16];
            return f.ReadAtLeast(head, 16, throwOnEndOfStream: false) == 16 && head.SequenceEqual("SQLite format 3\0"u8);
        }
        catch (FileNotFoundException) { return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; } // the store reports what it cannot open
    }

    /// <summary>
    /// The store a reading command (query, report, compare, qoe) names: an SQLite file must exist
    /// (opening a mistyped path would make an empty store and answer with nothing).
    /// </summary>
    public static StoreLocation ParseExisting(string spec)
    {
        var location = Parse(spec);
        if (location.FilePath is { } file && !File.Exists(file)) throw new InputException($"--store {spec}: no such store");
        return location;
    }

    private static StoreLocation FromUrl(string spec)
    {
        try
        {
            var uri = new Uri(spec);
            if (string.IsNullOrEmpty(uri.Host)) throw new UriFormatException("no host");
            var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
            if (uri.Port > 0) b.Port = uri.Port;
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                b.Username = Uri.UnescapeDataString(parts[0]);
                if (parts.Length == 2) b.Password = Uri.UnescapeDataString(parts[1]);
            }
            string db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            if (db.Length > 0) b.Database = db;
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                b[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            }
            return Postgres(b);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new InputException($"--store: not a valid postgres:// URL ({e.Message})");
        }
    }

    private static StoreLocation Postgres(NpgsqlConnectionStringBuilder b)
    {
        // A farm's store that does not answer should fail the store write in seconds, not stall the worker.
        if (b.Timeout == 15) b.Timeout = 10;
        return new StoreLocation(true, b.ConnectionString, $"postgres://{b.Host}:{b.Port}/{b.Database ?? b.Username}");
    }
}
