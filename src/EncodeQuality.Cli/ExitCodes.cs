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
    /// <summary>Everything was written, and a quality gate (or, with --fail-on-ladder, a ladder check) failed.</summary>
    public const int QualityFailed = 3;
}
