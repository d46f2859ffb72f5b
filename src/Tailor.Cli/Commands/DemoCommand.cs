using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Tailor.Cli.Demo;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor demo [dir]</c>: the whole loop, offline, on a tiny local model and the embedded store. It writes an
/// application, then runs the very commands a user would (printed as it goes) from defining it to switching the gateway
/// to a model tuned on its own traffic.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliEnvironment env)
    {
        var directory = new Argument<string>("directory") { Description = "Where to create the demo project", DefaultValueFactory = _ => "tailor-demo" };
        var fast = new Option<bool>("--fast") { Description = "A smaller model and fewer training steps: the loop in about a minute, answers less often right" };
        var force = new Option<bool>("--force") { Description = "Start over in a directory that already holds a demo" };
        var command = new Command("demo", "Run the whole loop offline: define, steer, evaluate, serve a beta, build a tuning set, tune, prove, switch");
        command.Arguments.Add(directory);
        command.Options.Add(fast);
        command.Options.Add(force);
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(directory)!, parse.GetValue(fast), parse.GetValue(force), ct));
        return command;
    }

    /// <summary>The model the tuning job just registered: the newest in the project's registry.</summary>
    private static async Task<string> LatestModelAsync(Project project, CancellationToken ct)
    {
        await using var store = await project.OpenGatewayStoreAsync(ct);
        await foreach (var model in ((ITuningStore)store).ListModelsAsync(new ModelQuery { Limit = 1 }, ct))
        {
            return model.Id;
        }
        throw new CliException("the demo stopped: the tuning job registered no model", "the output above says why");
    }

    private sealed record Size(string Embedding, string Layers, string PretrainSteps, string FinetuneSteps);

    private static async Task<int> RunAsync(CliEnvironment env, string directory, bool fast, bool force, CancellationToken ct)
    {
        string root = Path.GetFullPath(Path.Combine(env.WorkingDirectory, directory));
        if (File.Exists(Path.Combine(root, "tailor.yaml")) && !force)
        {
            throw new CliException($"{directory} already holds a project", "pass --force to start the demo over there, or name another directory");
        }
        if (force && Directory.Exists(root))
        {
            foreach (string sub in new[] { ".tailor", "models", "data", "evals", "prompts" })
            {
                if (Directory.Exists(Path.Combine(root, sub)))
                {
                    Directory.Delete(Path.Combine(root, sub), recursive: true);
                }
            }
        }
        var size = fast ? new Size("64", "2", "40", "200") : new Size("96", "3", "100", "500");
        var demo = new DemoRun(env, root);
        var clock = Stopwatch.StartNew();

        // 1. Define the application: objectives, policies, a system prompt, models, evals, gates.
        demo.Step(1, "Define the application", "objectives and values (policies) in tailor.yaml, a system prompt, an eval suite, gates");
        DemoProject.Write(root);
        env.Out.MarkupLine($"  wrote [bold]{Markup.Escape(Path.GetRelativePath(env.WorkingDirectory, root))}[/]: tailor.yaml, prompts/support.md, evals/heldout.yaml, data/docs.txt");
        await demo.RunAsync(ct, "spec", "check");
        await demo.RunAsync(ct, "spec", "coverage");

        // 2. The base model: a vocabulary and weights, pretrained on the product's documentation.
        demo.Step(2, "Make the base model", "a tiny llama model, built and pretrained here; no download");
        await demo.RunAsync(ct, "model", "create", "models/init.gguf", "--corpus", "data/docs.txt", "prompts/support.md",
            "--vocab", "400", "--embd", size.Embedding, "--layers", size.Layers, "--heads", "4", "--kv-heads", "2", "--context", "128");
        await demo.RunAsync(ct, "model", "pretrain", "models/init.gguf", "--data", "data/docs.txt", "-o", "models/base.gguf",
            "--steps", size.PretrainSteps, "--lr", "0.003", "--batch", "4", "--seq-len", "64", "--seed", "7");

        // 3. Steer and evaluate: the system prompt applies to every call; the eval suite measures the base model.
        demo.Step(3, "Steer and evaluate the base model", "the spec's system prompt is applied and versioned; every call is recorded");
        await demo.RunAsync(ct, "ask", "--model", "base", "How much is the Pro plan?");
        await demo.RunAsync(ct, "eval", "run", "--model", "base");

        // 4. The private beta: traffic through the gateway, with moderation, feedback and corrections.
        demo.Step(4, "Run a private beta behind the gateway", "OpenAI-compatible API with a key; every interaction and its feedback logged");
        var project = Project.Load(demo.Parse("spec", "check"), demo.Env);
        var beta = await DemoBeta.RunAsync(project, demo.Env, ct);
        env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  {beta.Requests} requests through {Markup.Escape(beta.BaseUrl)} (route [bold]{DemoProject.Route}[/]); {beta.Rated} rated with a correction; moderation stepped in on {beta.Blocked}"));
        await demo.RunAsync(ct, "logs", "tail", "-n", "3");

        // 5. The tuning set: export the rated traffic, then validate, deduplicate and keep it apart from the evals.
        demo.Step(5, "Turn the traffic into a tuning set", "corrections in place of the answers; validated, deduplicated, decontaminated");
        await demo.RunAsync(ct, "data", "export-logs", "-o", "data/logs.jsonl", "--format", "mistral");
        await demo.RunAsync(ct, "data", "validate", "data/logs.jsonl");
        await demo.RunAsync(ct, "data", "dedup", "data/logs.jsonl", "-o", "data/deduped.jsonl", "--exact-only");
        await demo.RunAsync(ct, "data", "decontaminate", "data/deduped.jsonl", "-o", "data/train.jsonl");
        await demo.RunAsync(ct, "data", "stats", "data/train.jsonl");

        // 6. Tune the smaller model on it, locally, as a tuning job: pre-flight, the trainer in its own process, the registry.
        demo.Step(6, "Fine-tune the candidate", "a local tuning job: data checked first, loss on the assistant's answers only, the model registered with its lineage");
        await demo.RunAsync(ct, "tune", "start", "--backend", "local", "--base", "base", "--train", "data/train.jsonl", "--suffix", "support",
            "--steps", size.FinetuneSteps, "--lr", "0.003", "--batch", "8", "--seq-len", "128", "--seed", "7", "--watch");
        string tuned = await LatestModelAsync(project, ct);
        await demo.RunAsync(ct, "models", "show", tuned);
        await demo.RunAsync(ct, "models", "promote", "candidate", tuned);

        // 7. Prove it: the same suite on the candidate, compared with the base, against the launch gates.
        demo.Step(7, "Prove it meets the launch criteria", "held-out questions, paired comparison with intervals, gates");
        await demo.RunAsync(ct, "eval", "run", "--model", "candidate");
        await demo.RunAsync(ct, "eval", "compare", "base", "candidate");
        int gates = await demo.RunAsync(ct, allowFailure: true, "eval", "gate", "--model", "candidate");

        // 8. Switch: only a candidate that passed the gates goes live; the route keeps its name, the alias behind it changes.
        demo.Step(8, "Switch the application to it", "the gateway's route serves the production alias; promoting the tuned model there is the switch, and rollback undoes it");
        if (gates == ExitCodes.Ok)
        {
            await demo.RunAsync(ct, "models", "promote", "production", tuned);
            var live = await DemoSwitch.RunAsync(Project.Load(demo.Parse("spec", "check"), demo.Env), demo.Env, ct);
            env.Out.MarkupLine($"  the gateway restarted at {Markup.Escape(live.BaseUrl)}; route [bold]{DemoProject.Route}[/] was asked \"{Markup.Escape(live.Question)}\"");
            env.Out.MarkupLine($"  and the tuned model answered: [bold]{Markup.Escape(live.Answer.Trim())}[/]");
            await demo.RunAsync(ct, "logs", "tail", "-n", "1");
        }
        else
        {
            env.Out.MarkupLine("  [yellow]not switched[/]: the candidate did not pass every gate, so production stays on the base model.");
        }

        env.Out.WriteLine();
        env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Done in {clock.Elapsed.TotalMinutes:0.0} min.[/] The project is in [bold]{Markup.Escape(Path.GetRelativePath(env.WorkingDirectory, root))}[/]: try [bold]tailor chat --model candidate[/] or [bold]tailor serve[/] there."));
        if (gates != ExitCodes.Ok)
        {
            env.Out.MarkupLine("[yellow]The candidate did not pass every gate this time[/]: a tiny model trained for a minute is a coin toss; run without --fast for a bigger one.");
        }
        return gates;
    }
}
