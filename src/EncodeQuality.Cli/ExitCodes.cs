namespace EncodeQuality.Cli;

/// <summary>The documented exit codes of eq.</summary>
public static class ExitCodes
{
    /// <summary>Everything was written.</summary>
    public const int Success = 0;
    /// <summary>Bad usage or bad input (missing, unreadable, damaged or truncated file; bad ladder; bad option).</summary>
    public const int InputError = 1;
    /// <summary>A failure while processing (encoder, muxer, disk, interruption).</summary>
    public const int ProcessingError = 2;
}
