namespace EncodeQuality.Vmaf;

/// <summary>
/// A VMAF implementation fed (reference, distorted) picture pairs in display order, reporting each
/// scored frame to its <see cref="IVmafSink"/> by the end of <see cref="Flush"/>. The managed
/// <see cref="VmafScorer"/> and the libvmaf binding both implement it, with the same output shape,
/// so callers switch engines without other changes.
/// </summary>
public interface IVmafEngine : IDisposable
{
    /// <summary>"managed" or "libvmaf VERSION", for logs.</summary>
    string Description { get; }

    /// <summary>Feature columns passed to the sink, in order.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    void Push(in YuvPicture reference, in YuvPicture distorted);

    void Flush();
}

/// <summary>
/// Makes an engine for pictures of a size, reporting to a sink, with the streams' share of
/// reference-only work (or null), and with metrics of the extractor list to score beside VMAF on
/// the same frame workers (<see cref="FeatureScorer.Metrics"/>; an engine that cannot, libvmaf's,
/// leaves them out of its <see cref="IVmafEngine.FeatureNames"/>).
/// </summary>
public delegate IVmafEngine VmafEngineFactory(int width, int height, IVmafSink sink, ReferenceShare? share,
    IReadOnlyList<(string Metric, string? Options)> alongside);
