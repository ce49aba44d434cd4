namespace EncodeQuality.Downstream.Qoe.Models;

/// <summary>The session MOS (1-5) and the three effects it is built from.</summary>
public sealed record P1203StyleScore(double Mos, double Picture, double StallFactor, double SwitchFactor);

/// <summary>
/// An illustrative session MOS with the structure of ITU-T P.1203's session integration (picture
/// quality over time, stalling, quality switches, recency), in a simple form of our own. It is NOT
/// P.1203: none of the standard's equations or coefficients are used (its reference code is licensed
/// for research only), and its values are not comparable with a P.1203 implementation.
/// 1. Picture: each segment's VMAF mapped linearly to 1-5, m = 1 + 4 · VMAF / 100.
/// 2. Recency: a moment at played time t of T weighs 1 + t / T, so the last second counts twice the
///    first; the picture term is the weighted mean of m.
/// 3. Stalling: S = e^(−(0.1 · N + 0.02 · L)), N the stalls and L their seconds, each weighted by the
///    recency of the moment it happened.
/// 4. Switching: W = e^(−0.03 · Σ |mₙ₊₁ − mₙ|).
/// MOS = 1 + (picture − 1) · S · W.
/// </summary>
public static class P1203StyleMos
{
    public const string Label = "P.1203-style session MOS: an illustrative approximation of our own, not ITU-T P.1203";

    public static double Mos(double vmaf) => 1 + 4 * Math.Clamp(vmaf, 0, 100) / 100;

    public static P1203StyleScore? Of(PlayedSession session)
    {
        if (!session.Session.Started) return null;
        double total = session.Session.PlayedSeconds, t = 0, weighted = 0, weights = 0, stalls = 0, stallSeconds = 0, steps = 0;
        double? previous = null;
        foreach (var s in session.Stretches)
        {
            double m = Mos(s.Vmaf), d = s.Segment.Seconds;
            // ∫ from t to t + d of (1 + x / T) dx
            double w = d * (1 + (2 * t + d) / (2 * total));
            weighted += w * m;
            weights += w;
            if (s.Segment.StallSeconds > 0)
            {
                double recency = 1 + t / total;
                stalls += recency;
                stallSeconds += recency * s.Segment.StallSeconds;
            }
            if (previous is { } p) steps += Math.Abs(m - p);
            previous = m;
            t += d;
        }
        double picture = weighted / weights;
        double stallFactor = Math.Exp(-(0.1 * stalls + 0.02 * stallSeconds)), switchFactor = Math.Exp(-0.03 * steps);
        return new P1203StyleScore(1 + (picture - 1) * stallFactor * switchFactor, picture, stallFactor, switchFactor);
    }
}
