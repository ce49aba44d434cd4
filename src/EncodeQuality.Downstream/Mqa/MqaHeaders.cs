namespace EncodeQuality.Downstream.Mqa;

/// <summary>A header record: the response it rides on (a segment index, or null for the trailing record) and its dictionary.</summary>
public sealed record MqaRecord(int? Carrier, string Dictionary)
{
    public const string FieldName = "CMSD-Static";

    /// <summary>The header line a packager adds to the carrier's response.</summary>
    public string Header => $"{FieldName}: {Dictionary}";
}

/// <summary>
/// CMSD-MQA data per segment as RFC 8941 dictionaries for the CMSD-Static header. Each segment's
/// figures are those a viewer sees (source-size scores when the run has them). With carry-next (low
/// latency, where headers leave before a segment is complete) segment N's values ride on segment
/// N+1's response, and the last segment's in a trailing record.
/// </summary>
public static class MqaHeaders
{
    public static StructuredFieldDictionary For(SegmentRecord s, MqaKeys keys)
    {
        var d = new StructuredFieldDictionary();
        void Dec(string field, double? value)
        {
            if (keys[field] is { } key && value is { } v) d.Decimal(key, v);
        }
        if (keys["segment"] is { } seg) d.Integer(seg, s.Index);
        Dec("mqa_video", s.MqaVideo);
        var vmaf = s.Metrics.GetValueOrDefault("vmaf");
        Dec("vmaf", vmaf?.Mean);
        Dec("vmaf_min", vmaf?.Min);
        Dec("vmaf_p5", vmaf?.P5);
        Dec("psnr", s.Metrics.GetValueOrDefault("psnr_y")?.Mean);
        Dec("ssim", s.Metrics.GetValueOrDefault("float_ssim")?.Mean);
        Dec("ms_ssim", s.Metrics.GetValueOrDefault("float_ms_ssim")?.Mean);
        Dec("cambi", s.Metrics.GetValueOrDefault("cambi")?.Mean);
        if (keys["errors"] is { } errors) d.Integer(errors, s.Errors);
        return d;
    }

    public static IReadOnlyList<MqaRecord> Records(IReadOnlyList<SegmentRecord> segments, MqaKeys keys, bool carryNext) =>
        [.. segments.Select((s, i) => new MqaRecord(carryNext ? (i + 1 < segments.Count ? segments[i + 1].Index : null) : s.Index, For(s, keys).ToString()))];
}
