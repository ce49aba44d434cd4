namespace EncodeQuality.Vmaf.Features.Speed;

/// <summary>
/// SpEED's optional resize of a plane before filtering (speed_prescale, speed_prescale_method), as
/// libvmaf's vif_tools.c resamples float planes: nearest (truncated source position), bilinear
/// (pixel-centre positions, mirrored edges, column positions computed once), bicubic (a = -0.75)
/// and Lanczos-4 (normalised 9 x 9 window). Planes are packed (stride = width).
/// </summary>
internal sealed class SpeedPrescaler
{
    public static readonly string[] Methods = ["nearest", "bilinear", "bicubic", "lanczos4"];

    private readonly int _method, _srcW, _srcH, _dstW, _dstH;
    private readonly int[] _x1 = [], _x2 = [];
    private readonly float[] _dx = [];

    public SpeedPrescaler(int method, int srcW, int srcH, int dstW, int dstH)
    {
        (_method, _srcW, _srcH, _dstW, _dstH) = (method, srcW, srcH, dstW, dstH);
        if (method != 1) return;
        // vif_scale_frame_bilinear_precompute_columns_s
        _x1 = new int[dstW];
        _x2 = new int[dstW];
        _dx = new float[dstW];
        float ratio = (float)srcW / dstW;
        for (int x = 0; x < dstW; x++)
        {
            float xx = (float)((x + 0.5) * ratio - 0.5);
            _x1[x] = (int)Mirror((float)Math.Floor(xx), 0, srcW - 1);
            _x2[x] = (int)Mirror((float)Math.Ceiling(xx), 0, srcW - 1);
            _dx[x] = xx - _x1[x];
        }
    }

    public void Scale(ReadOnlySpan<float> src, Span<float> dst)
    {
        if (_srcW == _dstW && _srcH == _dstH)
        {
            src[..(_srcW * _srcH)].CopyTo(dst);
            return;
        }
        switch (_method)
        {
            case 0: Nearest(src, dst); break;
            case 1: Bilinear(src, dst); break;
            default: Interpolated(src, dst); break;
        }
    }

    private static float Mirror(float i, float left, float right) => i < left ? -i : i > right ? 2 * right - i : i;

    private void Nearest(ReadOnlySpan<float> src, Span<float> dst)
    {
        float rx = (float)_srcW / _dstW, ry = (float)_srcH / _dstH;
        for (int y = 0; y < _dstH; y++)
            for (int x = 0; x < _dstW; x++)
                dst[y * _dstW + x] = src[(int)(y * ry) * _srcW + (int)(x * rx)];
    }

    private void Bilinear(ReadOnlySpan<float> src, Span<float> dst)
    {
        float ratio = (float)_srcH / _dstH;
        for (int y = 0; y < _dstH; y++)
        {
            float yy = (float)((y + 0.5) * ratio - 0.5);
            int y1 = (int)Mirror((float)Math.Floor(yy), 0, _srcH - 1);
            int y2 = (int)Mirror((float)Math.Ceiling(yy), 0, _srcH - 1);
            float dy = yy - y1;
            var r1 = src.Slice(y1 * _srcW, _srcW);
            var r2 = src.Slice(y2 * _srcW, _srcW);
            var row = dst.Slice(y * _dstW, _dstW);
            for (int x = 0; x < _dstW; x++)
            {
                int x1 = _x1[x], x2 = _x2[x];
                float dx = _dx[x];
                row[x] = (1 - dy) * (1 - dx) * r1[x1] + (1 - dy) * dx * r1[x2] + dy * (1 - dx) * r2[x1] + dy * dx * r2[x2];
            }
        }
    }

    /// <summary>Bicubic (4 x 4) or Lanczos-4 (9 x 9) at each pixel centre, mirrored edges.</summary>
    private void Interpolated(ReadOnlySpan<float> src, Span<float> dst)
    {
        bool lanczos = _method == 3;
        int a = lanczos ? 4 : 1, last = lanczos ? 4 : 2;
        Span<float> wx = stackalloc float[9], wy = stackalloc float[9];
        float rx = (float)_srcW / _dstW, ry = (float)_srcH / _dstH;
        for (int y = 0; y < _dstH; y++)
        {
            float yy = (float)((y + 0.5) * ry - 0.5);
            for (int x = 0; x < _dstW; x++)
            {
                float xx = (float)((x + 0.5) * rx - 0.5);
                int x0 = (int)Math.Floor(xx), y0 = (int)Math.Floor(yy);
                float dx = xx - x0, dy = yy - y0;
                for (int i = -a; i <= last; i++)
                {
                    wx[i + a] = lanczos ? Lanczos(i - dx, 4f) : Cubic(i - dx);
                    wy[i + a] = lanczos ? Lanczos(i - dy, 4f) : Cubic(i - dy);
                }
                float value = 0, weights = 0;
                for (int j = -a; j <= last; j++)
                    for (int i = -a; i <= last; i++)
                    {
                        float w = wx[i + a] * wy[j + a];
                        weights += w;
                        int sx = (int)Mirror(x0 + i, 0, _srcW - 1), sy = (int)Mirror(y0 + j, 0, _srcH - 1);
                        value += src[sy * _srcW + sx] * w;
                    }
                dst[y * _dstW + x] = lanczos ? value / weights : value;
            }
        }
    }

    private static float Cubic(float t)
    {
        const float a = -0.75f;
        if (t < 0) t = -t;
        if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
        if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
        return 0;
    }

    private static float Lanczos(float x, float a)
    {
        if (x == 0.0) return 1.0f;
        if (x > -a && x < a) return (float)(a * Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / a) / (Math.PI * Math.PI * x * x));
        return 0.0f;
    }
}
