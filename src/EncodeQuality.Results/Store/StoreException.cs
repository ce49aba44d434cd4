namespace EncodeQuality.Results.Store;

/// <summary>The store could not be reached, refused us, or holds a schema we do not know: a processing error (exit 2).</summary>
public sealed class StoreException(string message, Exception? inner = null) : Exception(message, inner);
