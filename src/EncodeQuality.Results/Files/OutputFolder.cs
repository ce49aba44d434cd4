using System.Runtime.InteropServices;
using Serilog;

namespace EncodeQuality.Results.Files;

/// <summary>
/// An output folder held by one run. Opening it takes an exclusive lock (a second run into the
/// same folder fails at once) and removes the temporary files of runs that died. A run writes
/// every file under a temporary name (<see cref="TempPathFor"/>) and <see cref="Commit"/> renames
/// them into place together, summary.json last: a run is complete if and only if its summary.json
/// exists.
/// </summary>
public sealed partial class OutputFolder : IDisposable
{
    public const string SummaryName = "summary.json";
    private const string TempSuffix = ".partial";

    private readonly FolderLock _lock;
    private readonly ILogger _log;
    private readonly RunInputs _inputs;

    private OutputFolder(string path, FolderLock held, RunInputs inputs, ILogger log)
    {
        FullPath = path;
        _lock = held;
        _inputs = inputs;
        _log = log;
    }

    public string FullPath { get; }

    /// <summary>
    /// Creates the folder if needed and locks it; every refusal is an input error with one plain
    /// line. No file of the run may replace one of <paramref name="inputs"/> (<see cref="Reserve"/>).
    /// A farm job's run (<paramref name="jobId"/>) takes only a folder that is empty of committed
    /// runs or holds its own job's (a retry): two jobs given the same folder must not replace each
    /// other's files.
    /// </summary>
    public static OutputFolder Open(string path, RunInputs inputs, ILogger log, string? jobId = null)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new OutputFolderException($"--out {path}: this is a file, not a folder");
        try { Directory.CreateDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFolderException($"--out {path}: cannot create the folder ({e.Message})");
        }
        if (Access(full, WriteAndSearch) != 0) throw new OutputFolderException($"--out {path}: this folder is not writable");
        // access(2) passes root where a file still cannot be made (/proc, a read-only bind): try one.
        if (OutputFile.CannotCreate(Path.Combine(full, SummaryName)) is { } why)
            throw new OutputFolderException($"--out {path}: cannot write in this folder ({why})");
        FolderLock? held;
        try { held = FolderLock.TryTake(full); }
        catch (IOException) { throw new OutputFolderException($"--out {path}: cannot open the folder"); }
        if (held is null) throw new OutputFolderHeldException($"--out {path}: another eq run is writing to this folder");
        var folder = new OutputFolder(full, held, inputs, log);
        if (jobId is not null && SummaryReader.TryOwner(folder.PathFor(SummaryName)) is { } owner && owner.JobId != jobId)
        {
            folder.Dispose();
            throw new InputException($"--out {path}: the folder holds the committed run {owner.RunId} of " +
                (owner.JobId is null ? "a run without a job id" : $"job {owner.JobId}") + $", not of job {jobId}; give each job its own folder");
        }
        folder.Reserve(SummaryName);
        folder.RemoveStale();
        return folder;
    }

    /// <summary>Whether a live run holds the folder's lock now (false when the folder does not exist or is free).</summary>
    public static bool IsHeld(string path) => FolderLock.IsHeld(Path.GetFullPath(path));

    /// <summary>
    /// Refuses, as an input error before any work, a final file name that would replace one of
    /// the run's inputs, or whose temporary name is too long for this folder's file system.
    /// </summary>
    public void Reserve(string fileName)
    {
        _inputs.CheckNotAnInput(PathFor(fileName), "--out");
        string temp = Path.GetFileName(TempPathFor(fileName));
        long max = Fpathconf(_lock.Descriptor, NameMax);
        if (max > 0 && System.Text.Encoding.UTF8.GetByteCount(temp) > max)
            throw new InputException($"--out {FullPath}: the file name {fileName} is too long for this file system (at most {max} bytes with its temporary prefix and suffix)");
    }

    /// <summary>The temporary name a file of this run has until it is committed.</summary>
    public string TempPathFor(string fileName) => TempPathBeside(Path.Combine(FullPath, fileName));

    /// <summary>The temporary name of any file of a run: hidden, beside it, with the process id.</summary>
    public static string TempPathBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}{TempSuffix}");

    public string PathFor(string fileName) => Path.Combine(FullPath, fileName);

    /// <summary>We hold the lock, so every temporary file here belongs to a run that did not finish.</summary>
    private void RemoveStale()
    {
        foreach (var f in Directory.EnumerateFiles(FullPath, "." + "*" + TempSuffix))
        {
            TryDelete(f);
            _log.Warning("Removed {File}, left by a run that did not finish", Path.GetFileName(f));
        }
    }

    /// <summary>
    /// Makes a run's files final: every file is flushed to disk, the previous run's summary.json
    /// is removed (that run is no longer complete), the files are renamed into place, files the
    /// previous run listed and this one does not are removed, and this run's summary goes last.
    /// If a rename fails, the files of this run already renamed are removed again.
    /// </summary>
    public void Commit(IReadOnlyList<(string Temp, string Name)> files, string summaryTemp)
    {
        foreach (var (temp, _) in files) FlushToDisk(temp);
        FlushToDisk(summaryTemp);
        string summary = PathFor(SummaryName);
        var previous = SummaryReader.TryListFiles(summary);
        if (File.Exists(summary)) File.Delete(summary);
        var renamed = new List<string>();
        try
        {
            foreach (var (temp, name) in files)
            {
                File.Move(temp, PathFor(name), overwrite: true);
                renamed.Add(PathFor(name));
            }
        }
        catch
        {
            foreach (var f in renamed) TryDelete(f);
            foreach (var (temp, _) in files) TryDelete(temp);
            TryDelete(summaryTemp);
            throw;
        }
        foreach (var name in previous.Except(files.Select(f => f.Name)))
        {
            // The previous run's file may since have become this run's source: it stays.
            if (_inputs.IsInput(PathFor(name))) continue;
            TryDelete(PathFor(name));
            _log.Information("Removed {File} of the previous run in this folder", name);
        }
        File.Move(summaryTemp, summary, overwrite: true);
        FlushDirectory();
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void FlushToDisk(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        f.Flush(flushToDisk: true);
    }

    /// <summary>fsync on the folder makes the renames durable; .NET cannot open a directory, so libc does.</summary>
    private void FlushDirectory() => _ = Fsync(_lock.Descriptor);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    private const int NameMax = 3; // _PC_NAME_MAX, <bits/confname.h>
    private const int WriteAndSearch = 2 | 1; // W_OK | X_OK, <unistd.h>

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "fpathconf")]
    private static partial long Fpathconf(int fd, int name);

    public void Dispose() => _lock.Dispose();
}

/// <summary>
/// The output folder cannot be used (not creatable, not writable, held by another run): an input
/// error for one command, shared-storage trouble that a retry may outlive for a farm worker.
/// </summary>
public class OutputFolderException(string message) : InputException(message);

/// <summary>A live run holds the folder's lock now (a farm worker asks whether that run is a copy of its own job).</summary>
public sealed class OutputFolderHeldException(string message) : OutputFolderException(message);
