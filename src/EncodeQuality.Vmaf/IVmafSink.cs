namespace EncodeQuality.Vmaf;

/// <summary>Receives each scored frame once it is final, in display order.</summary>
public interface IVmafSink
{
    /// <param name="features">Values in the order of <see cref="VmafScorer.FeatureNames"/>; valid during the call only.</param>
    void OnFrame(long index, double vmaf, ReadOnlySpan<double> features);
}
