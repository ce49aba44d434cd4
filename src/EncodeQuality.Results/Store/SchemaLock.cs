using System.Runtime.InteropServices;

namespace EncodeQuality.Results.Store;

/// <summary>
/// Serialises SQLite schema upgrades between processes, as PostgreSQL's advisory lock does: an
/// exclusive flock(2) on the database's folder, held while the schema is checked and upgraded.
/// The folder, not the file: SQLite's own locks are fcntl locks on the file, which any close of
/// that file in the process would drop. The kernel drops this one when the process dies.
/// </summary>
internal sealed partial class SchemaLock : IDisposable
{
    private readonly int _fd;

    private SchemaLock(int fd) => _fd = fd;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock on the folder of <paramref name="databasePath"/>.</summary>
    public static SchemaLock Take(string databasePath, TimeSpan timeout)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(databasePath))!;
        int fd = Open(folder, 0); // O_RDONLY
        if (fd < 0) throw new StoreException($"store sqlite:{databasePath}: cannot open its folder to lock the schema");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Flock(fd, LockExclusive | LockNonBlocking) != 0)
        {
            if (clock.Elapsed > timeout)
            {
                _ = Close(fd);
                throw new StoreException($"store sqlite:{databasePath}: another eq held the schema lock for {timeout.TotalSeconds:0} s");
            }
            Thread.Sleep(20);
        }
        return new SchemaLock(fd);
    }

    public void Dispose() => _ = Close(_fd); // closing the descriptor releases the lock

    private const int LockExclusive = 2, LockNonBlocking = 4; // <sys/file.h>

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock")]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
