namespace EncodeQuality.Downstream.Qoe;

/// <summary>
/// The worked example: a 100-second program of ten 10-second segments, played by three viewers from a
/// ladder whose rungs have a fixed VMAF. A plays the top rung (96) with ABR drops to 80 and two 1 s
/// stalls; B plays 88 throughout; C plays 72 throughout. With q = VMAF/20 and μ = 4.3 the ABR objective
/// is 32.2, 44.0 and 36.0 and the played VMAF 91.2, 88.0 and 72.0. A's data has three drops and six
/// switches (its prose says "dropped six times").
/// </summary>
public static class DemoSessions
{
    public static FixedQuality Ladder { get; } = new(new Dictionary<string, (double, int, int, double)>
    {
        ["vmaf96"] = (96, 1920, 1080, 6000),
        ["vmaf88"] = (88, 1280, 720, 3000),
        ["vmaf80"] = (80, 960, 540, 1800),
        ["vmaf72"] = (72, 640, 360, 800),
    });

    public static IReadOnlyList<Session> Sessions { get; } =
    [
        Play("A", [96, 96, 80, 96, 80, 96, 96, 80, 96, 96], stallBefore: [2, 7]),
        Play("B", [88, 88, 88, 88, 88, 88, 88, 88, 88, 88], stallBefore: []),
        Play("C", [72, 72, 72, 72, 72, 72, 72, 72, 72, 72], stallBefore: []),
    ];

    /// <summary>Ten 10 s segments of the given rungs, a 1 s stall before the segments listed (0-based), 1 s startup, a 1080p player.</summary>
    private static Session Play(string id, int[] vmaf, int[] stallBefore) => new(id, 1000, null, 1920, 1080,
        [.. vmaf.Select((v, n) => new PlayedSegment($"vmaf{v}", n * 10, 10, stallBefore.Contains(n) ? 1 : 0))], SessionEnd.Completed);
}
