using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EncodeQuality.Vmaf.Features;

/// <summary>Vector helpers the extractors share.</summary>
internal static class VectorMath
{
    /// <summary>
    /// log2 of eight positive floats: exponent from the bits, mantissa m in [sqrt(1/2), sqrt(2))
    /// through log(m) = 2 atanh((m-1)/(m+1)) as an odd series to t^9 (|t| &lt; 0.172, so the
    /// truncation is below 1e-8 relative). Matches MathF.Log2 to a few float ulps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log2(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var exponent = (bits >>> 23) - Vector256.Create(127);
        var mantissa = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle(); // [1, 2)
        // Fold [sqrt 2, 2) down to [sqrt 2 / 2, 1) so the series argument stays small.
        var big = Vector256.GreaterThan(mantissa, Vector256.Create(1.41421356f));
        mantissa = Vector256.ConditionalSelect(big, mantissa * 0.5f, mantissa);
        exponent += (big.AsInt32() & Vector256.Create(1));
        var t = (mantissa - Vector256<float>.One) / (mantissa + Vector256<float>.One);
        var t2 = t * t;
        var series = Vector256.Create(1f / 9f);
        series = series * t2 + Vector256.Create(1f / 7f);
        series = series * t2 + Vector256.Create(1f / 5f);
        series = series * t2 + Vector256.Create(1f / 3f);
        series = series * t2 + Vector256<float>.One;
        var lnM = 2f * t * series;
        return Vector256.ConvertToSingle(exponent) + lnM * 1.44269504f;
    }
}
