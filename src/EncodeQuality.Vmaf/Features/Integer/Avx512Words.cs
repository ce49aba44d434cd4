using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EncodeQuality.Vmaf.Features.Integer;

/// <summary>What the AVX-512 kernels on 16-bit multiply-adds (vpmaddwd) share.</summary>
internal static class Avx512Words
{
    /// <summary>(a, b) in every 32-bit lane, a in the low half: the tap pair of a multiply-add.</summary>
    public static Vector512<short> Pair(short a, short b) => Vector512.Create((ushort)a | (uint)(ushort)b << 16).AsInt16();

    /// <summary>Taps k and k+1 of a filter as a pair, the second 0 past its last tap.</summary>
    public static Vector512<short> Pair(ushort[] taps, int k) =>
        Vector512.Create((k < taps.Length ? taps[k] : 0u) | (k + 1 < taps.Length ? (uint)taps[k + 1] << 16 : 0u)).AsInt16();

    /// <summary>Whether a filter's taps fit vpmaddwd's signed 16-bit multiplicands (VIF's last scale, with 43728, does not).</summary>
    public static bool Fits(ushort[] taps) => Array.TrueForAll(taps, t => t <= short.MaxValue);

    /// <summary>
    /// Word indices into (X, Y), the multiply-add sums of unpacklo and unpackhi, for a two-source
    /// word permute: in 128-bit lane q, X's 32-bit lanes hold columns 8q..8q+3 and Y's 8q+4..8q+7,
    /// so column c's low word is word 2 (4q + t) of X for t = c mod 8 below 4, else of Y (indices
    /// 32 and up). Taking the low words is the int16 truncation.
    /// </summary>
    public static Vector512<short> InColumnOrder
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(
            (short)0, 2, 4, 6, 32, 34, 36, 38, 8, 10, 12, 14, 40, 42, 44, 46,
            16, 18, 20, 22, 48, 50, 52, 54, 24, 26, 28, 30, 56, 58, 60, 62);
    }
}
