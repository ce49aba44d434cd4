using System.Runtime.InteropServices;
using EncodeQuality.Native.Frames;
using EncodeQuality.Native.Interop;
using EncodeQuality.Model;

namespace EncodeQuality.Native;

/// <summary>What a rung asks of its encoder: the library, preset and tune, the settings of <see cref="EncoderOptions"/>, and extra library options.</summary>
public sealed record EncoderSettings
{
    public required VideoCodec Codec { get; init; }
    public string? Preset { get; init; }
    public string? Tune { get; init; }
    /// <summary>The options that are set.</summary>
    public IReadOnlyDictionary<EncoderOption, double> Values { get; init; } = new Dictionary<EncoderOption, double>();
    /// <summary>Extra options for the library's own parser (x264_param_parse, svt_av1_enc_parse_parameter, ...), applied in order after the settings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Params { get; init; } = [];

    public double? this[EncoderOption option] => Values.TryGetValue(option, out var v) ? v : null;

    public static EncoderSettings Of(VideoCodec codec, string? preset, params (EncoderOption Option, double Value)[] values) => new()
    {
        Codec = codec, Preset = preset, Values = values.ToDictionary(v => v.Option, v => v.Value),
    };

    /// <summary>Every option as the library parses it: the settings, then the params.</summary>
    public IEnumerable<KeyValuePair<string, string>> LibraryOptions()
    {
        foreach (var o in EncoderOptions.All)
            if (this[o] is { } v) yield return new(o.Param, o.Format(v));
        // A cap without a buffer gets two seconds' worth at the cap, as FFmpeg users expect.
        if (this[EncoderOptions.Maxrate] is { } max && this[EncoderOptions.Bufsize] is null)
            yield return new(EncoderOptions.Bufsize.Param, EncoderOptions.Bufsize.Format(2 * max));
        foreach (var p in Params) yield return p;
    }

    /// <summary>"crf 23" or "3000 kbit/s".</summary>
    public string RateControlText => this[EncoderOptions.Crf] is { } c ? $"crf {c:0.##}" : $"{this[EncoderOptions.Bitrate]} kbit/s";
}

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
/// An encoder library through the glue (<see cref="Codecs"/>). Each call may return one access
/// unit, in coded order, together with one frame's reconstruction, the picture a decoder of the
/// output shows: that unit's own for x264 and x265, any frame's for the AV1 encoders, whose
/// recons come in decode order (<see cref="VideoFrame.DisplayIndex"/> says which).
/// </summary>
public sealed unsafe class VideoEncoder : IDisposable
{
    private nint _handle;

    public VideoEncoder(EncoderSettings settings, VideoFormat format, int fpsNum, int fpsDen, int threads = 0)
    {
        Settings = settings;
        Format = format;
        var cfg = Config(settings, format, fpsNum, fpsDen, threads);
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        using (var o = new NativeOptions(settings.LibraryOptions()))
            _handle = GlueMethods.EncoderOpen(&cfg, o.Keys, o.Values, o.Count, err, FixedText.ErrorLength);
        if (_handle == 0) throw new EncoderSettingsException(FixedText.Read(err));

        EqEncoderInfo info;
        GlueMethods.EncoderInfo(_handle, &info);
        Info = info.ToInfo();
        byte* h;
        int size;
        GlueMethods.EncoderHeaders(_handle, &h, &size);
        Headers = new ReadOnlySpan<byte>(h, size).ToArray();
    }

    /// <summary>
    /// What an encoder with these settings would do, resolved by the library without opening one:
    /// for checks before any work. Threads is 0 when the library chooses them at open.
    /// </summary>
    public static EncoderInfo Plan(EncoderSettings settings, VideoFormat format, int fpsNum, int fpsDen, int threads = 0)
    {
        var cfg = Config(settings, format, fpsNum, fpsDen, threads);
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        EqEncoderInfo info;
        int r;
        using (var o = new NativeOptions(settings.LibraryOptions()))
            r = GlueMethods.EncoderPlan(&cfg, o.Keys, o.Values, o.Count, &info, err, FixedText.ErrorLength);
        if (r < 0) throw new EncoderSettingsException(FixedText.Read(err));
        return info.ToInfo();
    }

