
namespace EncodeQuality.Results.Files;

/// <summary>
/// A single file a command writes (a score log, a report, a comparison, a playlist), checked
/// before any work so that what would fail at the end fails at the start, naming the user's path:
/// it is not a folder, its folder exists, and that folder takes a new file. The last is tried for
/// real, by creating and removing the hidden temporary name the file is later written under: a
/// read-only mount, a folder this user may not write, /proc and /sys all refuse it there, and
/// root passes access(2) checks it would fail here.
/// </summary>
public static class OutputFile
{
    /// <summary>Input error (exit 1) naming <paramref name="path"/> when it cannot be written.</summary>
    public static void CheckWritable(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new InputException($"{option} {path}: this is a folder; give the file's path");
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new InputException($"{option} {path}: the folder {folder} does not exist");
        if (CannotCreate(full) is { } why) throw new InputException($"{option} {path}: cannot be written in {folder} ({why})");
    }

    /// <summary>Why a file cannot be created at this full path's hidden temporary name, or null (the trial file is removed).</summary>
    internal static string? CannotCreate(string full)
    {
        string temp = OutputFolder.TempPathBeside(full);
        try
        {
            using (new FileStream(temp, FileMode.Create, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Reason(e, temp, full);
        }
        OutputFolder.TryDelete(temp);
        return null;
    }

    // The runtime's messages name the temporary file, which the user never gave.
    private static string Reason(Exception e, string temp, string full) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "the folder takes no new files",
        _ => e.Message.Replace(temp, full, StringComparison.Ordinal),
    };
}
