namespace EncodeQuality.Vmaf.Model;

/// <summary>
/// Finds a model file. Order: an explicit path or name; VMAF_MODEL_PATH (a model file, used when no
/// model is named, or a folder to look in); models/ beside the program (the build and an installed
/// eq put the models eq ships there); /usr/share/vmaf/model and /usr/local/share/vmaf/model
/// (libvmaf installs). A name is tried as NAME and NAME.json in each folder. Nothing depends on
/// where the program runs from.
/// </summary>
public static class ModelLocator
{
    public const string DefaultName = "vmaf_v0.6.1";
    public const string PathVariable = "VMAF_MODEL_PATH";

    public static string Find(string? nameOrPath)
    {
        bool named = !string.IsNullOrWhiteSpace(nameOrPath);
        if (named && File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath!);
        string env = Environment.GetEnvironmentVariable(PathVariable) ?? "";
        if (!named && File.Exists(env)) return Path.GetFullPath(env);

        string request = named ? nameOrPath! : DefaultName;
        var looked = new List<string>();
        foreach (var dir in Folders(env))
            foreach (var candidate in new[] { Path.Combine(dir, request), Path.Combine(dir, request + ".json") })
            {
                looked.Add(candidate);
                if (File.Exists(candidate)) return Path.GetFullPath(candidate);
            }
        throw new FileNotFoundException($"VMAF model '{request}' not found; looked in: {request}, {string.Join(", ", looked.Distinct())}");
    }

    /// <summary>The model file <see cref="Find"/> would return, or null when there is none.</summary>
    public static string? TryFind(string? nameOrPath)
    {
        try { return Find(nameOrPath); }
        catch (FileNotFoundException) { return null; }
    }

    private static IEnumerable<string> Folders(string env)
    {
        if (Directory.Exists(env)) yield return env;
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        yield return "/usr/share/vmaf/model";
        yield return "/usr/local/share/vmaf/model";
    }
}
