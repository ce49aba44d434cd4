namespace EncodeQuality;

/// <summary>A problem with what the user gave (file, ladder, options): exit code 1, one line.</summary>
public sealed class InputException(string message) : Exception(message);
