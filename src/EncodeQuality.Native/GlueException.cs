namespace EncodeQuality.Native;

/// <summary>A failure reported by the native glue, carrying its one-line reason.</summary>
public class GlueException(string message) : Exception(message);

/// <summary>An encoder refused its settings (an unknown option, a bad value, a preset it does not have).</summary>
public sealed class EncoderSettingsException(string message) : GlueException(message);

/// <summary>The source cannot be read: missing, not video, damaged or truncated.</summary>
public sealed class SourceException(string message) : GlueException(message);
