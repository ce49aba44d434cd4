namespace EncodeQuality;

/// <summary>A problem with what the user gave (file, ladder, options): exit code 1, one line.</summary>
public class InputException(string message) : Exception(message);

/// <summary>Checks on the files a command is given, made before any work.</summary>
public static class InputFile
{
    /// <summary>A missing or empty file is reported before FFmpeg sees it, in plain words.</summary>
    public static void Check(string path, string what)
    {
        if (Directory.Exists(path)) throw new InputException($"{what} {path}: this is a folder, not a video file");
        if (!File.Exists(path)) throw new InputException($"{what} {path}: no such file");
        if (new FileInfo(path).Length == 0) throw new InputException($"{what} {path}: the file is empty");
    }
}
