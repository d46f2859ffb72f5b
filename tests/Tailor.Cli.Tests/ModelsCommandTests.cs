using System.Security.Cryptography;
using Tailor.Testing;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor models list|show|promote|rollback|import</c> and <c>tailor tune export</c>: the registry, surgical alias edits in
/// tailor.yaml that roll back byte for byte, exports for external trainers and the import of what they produce.
/// </summary>
public sealed class ModelsCommandTests : IAsyncLifetime
{
    private readonly CliRunner _cli = new();

    public ValueTask InitializeAsync() => new(TuneProject.CreateAsync(_cli));

    public ValueTask DisposeAsync()
    {
        _cli.Dispose();
        return ValueTask.CompletedTask;
    }

    private string SpecText => File.ReadAllText(_cli.PathOf("tailor.yaml"));

    [Fact]
    public async Task Promote_rewrites_only_the_alias_keeps_comments_and_rollback_restores_the_bytes()
    {
        var job = await TuneProject.TuneAsync(_cli);
        string model = job.GetProperty("model_id").GetString()!;
        string file = job.GetProperty("output").GetProperty("reference").GetString()!;
        byte[] original = File.ReadAllBytes(_cli.PathOf("tailor.yaml"));

        var promoted = await _cli.RunAsync("models", "promote", "candidate", model);

        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Contains($"promoted {model} to models.candidate in tailor.yaml", promoted.Out, StringComparison.Ordinal);
        Assert.Contains($"path: models/candidate.gguf -> {file}", promoted.Out, StringComparison.Ordinal);
        Assert.Equal(TuneProject.Spec.Replace("path: models/candidate.gguf   # written later", $"path: {file}   # written later", StringComparison.Ordinal) + "\n", SpecText);
        Assert.Equal(0, (await _cli.RunAsync("spec", "check")).ExitCode);
        var shown = TuneProject.Json(await _cli.RunAsync("models", "show", model, "--json"));
        Assert.Equal("candidate", Assert.Single(shown.GetProperty("model").GetProperty("serves").EnumerateArray()).GetString());
        Assert.Contains("candidate", (await _cli.RunAsync("models", "list")).Out, StringComparison.Ordinal);

        var same = await _cli.RunAsync("models", "promote", "candidate", model);
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("already serves", same.Out, StringComparison.Ordinal);

        var back = await _cli.RunAsync("models", "rollback", "candidate");
        Assert.True(back.ExitCode == 0, back.ToString());
        Assert.Equal(original, File.ReadAllBytes(_cli.PathOf("tailor.yaml")));
        Assert.Contains("models.candidate.path: model file 'models/candidate.gguf' not found", back.Error, StringComparison.Ordinal);

        // an alias edited by hand since the promotion is not overwritten unless asked
        Assert.Equal(0, (await _cli.RunAsync("models", "promote", "candidate", model)).ExitCode);
        File.WriteAllText(_cli.PathOf("tailor.yaml"), SpecText.Replace($"path: {file}", "path: models/base.gguf", StringComparison.Ordinal));
        var edited = await _cli.RunAsync("models", "rollback", "candidate");
        Assert.Equal(ExitCodes.BadInput, edited.ExitCode);
        Assert.Contains("was edited since", edited.Error, StringComparison.Ordinal);
        var forced = TuneProject.Json(await _cli.RunAsync("models", "rollback", "candidate", "--force", "--json"));
        Assert.Equal("rollback", forced.GetProperty("action").GetString());
        Assert.Contains("path: models/candidate.gguf   # written later", SpecText, StringComparison.Ordinal);

        var unknown = await _cli.RunAsync("models", "promote", "staging", model);
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("no model alias 'staging' in tailor.yaml", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lora_adapter_is_promoted_as_its_base_plus_the_adapter()
    {
        var job = await TuneProject.TuneAsync(_cli, "--lora-rank", "4");
        string model = job.GetProperty("model_id").GetString()!;
        string adapter = job.GetProperty("output").GetProperty("reference").GetString()!;
        Assert.EndsWith("/adapter.gguf", adapter, StringComparison.Ordinal);

        var promoted = TuneProject.Json(await _cli.RunAsync("models", "promote", "candidate", model, "--json"));

        Assert.True(promoted.GetProperty("changed").GetBoolean());
        Assert.Contains($"    path: models/base.gguf   # written later\n    options: {{temperature: 0, max_tokens: 16}}\n    adapters: [{adapter}]\n    model: {model}\n", SpecText, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("spec", "check")).ExitCode);
        var answer = await _cli.RunAsync("ask", "--model", "candidate", "What is the code of ember?");
        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.Equal("lora-adapter", TuneProject.Json(await _cli.RunAsync("models", "show", model, "--json")).GetProperty("model").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Export_writes_a_ready_to_run_setup_and_import_keeps_its_lineage()
    {
        var axolotl = await _cli.RunAsync("tune", "export", "--trainer", "axolotl", "--base", "meta-llama/Llama-3.2-1B-Instruct", "--out", "exports/axolotl",
            "--lora-rank", "8", "--steps", "20", "--name", "Support Bot");

        Assert.True(axolotl.ExitCode == 0, axolotl.ToString());
        Assert.Equal(8, File.ReadAllLines(_cli.PathOf("exports", "axolotl", "data", "train.jsonl")).Length);
        string config = File.ReadAllText(_cli.PathOf("exports", "axolotl", "axolotl.yaml"));
        Assert.Contains("base_model: \"meta-llama/Llama-3.2-1B-Instruct\"", config, StringComparison.Ordinal);
        Assert.Contains("lora_r: 8", config, StringComparison.Ordinal);
        Assert.Contains("max_steps: 20", config, StringComparison.Ordinal);
        Assert.Contains("output_dir: \"outputs/support-bot\"", config, StringComparison.Ordinal);
        Assert.Contains("tailor models import model.gguf --export exports/axolotl", File.ReadAllText(_cli.PathOf("exports", "axolotl", "README.md")), StringComparison.Ordinal);
        Assert.Contains("exports/axolotl/lineage.json", axolotl.Out, StringComparison.Ordinal);

        var mistral = TuneProject.Json(await _cli.RunAsync("tune", "export", "--trainer", "mistral-finetune", "--base", "/models/mistral-7b-v0.3",
            "--train", "data/train.jsonl", "--out", "exports/mistral", "--json"));
        Assert.True(mistral.GetProperty("written").GetBoolean());
        Assert.Contains("exports/mistral/mistral-finetune.yaml", mistral.GetProperty("files").EnumerateArray().Select(f => f.GetString()));

        // what the trainer's config cannot say, a directory in use, and bad data are refused
        var epochs = await _cli.RunAsync("tune", "export", "--trainer", "mistral-finetune", "--base", "x", "--out", "exports/e", "--epochs", "2");
        Assert.Equal(ExitCodes.BadInput, epochs.ExitCode);
        Assert.Contains("--epochs has no mistral-finetune setting", epochs.Error, StringComparison.Ordinal);
        var used = await _cli.RunAsync("tune", "export", "--trainer", "axolotl", "--base", "x", "--out", "exports/axolotl");
        Assert.Equal(ExitCodes.BadInput, used.ExitCode);
        Assert.Contains("exports/axolotl is not empty", used.Error, StringComparison.Ordinal);
        File.WriteAllText(_cli.PathOf("data", "bad.jsonl"), "not json\n");
        var bad = await _cli.RunAsync("tune", "export", "--trainer", "axolotl", "--base", "x", "--train", "data/bad.jsonl", "--out", "exports/bad");
        Assert.Equal(ExitCodes.CheckFailed, bad.ExitCode);
        Assert.Contains("data/bad.jsonl:1:2: error[json-syntax]", bad.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("exports", "bad")));

        // the external trainer's model comes back with the export's lineage (here the base GGUF stands in for it)
        var imported = TuneProject.Json(await _cli.RunAsync("models", "import", "models/base.gguf", "--export", "exports/axolotl", "--name", "from axolotl", "--json"));
        Assert.StartsWith("from-axolotl-", imported.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(("imported", "gguf", "local"), (imported.GetProperty("source").GetString(), imported.GetProperty("kind").GetString(), imported.GetProperty("provider").GetString()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_cli.PathOf("models", "base.gguf")))), imported.GetProperty("sha256").GetString());
        var lineage = imported.GetProperty("lineage");
        Assert.Equal(("axolotl", "models/base.gguf"), (lineage.GetProperty("trainer").GetString(), lineage.GetProperty("imported_from").GetString()));
        Assert.Equal(20, lineage.GetProperty("hyperparameters").GetProperty("steps").GetInt32());
        var data = Assert.Single(lineage.GetProperty("datasets").EnumerateArray());
        Assert.Equal(("data/train.jsonl", 8), (data.GetProperty("path").GetString(), data.GetProperty("examples").GetInt32()));
        var shown = await _cli.RunAsync("models", "show", imported.GetProperty("id").GetString()!);
        Assert.Contains("imported from models/base.gguf, trained with axolotl", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_registers_files_and_hosted_ids_and_refuses_what_it_cannot_use()
    {
        var exact = TuneProject.Json(await _cli.RunAsync("models", "import", "models/base.gguf", "--id", "base-v1", "--description", "the untrained base", "--json"));
        Assert.Equal("base-v1", exact.GetProperty("id").GetString());
        Assert.Equal("base", Assert.Single(exact.GetProperty("serves").EnumerateArray()).GetString());

        var hosted = TuneProject.Json(await _cli.RunAsync("models", "import", "ft:open-mistral-7b:abc123:20260701:support", "--provider", "mistral", "--json"));
        Assert.Equal(("hosted", "mistral"), (hosted.GetProperty("kind").GetString(), hosted.GetProperty("provider").GetString()));
        string hostedId = hosted.GetProperty("id").GetString()!;

        // a hosted model promoted into a local alias: provider and model replace the file
        var promoted = await _cli.RunAsync("models", "promote", "candidate", hostedId);
        Assert.True(promoted.ExitCode == 0, promoted.ToString());
        Assert.Contains("    provider: mistral\n", SpecText, StringComparison.Ordinal);
        Assert.Contains("    model: ft:open-mistral-7b:abc123:20260701:support\n", SpecText, StringComparison.Ordinal);
        Assert.DoesNotContain("models/candidate.gguf", SpecText, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("spec", "check")).ExitCode);

        var openai = TuneProject.Json(await _cli.RunAsync("models", "import", "ft:gpt-4o-mini:acme::abc", "--provider", "openai", "--json"));
        Assert.Equal("openai", openai.GetProperty("provider").GetString());
        var listed = TuneProject.Json(await _cli.RunAsync("models", "list", "--json"));
        Assert.Equal(3, listed.GetArrayLength());

        async Task Expect(string message, params string[] args)
        {
            var run = await _cli.RunAsync(args);
            Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
        }

        await Expect("cannot register it", "models", "import", "models/base.gguf", "--id", "base-v1");
        await Expect("--id 'Base V2' is not a registry id", "models", "import", "models/base.gguf", "--id", "Base V2");
        await Expect("data/train.jsonl is not a GGUF file", "models", "import", "data/train.jsonl");
        await Expect("models/base.gguf is a whole model, not a LoRA adapter", "models", "import", "models/base.gguf", "--base", "models/base.gguf");
        await Expect("say who serves it: --provider mistral, openai or openai-compatible", "models", "import", "ft:gpt-4o-mini:acme::def");
        await Expect("no file at models/missing.gguf", "models", "import", "models/missing.gguf");
        await Expect("an openai-compatible model needs --base-url", "models", "import", "my-model", "--provider", "openai-compatible");
        await Expect("--export: no lineage.json in data", "models", "import", "models/base.gguf", "--export", "data");
        await Expect("'ft' matches several models", "models", "show", "ft");
    }

    [Fact]
    public async Task With_a_PostgreSQL_store_a_model_shows_the_eval_runs_kept_in_the_SQLite_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresTestDatabase.RequireAsync(ct);

        // Eval runs live in the SQLite file of store.path whatever the store of interactions and models is.
        File.AppendAllText(_cli.PathOf("tailor.yaml"), "store:\n  provider: postgres\n  connection_string_env: MODELS_PG\n");
        _cli.WithVariable("MODELS_PG", database.ConnectionString);
        Directory.CreateDirectory(_cli.PathOf("evals"));
        File.WriteAllText(_cli.PathOf("evals", "one.yaml"), "id: one\ncases:\n  - id: ember\n    input: What is the code of ember?\n    expected: ember is 100\n");
        var imported = TuneProject.Json(await _cli.RunAsync("models", "import", "models/base.gguf", "--id", "base-v1", "--json"));
        Assert.Equal("base-v1", imported.GetProperty("id").GetString());

        var eval = await _cli.RunAsync("eval", "run", "--suite", "evals/one.yaml", "--model", "base", "--no-cache");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var shown = TuneProject.Json(await _cli.RunAsync("models", "show", "base-v1", "--json"));

        var run = Assert.Single(shown.GetProperty("eval_runs").EnumerateArray());
        Assert.Equal(("one", "base"), (run.GetProperty("suite").GetString(), run.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task An_import_of_an_adapter_needs_its_base()
    {
        var job = await TuneProject.TuneAsync(_cli, "--lora-rank", "4");
        string adapter = job.GetProperty("output").GetProperty("reference").GetString()!;
        File.Copy(_cli.PathOf(adapter), _cli.PathOf("models", "adapter.gguf"));

        var without = await _cli.RunAsync("models", "import", "models/adapter.gguf");
        Assert.Equal(ExitCodes.BadInput, without.ExitCode);
        Assert.Contains("models/adapter.gguf is a LoRA adapter", without.Error, StringComparison.Ordinal);

        var imported = TuneProject.Json(await _cli.RunAsync("models", "import", "models/adapter.gguf", "--base", "models/base.gguf", "--json"));
        Assert.Equal(("lora-adapter", "models/base.gguf"), (imported.GetProperty("kind").GetString(), imported.GetProperty("base_reference").GetString()));
        Assert.Equal(0, (await _cli.RunAsync("models", "promote", "candidate", imported.GetProperty("id").GetString()!)).ExitCode);
        Assert.Contains("adapters: [models/adapter.gguf]", SpecText, StringComparison.Ordinal);
    }
}
