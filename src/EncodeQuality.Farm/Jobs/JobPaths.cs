using System.Runtime.InteropServices;

namespace EncodeQuality.Farm.Jobs;

/// <summary>
/// Keeps a job's files where the operator allows them: its output folder under the worker's
/// --out-root (a relative "out" is taken from there), its source under one of --source-root when
/// the operator gives any. Paths are compared after every symbolic link is resolved, so neither
/// ".." nor a link can lead a job outside. A job that asks for more is an input error.
/// </summary>
public static partial class JobPaths
{
    /// <summary>The job's output folder, or an input error naming why it is not allowed.</summary>
    public static string Out(string? requested, string jobId, string outRoot)
    {
        string root = Path.GetFullPath(outRoot);
        string target = requested is null ? Path.Combine(root, jobId) : Path.GetFullPath(requested, root);
        if (!Within(Resolved(target), Resolved(root)))
            throw new InputException($"out {requested}: outside the worker's --out-root {root}; a job writes only under it");
        return target;
    }

    /// <summary>Checks the source: an absolute path, and under one of <paramref name="sourceRoots"/> when there are any.</summary>
    public static void CheckSource(string source, IReadOnlyList<string> sourceRoots)
    {
        if (!Path.IsPathFullyQualified(source)) throw new InputException($"source {source}: not an absolute path (the job format asks for one)");
        if (sourceRoots.Count == 0) return;
        string resolved = Resolved(source);
        if (!sourceRoots.Any(r => Within(resolved, Resolved(Path.GetFullPath(r)))))
            throw new InputException($"source {source}: outside the worker's --source-root ({string.Join(", ", sourceRoots)})");
    }

    private static bool Within(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>
    /// The path with every symbolic link resolved (realpath(3)) as far as it exists; the part that
    /// does not exist yet is appended as written, after "." and ".." were taken out by GetFullPath.
    /// </summary>
    private static string Resolved(string fullPath)
    {
        string existing = fullPath, rest = "";
        while (!Path.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
            existing = parent;
        }
        nint p = RealPath(existing, 0);
        if (p == 0) return fullPath;
        try
        {
            string real = Marshal.PtrToStringUTF8(p)!;
            return rest.Length == 0 ? real : Path.Combine(real, rest);
        }
        finally { Free(p); }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint p);
}
