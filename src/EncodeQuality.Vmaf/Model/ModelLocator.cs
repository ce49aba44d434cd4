namespace EncodeQuality.Vmaf.Model;

/// <summary>
/// Finds a model file. Order: an explicit path or name; VMAF_MODEL_PATH (a file, or a folder);
/// ../shared/vmaf-models beside the checkout; /usr/share/vmaf/model and
/// /usr/local/share/vmaf/model (libvmaf installs). A name is tried as NAME and NAME.json.
/// </summary>
public static class ModelLocator
{
    public const string DefaultName = "vmaf_v0.6.1";

    public static string Find(string? nameOrPath)
    {
        string request = string.IsNullOrWhiteSpace(nameOrPath) ? DefaultName : nameOrPath;
        if (File.Exists(request)) return Path.GetFullPath(request);
        var looked = new List<string>();
        foreach (var dir in Folders())
        {
            foreach (var candidate in new[] { Path.Combine(dir, request), Path.Combine(dir, request + ".json") })
            {
                looked.Add(candidate);
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
        }
        string env = Environment.GetEnvironmentVariable("VMAF_MODEL_PATH") ?? "";
        if (File.Exists(env) && string.IsNullOrWhiteSpace(nameOrPath)) return Path.GetFullPath(env);
        throw new FileNotFoundException($"VMAF model '{request}' not found; looked in: {request}, {string.Join(", ", looked.Distinct())}");
    }

    private static IEnumerable<string> Folders()
    {
        var env = Environment.GetEnvironmentVariable("VMAF_MODEL_PATH");
        if (!string.IsNullOrWhiteSpace(env)) yield return Directory.Exists(env) ? env : Path.GetDirectoryName(Path.GetFullPath(env))!;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "EncodeQuality.sln")))
                {
                    yield return Path.GetFullPath(Path.Combine(d.FullName, "..", "shared", "vmaf-models"));
                    break;
                }
        yield return "/usr/share/vmaf/model";
        yield return "/usr/local/share/vmaf/model";
    }
}
