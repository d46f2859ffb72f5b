using System.Text;
using Tailor.Spec;
using Tailor.Store;
using Tailor.Tuning.Registry;

namespace Tailor.Tuning.Aliases;

/// <summary>
/// Points a model alias of tailor.yaml at a registered model, and back. The edit is surgical (only the alias's managed
/// keys change; comments and layout stay), checked with the spec loader before it replaces the file, and atomic (a
/// temporary file beside tailor.yaml renamed over it). Each promotion is recorded with the keys' previous text, which
/// <see cref="RollbackAsync"/> writes back.
/// </summary>
/// <remarks>Thread-safe as long as the store is; two processes editing the same tailor.yaml at once are not coordinated.</remarks>
public sealed class AliasPromoter(ITuningStore store, TimeProvider timeProvider, UlidGenerator? ulids = null)
{
    /// <summary>The keys of a model entry a promotion may change.</summary>
    public static IReadOnlyList<string> ManagedKeys { get; } = ["provider", "model", "path", "adapters", "base_url", "api_key_env"];

    private readonly UlidGenerator _ulids = ulids ?? new UlidGenerator(timeProvider);

    /// <summary>Makes <paramref name="alias"/> serve <paramref name="model"/>.</summary>
    /// <exception cref="TuningException">The spec has errors, has no such alias, or would have errors after the edit.</exception>
    public async Task<AliasPromotion> PromoteAsync(string specPath, string alias, RegisteredModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.GetFullPath(specPath);
        var spec = LoadClean(path);
        if (!spec.Models.TryGetValue(alias, out var current))
        {
            throw new TuningException($"no model alias '{alias}' in {Path.GetFileName(path)}",
                $"add it under 'models:' first; the aliases are: {string.Join(", ", spec.Models.Keys)}");
        }

        var (bom, text) = Read(path);
        var before = SpecAliasEditor.Read(text, alias, ManagedKeys);
        var desired = Desired(model, current);
        var changes = desired.Where(d => !string.Equals(before[d.Key], d.Value, StringComparison.Ordinal)).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        if (changes.Count == 0)
        {
            return new AliasPromotion(path, alias, model.Id, before, before, [], Changed: false, ChangeId: null);
        }

        string edited = SpecAliasEditor.Apply(text, alias, changes);
        var warnings = WriteChecked(path, bom, edited);
        var after = SpecAliasEditor.Read(edited, alias, ManagedKeys);
        var change = new AliasChange
        {
            Id = _ulids.Next(),
            SpecPath = path,
            Alias = alias,
            ModelId = model.Id,
            At = timeProvider.GetUtcNow(),
            Before = before,
            After = after,
            BeforeText = SpecAliasEditor.ReadEntry(text, alias),
            AfterText = SpecAliasEditor.ReadEntry(edited, alias),
        };
        await store.AddAliasChangeAsync(change, cancellationToken);
        return new AliasPromotion(path, alias, model.Id, before, after, warnings, Changed: true, change.Id);
    }

    /// <summary>Writes back what the alias held before its latest promotion that is still in place.</summary>
    /// <param name="specPath">tailor.yaml.</param>
    /// <param name="alias">The model alias.</param>
    /// <param name="force">Roll back even when the alias was edited by hand since the promotion.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <exception cref="TuningException">Nothing to roll back, the alias changed since, or the result would not load.</exception>
    public async Task<AliasPromotion> RollbackAsync(string specPath, string alias, bool force = false, CancellationToken cancellationToken = default)
    {
        string path = Path.GetFullPath(specPath);
        LoadClean(path);
        AliasChange? latest = null;
        await foreach (var change in store.ListAliasChangesAsync(path, alias, cancellationToken))
        {
            if (change.RolledBackAt is null)
            {
                latest = change;
                break;
            }
        }

        if (latest is null)
        {
            throw new TuningException($"nothing to roll back: '{alias}' has no promotion in place for {Path.GetFileName(path)}",
                "'tailor models promote <alias> <model>' records one; 'tailor models show <model>' lists a model's promotions");
        }

        var (bom, text) = Read(path);
        var current = SpecAliasEditor.Read(text, alias, latest.After.Keys);
        var edited = latest.After.Where(a => !string.Equals(current[a.Key], a.Value, StringComparison.Ordinal)).Select(a => a.Key).ToList();
        if (edited.Count > 0 && !force)
        {
            throw new TuningException(
                $"models.{alias} was edited since {latest.ModelId} was promoted ({string.Join(", ", edited)} changed)",
                "roll back with --force to restore the values from before the promotion anyway, or edit tailor.yaml by hand");
        }

        // Untouched since: the entry goes back byte for byte. Edited by hand (forced): the managed keys get their old values.
        var restore = latest.Before.Where(b => !string.Equals(current.GetValueOrDefault(b.Key), b.Value, StringComparison.Ordinal))
            .ToDictionary(b => b.Key, b => b.Value, StringComparer.Ordinal);
        string restored = SpecAliasEditor.ReadEntry(text, alias) == latest.AfterText
            ? SpecAliasEditor.ApplyEntry(text, alias, latest.BeforeText)
            : SpecAliasEditor.Apply(text, alias, restore);
        var warnings = WriteChecked(path, bom, restored);
        await store.MarkRolledBackAsync(latest.Id, timeProvider.GetUtcNow(), cancellationToken);
        return new AliasPromotion(path, alias, latest.ModelId, current, SpecAliasEditor.Read(restored, alias, ManagedKeys), warnings, Changed: restore.Count > 0, latest.Id);
    }

