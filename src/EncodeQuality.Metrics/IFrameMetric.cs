using EncodeQuality.Native.Frames;
using EncodeQuality.Model;

namespace EncodeQuality.Metrics;

/// <summary>
/// A full-reference metric fed (reference, distorted) pairs in display order. It may publish a
/// frame's scores at once (PSNR, SSIM) or later, once it has seen the frames it needs (VMAF's
/// motion looks one frame ahead); everything is published by the end of <see cref="Flush"/>.
/// A metric copies what it keeps: the frames go back to their pools after <see cref="Push"/>.
/// </summary>
public interface IFrameMetric : IDisposable
{
    /// <summary>The features it writes, named as libvmaf names them.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>
    /// It needs every frame in order even when only every Nth is scored (VMAF's motion compares
    /// neighbouring frames; it subsamples itself). Other metrics see only the frames scored.
    /// </summary>
    bool Temporal { get; }

    void Push(long frameIndex, VideoFrame reference, VideoFrame distorted, ScoreSheet sheet);

    void Flush(ScoreSheet sheet);
}
