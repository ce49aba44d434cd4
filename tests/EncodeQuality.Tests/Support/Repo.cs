using System.Reflection;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// Where things are: the checkout and the shared data (models, clips, reference scores), each
/// named explicitly: the shared folder by EQ_SHARED (scripts/test sets it), else the
/// ../shared beside the checkout the tests were built from; a scratch folder per test.
/// </summary>
public static class Repo
{
    public static string Root { get; } = Built("RepoRoot");

    public static string SharedDir { get; } = Environment.GetEnvironmentVariable("EQ_SHARED") is { Length: > 0 } dir
        ? Path.GetFullPath(dir) : Built("SharedDir");

    public static string Shared(string relative)
    {
        var path = Path.Combine(SharedDir, relative);
        if (!File.Exists(path)) throw new FileNotFoundException($"shared data missing: {path} (set EQ_SHARED; see ../shared/README.md)");
        return path;
    }

    public static string Media(string name) => Shared(Path.Combine("media", name));

    public static string Scratch(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "eq-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A path the test build recorded (EncodeQuality.Tests.csproj).</summary>
    private static string Built(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"the test build recorded no {key}");
}
