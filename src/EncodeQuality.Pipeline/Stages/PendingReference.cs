using EncodeQuality.Native.Frames;

namespace EncodeQuality.Pipeline.Stages;

/// <summary>
/// A frame handed to the encoder whose recon has not come back yet: the picture the encoder
/// was given (the score-at-encode reference) and, when scoring against the source, the
/// original source picture.
/// </summary>
internal readonly record struct PendingReference(long DisplayIndex, VideoFrame Encoded, VideoFrame? Source)
{
    public void Release()
    {
        Encoded.Release();
        Source?.Release();
    }
}
