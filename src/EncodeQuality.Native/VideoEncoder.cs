using System.Runtime.InteropServices;
using EncodeQuality.Native.Frames;
using EncodeQuality.Native.Interop;

namespace EncodeQuality.Native;

public enum VideoCodec { X264 = 0, X265 = 1 }

/// <summary>Everything the glue needs to open an x264 or x265 encoder.</summary>
public sealed record EncoderSettings
{
    public required VideoCodec Codec { get; init; }
    public required VideoFormat Format { get; init; }
    public required int FpsNum { get; init; }
    public required int FpsDen { get; init; }
    public double? Crf { get; init; }
    public int? BitrateKbps { get; init; }
    public int? MaxrateKbps { get; init; }
    public int? BufsizeKbits { get; init; }
    public int? Keyint { get; init; }
    public int? Bframes { get; init; }
    public int? RcLookahead { get; init; }
    public int Threads { get; init; }
    public string? Preset { get; init; }
    public string? Tune { get; init; }
    /// <summary>Extra options for x264_param_parse / x265_param_parse, applied in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Params { get; init; } = [];
}

/// <summary>What the opened encoder reports about itself.</summary>
public readonly record struct EncoderDelay(int MaxDelayedFrames, int Bframes, int RcLookahead, int Threads, int BitDepth);

/// <summary>One access unit out of the encoder; <see cref="Data"/> is valid until the next Encode call.</summary>
public readonly unsafe struct EncodedPacket(byte* data, int size, long pts, long dts, bool keyframe, char sliceType)
{
    internal readonly byte* DataPointer = data;
    public int Size { get; } = size;
    public long Pts { get; } = pts;
    public long Dts { get; } = dts;
    public bool Keyframe { get; } = keyframe;
    public char SliceType { get; } = sliceType;
    public ReadOnlySpan<byte> Data => new(DataPointer, Size);
}

/// <summary>
/// libx264 or libx265 through the glue. Each call may return one access unit, in coded order,
/// together with that frame's reconstruction: the picture a decoder of the output shows.
/// </summary>
public sealed unsafe class VideoEncoder : IDisposable
{
    private nint _handle;

    public VideoEncoder(EncoderSettings s)
    {
        Settings = s;
        var cfg = new EqEncoderConfig
        {
            Codec = (int)s.Codec, Width = s.Format.Width, Height = s.Format.Height, BitDepth = s.Format.BitDepth,
            FpsNum = s.FpsNum, FpsDen = s.FpsDen,
            RcMode = s.BitrateKbps is null ? 0 : 1, Crf = s.Crf ?? 23, BitrateKbps = s.BitrateKbps ?? 0,
            MaxrateKbps = s.MaxrateKbps ?? 0, BufsizeKbits = s.BufsizeKbits ?? 0,
            Keyint = s.Keyint ?? -1, Bframes = s.Bframes ?? -1, RcLookahead = s.RcLookahead ?? -1, Threads = s.Threads,
        };
        FixedText.Write(cfg.Preset, s.Preset, "preset");
        FixedText.Write(cfg.Tune, s.Tune, "tune");

        int n = s.Params.Count;
        var strings = new List<nint>(2 * n);
        try
        {
            byte** keys = stackalloc byte*[Math.Max(n, 1)];
            byte** values = stackalloc byte*[Math.Max(n, 1)];
            for (int i = 0; i < n; i++)
            {
                keys[i] = (byte*)Marshal.StringToCoTaskMemUTF8(s.Params[i].Key);
                values[i] = (byte*)Marshal.StringToCoTaskMemUTF8(s.Params[i].Value);
                strings.Add((nint)keys[i]);
                strings.Add((nint)values[i]);
            }
            byte* err = stackalloc byte[FixedText.ErrorLength];
            err[0] = 0;
            _handle = GlueMethods.EncoderOpen(&cfg, keys, values, n, err, FixedText.ErrorLength);
            if (_handle == 0) throw new GlueException(FixedText.Read(err));
        }
        finally
        {
            foreach (var p in strings) Marshal.FreeCoTaskMem(p);
        }

        EqEncoderInfo info;
        GlueMethods.EncoderInfo(_handle, &info);
        Delay = new EncoderDelay(info.MaxDelayedFrames, info.Bframes, info.RcLookahead, info.Threads, info.BitDepth);
        byte* h;
        int size;
        GlueMethods.EncoderHeaders(_handle, &h, &size);
        Headers = new ReadOnlySpan<byte>(h, size).ToArray();
    }

    public EncoderSettings Settings { get; }
    public EncoderDelay Delay { get; }

    /// <summary>Sequence headers for the container (SPS/PPS, plus VPS for HEVC), Annex B.</summary>
    public byte[] Headers { get; }

    /// <summary>
    /// Sends <paramref name="input"/> (null to drain) with its display index as pts. When an access
    /// unit comes out, its recon is written to <paramref name="recon"/> and true is returned.
    /// </summary>
    public bool Encode(VideoFrame? input, VideoFrame recon, out EncodedPacket packet)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (recon.Format != Settings.Format) throw new ArgumentException("recon frame has the wrong format");
        EqPlanes inPlanes = default;
        if (input is not null)
        {
            if (input.Format != Settings.Format) throw new ArgumentException($"input is {input.Format}, encoder takes {Settings.Format}");
            inPlanes = input.NativePlanes();
        }
        var reconPlanes = recon.NativePlanes();
        EqEncodedFrame output;
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        int r = GlueMethods.EncoderEncode(_handle, input is null ? null : &inPlanes, input?.DisplayIndex ?? 0,
            &reconPlanes, &output, err, FixedText.ErrorLength);
        if (r < 0) throw new GlueException(FixedText.Read(err));
        if (r == 0)
        {
            packet = default;
            return false;
        }
        recon.DisplayIndex = output.Pts;
        packet = new EncodedPacket(output.Data, output.Size, output.Pts, output.Dts, output.Keyframe != 0, (char)output.SliceType);
        return true;
    }

    public void Dispose()
    {
        if (_handle != 0) GlueMethods.EncoderClose(_handle);
        _handle = 0;
    }
}
