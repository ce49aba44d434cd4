using NJsonSchema;

namespace EncodeQuality.Tests.Support;

/// <summary>
/// docs/summary.schema.json, the published form of summary.json: every summary the tests make
/// (through <see cref="Harness.Encode"/> and <see cref="EqProcess"/>) is validated against it.
/// </summary>
public static class SummarySchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(Repo.Root, "docs", "summary.schema.json")).GetAwaiter().GetResult());

    /// <summary>What the schema finds wrong with a summary's text; empty when it conforms.</summary>
    public static IReadOnlyList<string> Errors(string json) =>
        [.. Schema.Value.Validate(json).Select(e => $"{e.Path}: {e.Kind}")];

    /// <summary>Validates OUT/summary.json when the folder has one.</summary>
    public static void CheckFolder(string dir)
    {
        string path = Path.Combine(dir, "summary.json");
        if (!File.Exists(path)) return;
        var errors = Errors(File.ReadAllText(path));
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"{path} does not match docs/summary.schema.json: {string.Join("; ", errors)}");
    }
}
