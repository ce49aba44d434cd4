namespace EncodeQuality.Vmaf.Features.Cambi;

/// <summary>
/// What a 10-bit limited-range luma code looks like on a display, for CAMBI's visibility
/// thresholds: the code is normalised over [64, 940] and put through an EOTF, BT.1886 (a 300 cd/m²
/// display with a 0.01 cd/m² black, gamma 2.4) or SMPTE ST 2084 (PQ). The constants are the
/// standards' and libvmaf's (libvmaf/src/feature/luminance_tools.c).
/// </summary>
internal sealed class Luminance
{
    public const int Foot = 64, Head = 940; // 16 and 235 at 10 bits
    private readonly Func<double, double> _eotf;

    private Luminance(Func<double, double> eotf) => _eotf = eotf;

    public static readonly string[] EotfNames = ["bt1886", "pq"];

    public static Luminance For(string eotf) => eotf switch
    {
        "bt1886" => new Luminance(Bt1886),
        "pq" => new Luminance(Pq),
        _ => throw new ArgumentException($"unknown EOTF '{eotf}' (bt1886 or pq)"),
    };

    /// <summary>cd/m² of a 10-bit code; codes outside the limited range are clipped to it.</summary>
    public double Of(int code) => _eotf((double)(Math.Clamp(code, Foot, Head) - Foot) / (Head - Foot));

    private static double Bt1886(double v)
    {
        const double gamma = 2.4, white = 300.0, black = 0.01;
        double lw = Math.Pow(white, 1.0 / gamma), lb = Math.Pow(black, 1.0 / gamma);
        double a = Math.Pow(lw - lb, gamma);
        double b = lb / (lw - lb);
        return a * Math.Pow(Math.Max(v + b, 0), gamma);
    }

    private static double Pq(double v)
    {
        const double m1 = 0.1593017578125, m2 = 78.84375, c1 = 0.8359375, c2 = 18.8515625, c3 = 18.6875;
        double p = Math.Pow(v, 1.0 / m2);
        return 10000 * Math.Pow(Math.Max(p - c1, 0) / (c2 - c3 * p), 1.0 / m1);
    }

    /// <summary>A step of <paramref name="diff"/> codes up from <paramref name="code"/> is visible: ΔL &gt; threshold · L.</summary>
    private bool Visible(int code, int diff, double threshold)
    {
        double l = Of(code);
        return Of(code + diff) - l > threshold * l;
    }

    /// <summary>
    /// The highest code at which a step of <paramref name="diff"/> codes is still visible (the step
    /// is visible there and not one code higher), found by bisection over the limited range as
    /// libvmaf finds it; 0 when it is visible nowhere, 1023 when visible everywhere.
    /// </summary>
    public int HighestVisible(int diff, double threshold)
    {
        // -1: too low (visible here and above), 0: this code, 1: too high (not visible here).
        int Side(int code) => !Visible(code, diff, threshold) ? 1 : Visible(code + 1, diff, threshold) ? -1 : 0;
        int lo = Foot, hi = Head - diff - 1;
        switch (Side(lo))
        {
            case 1: return 0;
            case 0: return lo;
        }
        switch (Side(hi))
        {
            case -1: return 1023;
            case 0: return hi;
        }
        while (true)
        {
            int mid = lo + (hi - lo) / 2;
            switch (Side(mid))
            {
                case 1: hi = mid; break;
                case -1: lo = mid; break;
                default: return mid;
            }
        }
    }

    /// <summary>The lowest code at or above <paramref name="candela"/> cd/m², or 0 when the range's foot already is.</summary>
    public int LowestVisibleCode(double candela)
    {
        int code = Foot;
        while (Of(code) < candela) code++;
        return code == Foot ? 0 : code;
    }
}
