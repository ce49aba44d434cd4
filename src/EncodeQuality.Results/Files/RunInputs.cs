using System.Runtime.InteropServices;

namespace EncodeQuality.Results.Files;

/// <summary>
/// The files a command reads (source, reference, ladder, model, a store, a playlist, the files of
/// a run folder it reads). No output may replace one of them: an output is the same file as an
/// input when both have the same device and inode, which also catches symbolic links, hard links
/// and a folder reached by two paths.
/// </summary>
public sealed partial class RunInputs
{
    private readonly List<(string Role, string Path, (ulong Dev, ulong Ino) Id)> _files = [];

    public static RunInputs None { get; } = new([]);

    /// <param name="files">(role, path) pairs; a null path or a path that is not an existing file is skipped.</param>
    public RunInputs(IEnumerable<(string Role, string? Path)> files)
    {
        foreach (var (role, path) in files)
            if (path is not null && IdentityOf(path) is { } id) _files.Add((role, path, id));
    }

    /// <summary>These inputs and one more.</summary>
    public RunInputs With(string role, string? path) =>
        new(_files.Select(f => (f.Role, (string?)f.Path)).Append((role, path)));

    /// <summary>
    /// These inputs and what a command reads at <paramref name="path"/>: a file, or every file of a
    /// folder (a run's folder, or a folder of them, two levels down); a path that does not exist
    /// (a stored run id) adds nothing.
    /// </summary>
    public RunInputs WithFileOrFolder(string role, string? path)
    {
        if (path is null || !Directory.Exists(path)) return With(role, path);
        var files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 })
            .Select(f => ($"{role}'s file", (string?)f));
        return new(_files.Select(f => (f.Role, (string?)f.Path)).Concat(files));
    }

    /// <summary>
    /// Refuses each file a command will write (option, path; null: not given) that is one of the
    /// inputs or cannot be written (<see cref="OutputFile.CheckWritable"/>).
    /// </summary>
    public void CheckOutputs(params (string Option, string? Path)[] outputs)
    {
        foreach (var (option, path) in outputs)
            if (path is not null)
            {
                CheckNotAnInput(path, option);
                OutputFile.CheckWritable(path, option);
            }
    }

    /// <summary>Refuses (input error, before any work) an output path that is one of the inputs.</summary>
    public void CheckNotAnInput(string output, string option)
    {
        if (InputAt(output) is { } input)
            throw new InputException($"{option}: writing {output} would replace the {input.Role} {input.Path}; choose another output or rename it");
    }

    /// <summary>True if the file at this path is one of the inputs.</summary>
    public bool IsInput(string path) => InputAt(path) is not null;

    private (string Role, string Path)? InputAt(string path)
    {
        if (_files.Count == 0 || IdentityOf(path) is not { } id) return null;
        foreach (var f in _files)
            if (f.Id == id) return (f.Role, f.Path);
        return null;
    }

    private static unsafe (ulong Dev, ulong Ino)? IdentityOf(string path)
    {
        // struct stat on 64-bit Linux (x86_64 and aarch64 alike) starts with st_dev and st_ino,
        // both 64-bit (<bits/struct_stat.h>); the buffer is larger than either struct.
        byte* buf = stackalloc byte[256];
        if (Stat(path, buf) != 0) return null;
        return (*(ulong*)buf, *(ulong*)(buf + 8));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buf);
}
