namespace EncodeQuality.Downstream.Qoe.Models;

/// <summary>q(R) = VMAF / QScale; Mu weighs a second of rebuffering against one unit of q.</summary>
public sealed record AbrObjectiveOptions(double Mu = 4.3, double QScale = 20);

/// <summary>The objective and its three terms; a switch is any change of q, a drop a change down.</summary>
public sealed record AbrObjectiveScore(double Qoe, double Picture, double Stalls, double Switches, int SwitchCount, int Drops);

/// <summary>
/// The linear QoE objective that MPC (Yin et al., SIGCOMM 2015) and Pensieve (Mao et al., SIGCOMM 2017)
/// optimise: QoE = Σ q(Rₙ) − μ·Σ Tₙ − Σ |q(Rₙ₊₁) − q(Rₙ)| over the played segments, Tₙ the stall
/// before segment n. Here q is the segment's measured VMAF scaled, not a bitrate. Startup delay is not
/// a term (it is reported by the other models).
/// </summary>
public static class AbrObjective
{
    public static AbrObjectiveScore? Of(PlayedSession session, AbrObjectiveOptions options)
    {
        if (!session.Session.Started) return null;
        var q = session.Stretches.Select(s => s.Vmaf / options.QScale).ToList();
        double picture = q.Sum();
        double stalls = options.Mu * session.Session.StallSeconds;
        double switches = 0;
        int count = 0, drops = 0;
        for (int n = 1; n < q.Count; n++)
        {
            double step = q[n] - q[n - 1];
            if (step == 0) continue;
            switches += Math.Abs(step);
            count++;
            if (step < 0) drops++;
        }
        return new AbrObjectiveScore(picture - stalls - switches, picture, stalls, switches, count, drops);
    }
}
