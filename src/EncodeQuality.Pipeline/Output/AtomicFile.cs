namespace EncodeQuality.Pipeline.Output;

/// <summary>
/// Files are written under a temporary name beside their final one and renamed when complete,
/// so an interrupted run never leaves a file that looks finished.
/// </summary>
public static class AtomicFile
{
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $".{Path.GetFileName(finalPath)}.{Environment.ProcessId}.partial");

    public static void Write(string path, Action<Stream> write)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var s = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(s);
                s.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void Commit(string temp, string path) => File.Move(temp, path, overwrite: true);

    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
