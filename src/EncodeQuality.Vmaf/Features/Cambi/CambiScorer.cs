using System.Numerics;
using System.Runtime.InteropServices;

namespace EncodeQuality.Vmaf.Features.Cambi;

/// <summary>
/// CAMBI, Netflix's contrast-aware multiscale banding index, for one picture at a time. Defined by
/// libvmaf (libvmaf/src/feature/cambi.c) and computed here as it computes it, so that the scores
/// agree with libvmaf's to float rounding:
/// <list type="number">
/// <item>luma is brought to 10 bits at the encode's size (nearest sample), and 8-bit encodes get a
///   2×2 averaging that undoes dithering;</item>
/// <item>a spatial mask keeps pixels in flat areas: those whose 7×7 neighbourhood holds more than a
///   size-dependent count of pixels equal to their right and lower neighbours;</item>
/// <item>at five scales (each half the last, by taking every second sample), after a 3×3 mode
///   filter, each masked pixel gets a contrast value from the histogram of masked pixels in a window
///   around it: for each contrast c of 1..2^max_log_contrast codes still visible at its level,
///   weight(c) · p0 · p / (p0 + p), p0 the pixels at its own level and p those c codes above or
///   below (the more numerous side);</item>
/// <item>each scale's score is the mean of its largest topk share of values; the picture's is the
///   scales weighted 16, 8, 4, 2, 1, divided by the window's pixel count, and clipped.</item>
/// </list>
/// Buffers are allocated once for the size; a picture allocates nothing.
/// </summary>
public sealed class CambiScorer
{
    private const int Scales = 5, MaskFilter = 7;
    private static readonly int[] ScaleWeights = [16, 8, 4, 2, 1];
    // Suprathreshold contrast response: weight of a contrast of d+1 codes (cambi.c g_contrast_weights).
    private static readonly int[] ContrastWeights = [1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9];
    // libvmaf refuses pictures smaller than this in both directions.
    public const int MinimumSide = 216;

    private readonly int _inWidth, _inHeight;  // pictures as they arrive
    private readonly int[]? _columnMap, _rowMap; // input sample per processed sample, null at equal sizes
    private readonly int _width, _height;      // processing size (the encode's)
    private readonly int _encBitDepth;
    private readonly bool _halfFirst;           // high-res speed-up applies
    private readonly int _window;
    private readonly double _topK, _maxValue;
    private readonly int _diffs;
    private readonly int[] _tvi;                // highest visible level per contrast, in level + diffs space
    private readonly int _vlt;                  // lowest visible level
    private readonly int _bandBase, _bandSize;  // the levels a histogram can need
    private readonly ushort[] _image, _mask;
    private readonly ushort[] _flat;        // 1 where a pixel equals its right and lower neighbours
    private readonly ushort[] _columnSums;  // flat pixels per column within the mask's rows
    private int _maskThreshold;
    private readonly ushort[] _modeRows;
    private readonly ushort[] _histograms;      // per column, the levels that can matter
    // The scale's nonzero contrast values (the zeros of unmasked and plain pixels only count) and their sum.
    private readonly float[] _nonzero;
    private int _nonzeroCount;
    private double _nonzeroSum;

    /// <param name="width">Picture width as it arrives (the encode's, or larger when upscaled for scoring).</param>
    /// <param name="encWidth">The size to score at: 0 for the picture's.</param>
    /// <param name="encBitDepth">The encode's bit depth (below 10 the anti-dithering runs): 0 for the picture's.</param>
    public CambiScorer(int width, int height, int encWidth, int encHeight, int encBitDepth, CambiSettings settings)
    {
        if (encWidth == 0 || encHeight == 0 || encWidth > width || encHeight > height) (encWidth, encHeight) = (width, height);
        if (encWidth < MinimumSide && encHeight < MinimumSide)
            throw new ArgumentException($"CAMBI needs a picture at least {MinimumSide} pixels wide or high, got {encWidth}x{encHeight}");
        _inWidth = width;
        _inHeight = height;
        _width = encWidth;
        _height = encHeight;
        _columnMap = SampleMap(width, encWidth);
        _rowMap = SampleMap(height, encHeight);
        _encBitDepth = encBitDepth;
        long pixels = (long)encWidth * encHeight;
        _halfFirst = settings.HighResSpeedup switch
        {
            1080 => pixels >= 1920 * 1080,
            1440 => pixels >= 2560 * 1440,
            2160 => pixels >= 3840 * 2160,
            _ => false,
        };
        // The window scales with the picture: 65 at 3840+2160, rounded up to odd (cambi.c adjust_window_size).
        int window = settings.WindowSize * (encWidth + encHeight) / 375 >> 4;
        if (_halfFirst) window = (window + 1) >> 1;
        _window = window | 1;
        _topK = settings.TopK;
        _maxValue = settings.MaxValue;

        (_diffs, _tvi, _vlt, _bandBase, _bandSize) = Levels(settings);

        _image = new ushort[pixels];
        _mask = new ushort[pixels];
        _flat = new ushort[pixels];

        _modeRows = new ushort[3 * encWidth];
        _histograms = new ushort[(long)_bandSize * encWidth];
        _columnSums = new ushort[encWidth];
        _nonzero = new float[pixels];
    }