    private static EqEncoderConfig Config(EncoderSettings s, VideoFormat format, int fpsNum, int fpsDen, int threads)
    {
        var cfg = new EqEncoderConfig
        {
            Codec = (int)s.Codec, Width = format.Width, Height = format.Height, BitDepth = format.BitDepth,
            FpsNum = fpsNum, FpsDen = fpsDen, Threads = threads,
        };
        FixedText.Write(cfg.Preset, s.Preset, "preset");
        FixedText.Write(cfg.Tune, s.Tune, "tune");
        return cfg;
    }

    /// <summary>Options as the two C string arrays the glue takes, freed on dispose.</summary>
    private readonly struct NativeOptions : IDisposable
    {
        public readonly byte** Keys, Values;
        public readonly int Count;

        public NativeOptions(IEnumerable<KeyValuePair<string, string>> options)
        {
            var list = options.ToList();
            Count = list.Count;
            Keys = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(Count, 1), (nuint)sizeof(byte*));
            Values = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(Count, 1), (nuint)sizeof(byte*));
            for (int i = 0; i < Count; i++)
            {
                Keys[i] = (byte*)Marshal.StringToCoTaskMemUTF8(list[i].Key);
                Values[i] = (byte*)Marshal.StringToCoTaskMemUTF8(list[i].Value);
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < Count; i++)
            {
                Marshal.FreeCoTaskMem((nint)Keys[i]);
                Marshal.FreeCoTaskMem((nint)Values[i]);
            }
            NativeMemory.Free(Keys);
            NativeMemory.Free(Values);
        }
    }

    public EncoderSettings Settings { get; }
    public VideoFormat Format { get; }
    /// <summary>What the opened encoder really does, read back from it.</summary>
    public EncoderInfo Info { get; }

    /// <summary>Sequence headers for the container (SPS/PPS, plus VPS for HEVC), Annex B.</summary>
    public byte[] Headers { get; }

    /// <summary>
    /// Sends <paramref name="input"/> (null to drain) with its display index as pts. When an access
    /// unit comes out, its recon is written to <paramref name="recon"/> and true is returned.
    /// </summary>
    /// <param name="keyframe">Make the input an IDR frame: a segment starts there.</param>
    public bool Encode(VideoFrame? input, VideoFrame recon, out EncodedPacket packet, bool keyframe = false)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (recon.Format != Format) throw new ArgumentException("recon frame has the wrong format");
        EqPlanes inPlanes = default;
        if (input is not null)
        {
            if (input.Format != Format) throw new ArgumentException($"input is {input.Format}, encoder takes {Format}");
            inPlanes = input.NativePlanes();
        }
        var reconPlanes = recon.NativePlanes();
        EqEncodedFrame output;
        byte* err = stackalloc byte[FixedText.ErrorLength];
        err[0] = 0;
        int r = GlueMethods.EncoderEncode(_handle, input is null ? null : &inPlanes, input?.DisplayIndex ?? 0, keyframe && input is not null ? 1 : 0,
            &reconPlanes, &output, err, FixedText.ErrorLength);
        if (r < 0) throw new GlueException(FixedText.Read(err));
        if (r == 0)
        {
            packet = default;
            return false;
        }
        recon.DisplayIndex = output.ReconPts;
        packet = new EncodedPacket(output.Data, output.Size, output.Pts, output.Dts, output.Keyframe != 0, (char)output.SliceType);
        return true;
    }

    public void Dispose()
    {
        if (_handle != 0) GlueMethods.EncoderClose(_handle);
        _handle = 0;
    }
}
