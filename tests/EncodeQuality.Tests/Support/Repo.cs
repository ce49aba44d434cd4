namespace EncodeQuality.Tests.Support;

/// <summary>Where things are: the checkout, ../shared beside it, a scratch folder per test.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Shared(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", relative));
        if (!File.Exists(path)) throw new FileNotFoundException($"shared data missing: {path} (see ../shared/README.md)");
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

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "EncodeQuality.sln"))) return d.FullName;
        throw new InvalidOperationException("EncodeQuality.sln not found above the test binaries");
    }
}
