using System.Runtime.InteropServices;

namespace EncodeQuality.Results.Files;

/// <summary>
/// An exclusive flock(2) on a folder, held until disposed: a run's lock on its output folder, and
/// SQLite's schema-upgrade lock on the database's folder. The folder itself is locked, so there is
/// no lock file to leave behind or to race on, and the kernel drops the lock when the process dies,
/// however it dies. (A folder rather than a file also keeps clear of SQLite's own fcntl locks,
/// which any close of the database file in the process would drop.)
/// </summary>
internal sealed partial class FolderLock : IDisposable
{
    private FolderLock(int fd) => Descriptor = fd;

    /// <summary>The folder's open descriptor (read-only), for calls on the folder itself (fsync, fpathconf).</summary>
    public int Descriptor { get; }

    /// <summary>The lock if it is free now, null if a live process holds it; throws <see cref="IOException"/> when the folder cannot be opened.</summary>
    public static FolderLock? TryTake(string folder)
    {
        int fd = OpenFolder(folder);
        if (Flock(fd, LockExclusive | LockNonBlocking) == 0) return new FolderLock(fd);
        _ = Close(fd);
        return null;
    }

    /// <summary>The lock, waiting up to <paramref name="timeout"/> for it; null when it stayed held.</summary>
    public static FolderLock? Take(string folder, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (TryTake(folder) is { } held) return held;
            if (clock.Elapsed > timeout) return null;
            Thread.Sleep(20);
        }
    }

    /// <summary>Whether a live process holds the folder's lock now (false when the folder does not exist or is free).</summary>
    public static bool IsHeld(string folder)
    {
        int fd = Open(folder, 0);
        if (fd < 0) return false;
        try
        {
            if (Flock(fd, LockExclusive | LockNonBlocking) != 0) return true;
            _ = Flock(fd, LockUnlock);
            return false;
        }
        finally { _ = Close(fd); }
    }

    public void Dispose() => _ = Close(Descriptor); // closing the descriptor releases the lock

    private static int OpenFolder(string folder)
    {
        int fd = Open(folder, 0); // O_RDONLY
        return fd >= 0 ? fd : throw new IOException($"cannot open the folder {folder}");
    }

    private const int LockExclusive = 2, LockNonBlocking = 4, LockUnlock = 8; // <sys/file.h>

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock")]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
