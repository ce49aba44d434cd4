namespace EncodeQuality.Model;

/// <summary>Where recon is compared: at the rung's size, at the source's size, or both.</summary>
[Flags]
public enum ScoreAt
{
    Encode = 1,
    Source = 2,
    Both = Encode | Source,
}
