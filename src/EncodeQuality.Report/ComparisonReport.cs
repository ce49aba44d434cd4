using EncodeQuality.Decisions.Compare;

namespace EncodeQuality.Report;

/// <summary>
/// The report of an eq compare: both rate-quality curves, BD-rate and BD-VMAF, the per-rung deltas,
/// and the sources of a corpus. The page draws the same JSON that eq compare --json writes.
/// </summary>
public static class ComparisonReport
{
    public static void Write(ComparisonResult c, string path) =>
        ReportPage.Write(path, c.Sources.Count == 1 ? $"EncodeQuality: {c.Sources[0].Base.Label} against {c.Sources[0].New.Label}"
            : $"EncodeQuality: {c.Sources.Count} sources compared", ComparisonJson.ToJson(c));

    /// <summary>A page from what eq compare --json wrote; anything else is an input error.</summary>
    public static void WriteJson(string json, string origin, string path)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("kind", out var kind) || kind.GetString() != "comparison" || !doc.RootElement.TryGetProperty("sources", out _))
                throw new InputException($"{origin}: not a comparison written by eq compare --json (for a run, give its output folder)");
            // Re-serialised compact, with '<' escaped, so the data cannot end its script element.
            ReportPage.Write(path, $"EncodeQuality: comparison {Path.GetFileName(origin)}", System.Text.Json.JsonSerializer.Serialize(doc.RootElement));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InputException($"{origin}: not valid JSON ({e.Message.Split('.')[0]})");
        }
    }
}
