namespace EncodeQuality.Decisions;

/// <summary>The run is complete and recorded, and a gate or a check that must pass did not: exit code 3.</summary>
public sealed class QualityFailedException(string message) : Exception(message);
