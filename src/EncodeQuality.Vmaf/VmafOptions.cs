namespace EncodeQuality.Vmaf;

/// <summary>How the engine runs.</summary>
public sealed record VmafOptions
{
    /// <summary>Threads, each scoring whole frames (frames run side by side, leave in order).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Score every Nth frame (frames 0, N, 2N...); motion still uses every frame.</summary>
    public int Subsample { get; init; } = 1;

    /// <summary>Apply the model's score transform (libvmaf's enable_transform; off by default).</summary>
    public bool EnableTransform { get; init; }
}
