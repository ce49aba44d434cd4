using System.Reflection;

namespace EncodeQuality.Model;

/// <summary>This build of eq, as runs, logs and stores name it.</summary>
public static class EqBuild
{
    /// <summary>The informational version the build stamps on every assembly of the product.</summary>
    public static string Version { get; } =
        typeof(EqBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