    /// <summary>The suffixes of the managed keys that make an entry serve <paramref name="model"/>; null removes a key.</summary>
    internal static Dictionary<string, string?> Desired(RegisteredModel model, ModelSpec current)
    {
        var keys = new Dictionary<string, string?>(StringComparer.Ordinal);
        bool providerChanges = !string.Equals(current.Provider, model.Provider, StringComparison.Ordinal);
        if (providerChanges)
        {
            keys["provider"] = SpecAliasEditor.Scalar(model.Provider);
        }

        switch (model.Kind)
        {
            case TuningOutputKind.Gguf:
                keys["path"] = SpecAliasEditor.Scalar(model.Reference);
                keys["adapters"] = null;
                if (current.Model is not null)
                {
                    keys["model"] = SpecAliasEditor.Scalar(model.Id);
                }

                break;
            case TuningOutputKind.LoraAdapter:
                keys["path"] = SpecAliasEditor.Scalar(model.BaseReference ?? throw new TuningException($"model {model.Id} is an adapter without its base model", "re-import it with --base"));
                keys["adapters"] = SpecAliasEditor.List([model.Reference]);
                keys["model"] = SpecAliasEditor.Scalar(model.Id);
                break;
            default:
                keys["model"] = SpecAliasEditor.Scalar(model.Reference);
                keys["path"] = null;
                keys["adapters"] = null;
                break;
        }

        if (model.Kind != TuningOutputKind.Hosted)
        {
            keys["base_url"] = null;
            keys["api_key_env"] = null;
        }
        else
        {
            if (model.BaseUrl is { } url)
            {
                keys["base_url"] = SpecAliasEditor.Scalar(url.AbsoluteUri);
            }
            else if (providerChanges)
            {
                keys["base_url"] = null;
            }

            if (model.ApiKeyEnv is { } variable)
            {
                keys["api_key_env"] = SpecAliasEditor.Scalar(variable);
            }
            else if (providerChanges)
            {
                keys["api_key_env"] = null;
            }
        }

        // Removing a key that is not there is no change.
        foreach (var key in keys.Where(k => k.Value is null).Select(k => k.Key).ToList())
        {
            bool present = key switch
            {
                "adapters" => current.Adapters.Count > 0,
                "path" => current.Path is not null,
                "base_url" => current.BaseUrl is not null,
                "api_key_env" => current.ApiKeyEnv is not null,
                _ => true,
            };
            if (!present)
            {
                keys.Remove(key);
            }
        }

        return keys;
    }

    private static TailorSpec LoadClean(string path)
    {
        var result = SpecLoader.Load(path);
        return result.HasErrors
            ? throw new TuningException($"{Path.GetFileName(path)} has errors; fix them before changing a model alias", "run 'tailor spec check' to see them")
            : result.Spec;
    }

    private static (bool Bom, string Text) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bool bom = bytes.AsSpan().StartsWith("\uFEFF"u8);
        return (bom, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bom ? bytes[3..] : bytes));
    }

    /// <summary>Writes <paramref name="text"/> beside <paramref name="path"/>, loads it, and only if it loads without errors renames it over the original.</summary>
    private static IReadOnlyList<SpecDiagnostic> WriteChecked(string path, bool bom, string text)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                if (bom)
                {
                    stream.Write("\uFEFF"u8);
                }

                stream.Write(new UTF8Encoding(false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            var check = SpecLoader.Load(temporary);
            if (check.HasErrors)
            {
                throw new TuningException(
                    $"the edit would leave {Path.GetFileName(path)} with errors, so it was not made: {string.Join("; ", check.Errors.Select(e => $"{e.Field}: {e.Message}"))}",
                    "edit the model alias by hand, or fix the problem the message names");
            }

            File.Move(temporary, path, overwrite: true);
            return [.. check.Warnings.Select(w => w.File == temporary ? w with { File = Path.GetFileName(path) } : w)];
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
