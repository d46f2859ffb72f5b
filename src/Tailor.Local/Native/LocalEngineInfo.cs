namespace Tailor.Local.Native;

/// <summary>What <see cref="LocalEngine.EnsureLoaded"/> loaded; immutable, for <c>tailor doctor</c>-style output.</summary>
/// <param name="Location">The folder the natives came from and its instruction-set variant.</param>
/// <param name="GgmlVersion">ggml's version string, e.g. <c>0.18.0</c>.</param>
/// <param name="GgmlCommit">The short llama.cpp commit the natives report having been built from.</param>
/// <param name="SystemInfo">llama.cpp's own summary of the CPU features it uses.</param>
/// <param name="ModelParamsSize">Bytes of <c>llama_model_params</c> as LLamaSharp marshals it (checked against the natives).</param>
/// <param name="ContextParamsSize">Bytes of <c>llama_context_params</c> as LLamaSharp marshals it (checked against the natives).</param>
/// <param name="LoadTime">Time taken to locate, load and check the natives.</param>
public sealed record LocalEngineInfo(
    NativeLibraryLocation Location,
    string GgmlVersion,
    string GgmlCommit,
    string SystemInfo,
    int ModelParamsSize,
    int ContextParamsSize,
    TimeSpan LoadTime);
