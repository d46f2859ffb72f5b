using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Tailor.Providers;
using Tailor.Spec;

namespace Tailor.Local.Inference;

/// <summary>
/// The <c>local</c> provider of <c>tailor.yaml</c>: a model's <c>path</c> (a GGUF file, relative to the project)
/// and <c>adapters</c> (LoRA GGUF files) become a <see cref="LocalChatClient"/>. Loaded weights are cached per file,
/// so several aliases (e.g. a base model with and without an adapter) share one copy in memory.
/// </summary>
/// <remarks>Thread-safe. Disposing the provider frees the cached weights; dispose the clients first.</remarks>
public sealed class LocalModelProvider : IModelProvider, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LocalModel>> _models = new(StringComparer.Ordinal);
    private readonly LocalChatClientOptions _options;

    /// <param name="options">Settings applied to every client (context size, concurrency, threads).</param>
    public LocalModelProvider(LocalChatClientOptions? options = null) => _options = options ?? new LocalChatClientOptions();

    public string Name => "local";

    public IChatClient CreateClient(ModelSpec model, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(model.Path))
        {
            throw new ModelProviderException($"Model '{model.Alias}' uses the local provider but has no path.", "Set `path:` to a GGUF file, relative to tailor.yaml.", provider: Name);
        }

        var path = Path.GetFullPath(Path.Combine(context.ProjectDirectory, model.Path));
        if (!File.Exists(path))
        {
            throw new ModelProviderException($"Model '{model.Alias}': no GGUF file at {path}.", "Check `path:` (it is relative to tailor.yaml) or create the model with `tailor tune`.", provider: Name);
        }

        var adapters = new List<LoraAdapterReference>();
        foreach (var adapter in model.Adapters)
        {
            var adapterPath = Path.GetFullPath(Path.Combine(context.ProjectDirectory, adapter));
            if (!File.Exists(adapterPath))
            {
                throw new ModelProviderException($"Model '{model.Alias}': no LoRA adapter at {adapterPath}.", "Check `adapters:` (paths are relative to tailor.yaml).", provider: Name);
            }

            adapters.Add(new LoraAdapterReference(adapterPath));
        }

        try
        {
            var weights = Load(path);
            return new LocalChatClient(weights, _options with
            {
                Adapters = [.. _options.Adapters, .. adapters],
                ModelId = model.Model ?? _options.ModelId,
                TimeProvider = context.TimeProvider,
                Defaults = Defaults(model.Options) ?? _options.Defaults,
                Threads = model.Options.Threads ?? _options.Threads,
                ContextSize = model.Options.ContextSize ?? _options.ContextSize,
            });
        }
        catch (Exception ex) when (ex is InvalidDataException or Gguf.GgufFormatException or Native.NativeEngineException or NotSupportedException)
        {
            throw new ModelProviderException($"Model '{model.Alias}' could not be loaded from {path}: {ex.Message}", (ex as Native.NativeEngineException)?.Hint ?? "Check that the file is a llama.cpp GGUF model.", provider: Name, innerException: ex);
        }
    }

    /// <summary>The cached weights of <paramref name="path"/>, loading them on first use.</summary>
    public LocalModel Load(string path)
    {
        var full = Path.GetFullPath(path);
        var lazy = _models.GetOrAdd(full, p => new Lazy<LocalModel>(() => LocalModel.Load(p)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _models.TryRemove(new(full, lazy));
            throw;
        }
    }

    private static ChatOptions? Defaults(ModelOptions options)
    {
        if (options.Temperature is null && options.TopP is null && options.MaxTokens is null && options.Seed is null && options.Stop.Count == 0)
        {
            return null;
        }

        return new ChatOptions
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            MaxOutputTokens = options.MaxTokens,
            Seed = options.Seed,
            StopSequences = options.Stop.Count > 0 ? [.. options.Stop] : null,
        };
    }

    public void Dispose()
    {
        foreach (var lazy in _models.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        _models.Clear();
    }
}