    public int Window => _window;

    /// <summary>
    /// The contrasts looked for, the highest level at which each is visible (in level + diffs
    /// space), the lowest visible level, and the band of levels a histogram can need: a pixel at
    /// level v can matter to some query only if vlt - 3·diffs &lt; v &lt;= tvi[last] (cambi.c).
    /// </summary>
    private static (int Diffs, int[] Tvi, int Vlt, int BandBase, int BandSize) Levels(CambiSettings settings)
    {
        int diffs = 1 << settings.MaxLogContrast;
        var luminance = Luminance.For(settings.Eotf);
        var tvi = new int[diffs];
        for (int d = 0; d < diffs; d++) tvi[d] = luminance.HighestVisible(d + 1, settings.TviThreshold) + diffs;
        int vlt = luminance.LowestVisibleCode(settings.VisibleLuminanceThreshold);
        int bandBase = Math.Max(0, vlt - 3 * diffs + 1);
        return (diffs, tvi, vlt, bandBase, tvi[diffs - 1] + 1 - bandBase);
    }

    /// <summary>
    /// What a scorer for pictures of this size allocates, about: the planes of samples, mask, flags
    /// and contrast values (10 bytes a pixel), three rows for the mode filter, and a
    /// histogram of the levels that can matter and the mask's counts, per column; and 16 KiB for the
    /// objects themselves.
    /// </summary>
    public static long WorkingSet(int width, int height, CambiSettings settings) =>
        10L * width * height + 3L * 2 * width + ((long)Levels(settings).BandSize + 1) * 2 * width + (16 << 10);

    /// <summary>The score of one picture: luma samples at <paramref name="bitDepth"/> bits, 16-bit words.</summary>
    public double Score(ReadOnlySpan<ushort> luma, int stride, int bitDepth)
    {
        CheckGeometry(luma.Length, stride);
        Preprocess(luma, stride, bitDepth);
        if ((_encBitDepth > 0 ? _encBitDepth : bitDepth) < 10) AntiDither();
        return Banding();
    }

    /// <summary>The score of one 8-bit picture.</summary>
    public double Score(ReadOnlySpan<byte> luma, int stride)
    {
        CheckGeometry(luma.Length, stride);
        ToTenBits(luma, stride);
        if ((_encBitDepth > 0 ? _encBitDepth : 8) < 10) AntiDither();
        return Banding();
    }

    private void CheckGeometry(int length, int stride)
    {
        if (stride < _inWidth || length < (long)stride * (_inHeight - 1) + _inWidth)
            throw new ArgumentException($"the plane is smaller than the {_inWidth}x{_inHeight} this scorer was made for");
    }

