using Tailor.Store.Sqlite;
using Tailor.Tuning;
using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Tests.Tuning;

/// <summary>Promote and rollback edit tailor.yaml surgically and atomically, check it with the spec loader, and restore the exact previous text.</summary>
public sealed class AliasPromotionTests : IAsyncLifetime
{
    private static readonly string SampleDirectory = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "support-bot");
    private readonly string _directory = Directory.CreateTempSubdirectory("tailor-promote-").FullName;
    private SqliteInteractionStore _store = null!;

    public ValueTask InitializeAsync()
    {
        foreach (string file in Directory.EnumerateFiles(SampleDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_directory, Path.GetRelativePath(SampleDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        _store = SqliteInteractionStore.Open(Path.Combine(_directory, ".tailor", "tailor.db"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Spec => Path.Combine(_directory, "tailor.yaml");

    private AliasPromoter Promoter() => new(_store, TimeProvider.System);

    private static RegisteredModel Model(string id, TuningOutputKind kind, string provider, string reference, string? baseReference = null, Uri? baseUrl = null) => new()
    {
        Id = id,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Source = ModelSource.Tuned,
        Kind = kind,
        Provider = provider,
        Reference = reference,
        BaseReference = baseReference,
        BaseUrl = baseUrl,
        Lineage = new ModelLineage(),
    };

    private static List<string> Diff(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        return [.. a.Except(b).Select(l => "-" + l).Concat(b.Except(a).Select(l => "+" + l))];
    }

    [Fact]
    public async Task Promoting_a_local_gguf_changes_only_the_path_value_and_keeps_its_comment()
    {
        string original = File.ReadAllText(Spec);

        var promotion = await Promoter().PromoteAsync(Spec, "candidate", Model("qa-abc123", TuningOutputKind.Gguf, "local", ".tailor/tuning/ft-1/model.gguf"), TestContext.Current.CancellationToken);

        string edited = File.ReadAllText(Spec);
        Assert.Equal(
            ["-    path: models/candidate.gguf      # a tuned model once `tailor models promote candidate <model>`; a warning until then",
             "+    path: .tailor/tuning/ft-1/model.gguf      # a tuned model once `tailor models promote candidate <model>`; a warning until then"],
            Diff(original, edited));
        Assert.True(promotion.Changed);
        Assert.Equal(" models/candidate.gguf", promotion.Before["path"]);
        Assert.Equal(" .tailor/tuning/ft-1/model.gguf", promotion.After["path"]);
        Assert.Contains(promotion.Warnings, w => w.Field == "models.candidate.path");
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task A_rollback_restores_the_file_byte_for_byte_and_a_second_one_has_nothing_left()
    {
        byte[] original = File.ReadAllBytes(Spec);
        var promoter = Promoter();
        await promoter.PromoteAsync(Spec, "candidate", Model("qa-1", TuningOutputKind.LoraAdapter, "local", ".tailor/tuning/ft-1/adapter.gguf", "models/base.gguf"), TestContext.Current.CancellationToken);
        string adapter = File.ReadAllText(Spec);
        Assert.Contains("    path: models/base.gguf      # a tuned model once", adapter, StringComparison.Ordinal);
        Assert.Contains("    adapters: [.tailor/tuning/ft-1/adapter.gguf]\n    model: qa-1\n  judge:", adapter, StringComparison.Ordinal);

        await promoter.PromoteAsync(Spec, "candidate", Model("qa-2", TuningOutputKind.Gguf, "local", ".tailor/tuning/ft-2/model.gguf"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("adapters:", File.ReadAllText(Spec), StringComparison.Ordinal);
        Assert.Contains("    model: qa-2\n", File.ReadAllText(Spec), StringComparison.Ordinal);

        var back = await promoter.RollbackAsync(Spec, "candidate", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("qa-2", back.ModelId);
        Assert.Equal(adapter, File.ReadAllText(Spec));
        await promoter.RollbackAsync(Spec, "candidate", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(original, File.ReadAllBytes(Spec));
        var error = await Assert.ThrowsAsync<TuningException>(() => promoter.RollbackAsync(Spec, "candidate", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("nothing to roll back", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promoting_a_hosted_model_switches_provider_and_model_and_drops_the_local_keys()
    {
        await Promoter().PromoteAsync(Spec, "candidate", Model("support-x1", TuningOutputKind.Hosted, "mistral", "ft:open-mistral-7b:abcd1234:20260701:support:efgh5678"), TestContext.Current.CancellationToken);

        string text = File.ReadAllText(Spec);
        Assert.Contains("  candidate:\n    provider: mistral\n    options:", text, StringComparison.Ordinal);
        Assert.Contains("    model: ft:open-mistral-7b:abcd1234:20260701:support:efgh5678\n  judge:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("models/candidate.gguf", text, StringComparison.Ordinal);
        var spec = Tailor.Spec.SpecLoader.Load(Spec);
        Assert.False(spec.HasErrors);
        Assert.Equal(("mistral", "ft:open-mistral-7b:abcd1234:20260701:support:efgh5678", (string?)null), (spec.Spec.Models["candidate"].Provider, spec.Spec.Models["candidate"].Model, spec.Spec.Models["candidate"].Path));
    }

    [Fact]
    public async Task A_rollback_after_a_hand_edit_is_refused_unless_forced()
    {
        var promoter = Promoter();
        await promoter.PromoteAsync(Spec, "candidate", Model("qa-1", TuningOutputKind.Gguf, "local", "models/one.gguf"), TestContext.Current.CancellationToken);
        File.WriteAllText(Spec, File.ReadAllText(Spec).Replace("path: models/one.gguf", "path: models/hand.gguf", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<TuningException>(() => promoter.RollbackAsync(Spec, "candidate", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("models.candidate was edited since qa-1 was promoted (path changed)", error.Message, StringComparison.Ordinal);

        await promoter.RollbackAsync(Spec, "candidate", force: true, TestContext.Current.CancellationToken);
        Assert.Contains("path: models/candidate.gguf      # a tuned model once", File.ReadAllText(Spec), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_that_would_break_the_spec_is_not_made_and_the_file_is_untouched()
    {
        byte[] original = File.ReadAllBytes(Spec);

        var error = await Assert.ThrowsAsync<TuningException>(() => Promoter().PromoteAsync(Spec, "candidate",
            Model("srv-1", TuningOutputKind.Hosted, "openai-compatible", "my-model"), TestContext.Current.CancellationToken));

        Assert.Contains("the edit would leave tailor.yaml with errors, so it was not made", error.Message, StringComparison.Ordinal);
        Assert.Contains("base_url", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(Spec));
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Crlf_line_ends_a_byte_order_mark_and_a_flow_style_alias_are_kept()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        string text = "name: app\r\nmodels:\r\n  # the tuned one\r\n  candidate: {provider: local, path: 'old model.gguf'}  # keep me\r\n  other: {provider: local, path: x.gguf}\r\n";
        File.WriteAllBytes(Spec, [.. bom, .. System.Text.Encoding.UTF8.GetBytes(text)]);
        var promoter = Promoter();

        await promoter.PromoteAsync(Spec, "candidate", Model("qa-9", TuningOutputKind.LoraAdapter, "local", "a b.gguf", "base.gguf"), TestContext.Current.CancellationToken);

        Assert.Equal([.. bom, .. System.Text.Encoding.UTF8.GetBytes(
            "name: app\r\nmodels:\r\n  # the tuned one\r\n  candidate: {provider: local, path: base.gguf, adapters: [\"a b.gguf\"], model: qa-9}  # keep me\r\n  other: {provider: local, path: x.gguf}\r\n")],
            File.ReadAllBytes(Spec));
        await promoter.RollbackAsync(Spec, "candidate", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([.. bom, .. System.Text.Encoding.UTF8.GetBytes(text)], File.ReadAllBytes(Spec));
    }

    [Fact]
    public async Task An_unknown_alias_is_refused_with_the_known_ones()
    {
        var error = await Assert.ThrowsAsync<TuningException>(() => Promoter().PromoteAsync(Spec, "canddate", Model("x", TuningOutputKind.Gguf, "local", "a.gguf"), TestContext.Current.CancellationToken));

        Assert.Equal("no model alias 'canddate' in tailor.yaml", error.Message);
        Assert.Contains("baseline, candidate, judge", error.Hint, StringComparison.Ordinal);
    }
}
