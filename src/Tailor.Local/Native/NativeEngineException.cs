namespace Tailor.Local.Native;

/// <summary>The llama.cpp natives could not be found, loaded, or are not the build Tailor was made for.</summary>
public sealed class NativeEngineException : Exception
{
    public NativeEngineException() : this("The llama.cpp natives could not be loaded.") { }

    public NativeEngineException(string message) : base(message) { }

    public NativeEngineException(string message, Exception innerException) : base(message, innerException) { }

    public NativeEngineException(string message, string hint, Exception? innerException = null) : base(message, innerException) => Hint = hint;

    /// <summary>What to do about it, in one sentence.</summary>
    public string? Hint { get; }
}
