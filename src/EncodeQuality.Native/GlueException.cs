namespace EncodeQuality.Native;

/// <summary>A failure reported by the native glue, carrying its one-line reason.</summary>
public class GlueException(string message) : Exception(message);

/// <summary>The source cannot be read: missing, not video, damaged or truncated.</summary>
public sealed class SourceException(string message) : GlueException(message);
