namespace EncodeQuality.Model;

/// <summary>What an encoder does with its settings, read back from the library (or, from a plan, what it would do).</summary>
public readonly record struct EncoderInfo(int MaxDelayedFrames, int Bframes, int RcLookahead, int Threads, int BitDepth,
    bool Crf, double CrfValue, int BitrateKbps, int MaxrateKbps, int BufsizeKbits, int Keyint, int Refs)
{
    public string RateControlText => Crf ? $"crf {CrfValue:0.##}" : $"{BitrateKbps} kbit/s";
}