    private void Preprocess(ReadOnlySpan<ushort> luma, int stride, int bitDepth)
    {
        int shift = bitDepth - 10;
        int round = shift > 0 ? 1 << (shift - 1) : 0;
        var (xs, ys) = (_columnMap, _rowMap);
        for (int i = 0; i < _height; i++)
        {
            var src = luma.Slice((ys is null ? i : ys[i]) * stride);
            var dst = _image.AsSpan(i * _width, _width);
            if (xs is null && shift == 0) { src[.._width].CopyTo(dst); continue; }
            int j = 0;
            // Whole vectors where no column map applies; in 16-bit lanes v + round fits below 16 bits.
            if (xs is null && bitDepth < 16)
            {
                var add = new Vector<ushort>((ushort)round);
                for (; j + Vector<ushort>.Count <= _width; j += Vector<ushort>.Count)
                {
                    var v = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(src), (nuint)j);
                    (shift >= 0 ? (v + add) >> shift : v << -shift).StoreUnsafe(ref dst[j]);
                }
            }
            for (; j < _width; j++)
            {
                int v = src[xs is null ? j : xs[j]];
                dst[j] = (ushort)(shift >= 0 ? (v + round) >> shift : v << -shift);
            }
        }
    }

    private void ToTenBits(ReadOnlySpan<byte> luma, int stride)
    {
        var (xs, ys) = (_columnMap, _rowMap);
        for (int i = 0; i < _height; i++)
        {
            var src = luma.Slice((ys is null ? i : ys[i]) * stride);
            var dst = _image.AsSpan(i * _width, _width);
            int j = 0;
            if (xs is null)
                for (; j + Vector<byte>.Count <= _width; j += Vector<byte>.Count)
                {
                    Vector.Widen(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(src), (nuint)j), out Vector<ushort> lo, out Vector<ushort> hi);
                    (lo << 2).StoreUnsafe(ref dst[j]);
                    (hi << 2).StoreUnsafe(ref dst[j + Vector<ushort>.Count]);
                }
            for (; j < _width; j++) dst[j] = (ushort)(src[xs is null ? j : xs[j]] << 2);
        }
    }

    /// <summary>
    /// Which input sample feeds output sample k when a picture is taken down to the encode's size:
    /// the nearest, stepping in single precision from the centre of the first output sample as
    /// cambi.c does; null at equal sizes (each sample feeds itself).
    /// </summary>
    private static int[]? SampleMap(int input, int output)
    {
        if (input == output) return null;
        float ratio = (float)input / output;
        float start = (float)(ratio / 2 - 0.5);
        var map = new int[output];
        float x = start;
        for (int k = 0; k < output; k++)
        {
            map[k] = (int)(x + 0.5);
            x += ratio;
        }
        return map;
    }

    /// <summary>Each sample becomes the mean of its 2×2 block to the lower right (pairs on the last row and column), rounded down.</summary>
    private void AntiDither()
    {
        int w = _width, h = _height, n = Vector<ushort>.Count;
        var img = _image;
        // In place, forward: each sample is written after every sample that reads it has been read
        // (a vector reads one sample ahead of what it writes). Four 10-bit samples fit in 16 bits.
        for (int i = 0; i < h - 1; i++)
        {
            var row = img.AsSpan(i * w, w);
            var next = img.AsSpan((i + 1) * w, w);
            int j = 0;
            for (; j + n < w; j += n)
                ((Vector.LoadUnsafe(ref row[j]) + Vector.LoadUnsafe(ref row[j + 1]) + Vector.LoadUnsafe(ref next[j]) + Vector.LoadUnsafe(ref next[j + 1])) >> 2)
                    .StoreUnsafe(ref row[j]);
            for (; j < w - 1; j++) row[j] = (ushort)((row[j] + row[j + 1] + next[j] + next[j + 1]) >> 2);
            row[w - 1] = (ushort)((row[w - 1] + next[w - 1]) >> 1);
        }
        var last = img.AsSpan((h - 1) * w, w);
        for (int j = 0; j < w - 1; j++) last[j] = (ushort)((last[j] + last[j + 1]) >> 1);
    }

    private double Banding()
    {
        SpatialMask();
        Span<double> perScale = stackalloc double[Scales];
        int w = _width, h = _height;
        for (int scale = 0; scale < Scales; scale++)
        {
            if (scale > 0 || _halfFirst)
            {
                w = (w + 1) >> 1;
                h = (h + 1) >> 1;
                Decimate(_image, w, h);
                Decimate(_mask, w, h);
            }
            ModeFilter(w, h);
            ContrastValues(w, h);
            perScale[scale] = TopKMean(w * h);
        }
        double score = 0;
        for (int s = 0; s < Scales; s++) score += perScale[s] * ScaleWeights[s];
        int side = 2 * (_window >> 1) + 1;
        return Math.Min(score / (side * side), _maxValue);
    }

    /// <summary>
    /// Marks flat pixels: a pixel is flat-looking when it equals its right and lower neighbours (the
    /// last column and row count as equal); it is in the mask when its 7×7 neighbourhood holds more
    /// flat-looking pixels than a threshold that grows with the picture's size (cambi.c get_mask_index).
    /// </summary>
    private void SpatialMask()
    {
        int w = _width, h = _height;
        uint blocks = (uint)((w >> 6) * (h >> 6));
        _maskThreshold = (MaskFilter * MaskFilter + 3 * (CeilLog2(blocks) - 11) - 1) >> 1;
        FlatRows();
        MaskRows();
    }

    private void FlatRows()
    {
        int w = _width, h = _height, n = Vector<ushort>.Count;
        var img = _image;
        var one = Vector<ushort>.One;
        for (int i = 0; i < h; i++)
        {
            var row = img.AsSpan(i * w, w);
            var flat = _flat.AsSpan(i * w, w);
            var below = i == h - 1 ? row : img.AsSpan((i + 1) * w, w); // the last row is equal to itself below
            int j = 0;
            for (; j + n < w; j += n)
            {
                var v = Vector.LoadUnsafe(ref row[j]);
                var same = Vector.Equals(v, Vector.LoadUnsafe(ref row[j + 1])) & Vector.Equals(v, Vector.LoadUnsafe(ref below[j]));
                (same & one).StoreUnsafe(ref flat[j]);
            }
            for (; j < w; j++)
                flat[j] = (ushort)((j == w - 1 || row[j] == row[j + 1]) && row[j] == below[j] ? 1 : 0);
        }
    }

    /// <summary>The mask, a row at a time: column counts over the 7 rows around each row, then a sum over 7 columns.</summary>
    private void MaskRows()
    {
        int w = _width, h = _height, pad = MaskFilter >> 1, n = Vector<ushort>.Count, threshold = _maskThreshold;
        var one = Vector<ushort>.One;
        var limit = new Vector<ushort>((ushort)threshold);
        var sums = _columnSums.AsSpan(0, w);
        sums.Clear();
        int added = 0, removed = 0; // flat rows [removed, added) are counted
        for (int i = 0; i < h; i++)
        {
            while (added < Math.Min(h, i + pad + 1)) AddFlatRow(sums, added++, add: true);
            while (removed < Math.Max(0, i - pad)) AddFlatRow(sums, removed++, add: false);
            var mask = _mask.AsSpan(i * w, w);
            int j = 0;
            for (; j < w; j++)
            {
                if (j >= pad && j + pad + n <= w) break; // the vector part covers whole windows only
                mask[j] = (ushort)(WindowSum(sums, j, pad) > threshold ? 1 : 0);
            }
            for (; j + pad + n <= w; j += n)
            {
                var total = Vector.LoadUnsafe(ref sums[j - pad]);
                for (int o = 1 - pad; o <= pad; o++) total += Vector.LoadUnsafe(ref sums[j + o]);
                (Vector.GreaterThan(total, limit) & one).StoreUnsafe(ref mask[j]);
            }
            for (; j < w; j++) mask[j] = (ushort)(WindowSum(sums, j, pad) > threshold ? 1 : 0);
        }
    }

    private static int WindowSum(Span<ushort> sums, int j, int pad)
    {
        int total = 0;
        for (int c = Math.Max(0, j - pad); c <= Math.Min(sums.Length - 1, j + pad); c++) total += sums[c];
        return total;
    }

    private void AddFlatRow(Span<ushort> sums, int row, bool add)
    {
        var flat = _flat.AsSpan(row * _width, _width);
        int j = 0, n = Vector<ushort>.Count;
        for (; j + n <= flat.Length; j += n)
        {
            var f = Vector.LoadUnsafe(ref flat[j]);
            var c = Vector.LoadUnsafe(ref sums[j]);
            (add ? c + f : c - f).StoreUnsafe(ref sums[j]);
        }
        for (; j < flat.Length; j++) sums[j] = (ushort)(add ? sums[j] + flat[j] : sums[j] - flat[j]);
    }

    private static int CeilLog2(uint n)
    {
        if (n == 0) return 0;
        int bits = 0;
        for (uint t = n - 1; t > 0; t >>= 1) bits++;
        return bits;
    }

    /// <summary>Keeps every second sample of every second row, in place (the rows keep the full stride).</summary>
    private void Decimate(ushort[] plane, int w, int h)
    {
        int stride = _width, n = Vector<ushort>.Count;
        for (int i = 0; i < h; i++)
        {
            var src = plane.AsSpan(2 * i * stride);
            var dst = plane.AsSpan(i * stride, w);
            int j = 0;
            // The even samples are the low halves of the 32-bit pairs; the last pair may reach past the picture, not the buffer.
            for (; j + n <= w && 2 * (j + n) <= src.Length; j += n)
                Vector.Narrow(Vector.AsVectorUInt32(Vector.LoadUnsafe(ref src[2 * j])), Vector.AsVectorUInt32(Vector.LoadUnsafe(ref src[2 * j + n])))
                    .StoreUnsafe(ref dst[j]);
            for (; j < w; j++) dst[j] = src[2 * j];
        }
    }

    private static ushort Mode3(ushort a, ushort b, ushort c) =>
        a == b || a == c ? a : b == c ? b : Math.Min(a, Math.Min(b, c));

    /// <summary>The mode of three, lane by lane; the smallest when all differ.</summary>
    private static Vector<ushort> Mode3(Vector<ushort> a, Vector<ushort> b, Vector<ushort> c) =>
        Vector.ConditionalSelect(Vector.Equals(a, b) | Vector.Equals(a, c), a,
            Vector.ConditionalSelect(Vector.Equals(b, c), b, Vector.Min(a, Vector.Min(b, c))));

    /// <summary>
    /// 3×3 mode filter, separably: the mode of three along each row (end samples kept), then of
    /// three of those down each column. The first and last rows keep their samples.
    /// </summary>
    private void ModeFilter(int w, int h)
    {
        int stride = _width, n = Vector<ushort>.Count;
        var img = _image;
        var rows = _modeRows;
        for (int i = 0; i < h; i++)
        {
            // Row i is read before row i - 1 is written, and row i is written one step later.
            var line = rows.AsSpan(i % 3 * w, w);
            var src = img.AsSpan(i * stride, w);
            line[0] = src[0];
            int j = 1;
            for (; j + n < w; j += n)
                Mode3(Vector.LoadUnsafe(ref src[j - 1]), Vector.LoadUnsafe(ref src[j]), Vector.LoadUnsafe(ref src[j + 1])).StoreUnsafe(ref line[j]);
            for (; j < w - 1; j++) line[j] = Mode3(src[j - 1], src[j], src[j + 1]);
            line[w - 1] = src[w - 1];
            if (i > 1)
            {
                var dst = img.AsSpan((i - 1) * stride, w);
                Span<ushort> r0 = rows.AsSpan(0, w), r1 = rows.AsSpan(w, w), r2 = rows.AsSpan(2 * w, w);
                int k = 0;
                for (; k + n <= w; k += n)
                    Mode3(Vector.LoadUnsafe(ref r0[k]), Vector.LoadUnsafe(ref r1[k]), Vector.LoadUnsafe(ref r2[k])).StoreUnsafe(ref dst[k]);
                for (; k < w; k++) dst[k] = Mode3(r0[k], r1[k], r2[k]);
            }
        }
    }

    /// <summary>
    /// The contrast value of every masked pixel, from a histogram per output column of the masked
    /// pixels' levels within the window (rows and columns clipped at the picture's edges), slid down
    /// the picture a row at a time; the nonzero values are gathered in row order.
    /// </summary>
    private void ContrastValues(int w, int h)
    {
        int pad = _window >> 1, stride = _width;
        var hist = _histograms.AsSpan(0, _bandSize * w);
        hist.Clear();
        int count = 0;
        int added = 0, removed = 0; // rows [removed, added) are in the histograms
        for (int i = 0; i < h; i++)
        {
            int wantAdded = Math.Min(h, i + pad + 1), wantRemoved = Math.Max(0, i - pad);
            // Steady state, one row leaving and one entering: equal levels at a column cancel.
            if (wantAdded - added == 1 && wantRemoved - removed == 1) SlideRow(hist, removed++, added++, w, pad);
            while (added < wantAdded) UpdateRow(hist, added++, w, pad, +1);
            while (removed < wantRemoved) UpdateRow(hist, removed++, w, pad, -1);

            int r = i * stride;
            for (int j = 0; j < w; j++)
                if (_mask[r + j] != 0 && ContrastValue(hist, _image[r + j], j, w) is var c && c != 0f)
                    _nonzero[count++] = c;
        }
        double sum = 0;
        foreach (float v in _nonzero.AsSpan(0, count)) sum += v;
        _nonzeroCount = count;
        _nonzeroSum = sum;
    }

    private void UpdateRow(Span<ushort> hist, int row, int w, int pad, int sign)
    {
        int r = row * _width;
        for (int j = 0; j < w; j++)
        {
            if (_mask[r + j] == 0) continue;
            int level = _image[r + j] - _bandBase;
            if ((uint)level >= (uint)_bandSize) continue;
            var span = Columns(hist, level, j, w, pad);
            if (sign > 0) AddOne(span); else SubtractOne(span);
        }
    }

    private void SlideRow(Span<ushort> hist, int leaving, int entering, int w, int pad)
    {
        int rl = leaving * _width, re = entering * _width;
        for (int j = 0; j < w; j++)
        {
            int outLevel = _mask[rl + j] != 0 ? _image[rl + j] - _bandBase : -1;
            int inLevel = _mask[re + j] != 0 ? _image[re + j] - _bandBase : -1;
            bool outIn = (uint)outLevel < (uint)_bandSize, inIn = (uint)inLevel < (uint)_bandSize;
            if (outIn && inIn && outLevel == inLevel) continue;
            if (outIn) SubtractOne(Columns(hist, outLevel, j, w, pad));
            if (inIn) AddOne(Columns(hist, inLevel, j, w, pad));
        }
    }

    /// <summary>The histogram cells at one level for the output columns a pixel at column j is within the window of.</summary>
    private static Span<ushort> Columns(Span<ushort> hist, int level, int j, int w, int pad)
    {
        int from = Math.Max(j - pad, 0), to = Math.Min(j + pad + 1, w);
        return hist.Slice(level * w + from, to - from);
    }

    private static void AddOne(Span<ushort> cells)
    {
        int k = 0;
        ref ushort c = ref MemoryMarshal.GetReference(cells);
        for (; k <= cells.Length - Vector<ushort>.Count; k += Vector<ushort>.Count)
            (Vector.LoadUnsafe(ref c, (nuint)k) + Vector<ushort>.One).StoreUnsafe(ref c, (nuint)k);
        for (; k < cells.Length; k++) cells[k]++;
    }

    private static void SubtractOne(Span<ushort> cells)
    {
        int k = 0;
        ref ushort c = ref MemoryMarshal.GetReference(cells);
        for (; k <= cells.Length - Vector<ushort>.Count; k += Vector<ushort>.Count)
            (Vector.LoadUnsafe(ref c, (nuint)k) - Vector<ushort>.One).StoreUnsafe(ref c, (nuint)k);
        for (; k < cells.Length; k++) cells[k]--;
    }

    /// <summary>
    /// One pixel's contrast value: the largest over visible contrasts d+1 of
    /// weight · p0 · p / (p0 + p) in single precision, as cambi.c's c_value_pixel computes it.
    /// </summary>
    private float ContrastValue(Span<ushort> hist, int level, int column, int w)
    {
        int compact = level - _bandBase;
        if ((uint)compact >= (uint)_bandSize) return 0f;
        int p0 = hist[compact * w + column];
        int adjusted = level + _diffs;
        float best = 0f;
        for (int d = 0; d < _diffs; d++)
        {
            if (adjusted > _tvi[d] || adjusted + d + 1 <= _vlt) continue;
            int up = compact + d + 1, down = compact - d - 1;
            int p1 = up < _bandSize ? hist[up * w + column] : 0;
            int p2 = down >= 0 ? hist[down * w + column] : 0;
            int p = p1 > p2 ? p1 : p2;
            // libvmaf multiplies by a table of 1.0f / n (cambi.h reciprocal_lut), 0 at n = 0.
            float reciprocal = p + p0 == 0 ? 0f : 1.0f / (p + p0);
            float value = (float)(ContrastWeights[d] * p0 * p) * reciprocal;
            if (value > best) best = value;
        }
        return best;
    }

    /// <summary>The mean of the largest ⌊topk · n⌋ of the scale's n values (at least one); zeros need no sorting.</summary>
    private double TopKMean(int n)
    {
        int k = (int)Math.Clamp(_topK * n, 1, n);
        if (k >= _nonzeroCount) return _nonzeroSum / k;
        var top = _nonzero.AsSpan(0, _nonzeroCount);
        SelectLargest(top, k);
        double sum = 0;
        for (int i = 0; i < k; i++) sum += top[i];
        return sum / k;
    }

    /// <summary>Rearranges so that the k largest values come first (Hoare partitioning around a middle pivot).</summary>
    private static void SelectLargest(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            float pivot = a[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else return;
        }
    }
}
