using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Tailor.Chat;
using Tailor.Spec;
using Tailor.Store;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor ask "..."</c>: one question, one answer, recorded in the project's store.</summary>
internal static class AskCommand
{
    public static Command Create(CliEnvironment env)
    {
        var question = new Argument<string?>("question")
        {
            Description = "The question; '-' or nothing reads it from standard input",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var model = ChatOptionsBinding.ModelOption();
        var system = new Option<string?>("--system") { Description = "System prompt for this request, replacing the spec's" };
        var json = new Option<bool>("--json") { Description = "Print the answer and its record as JSON" };
        var generation = new ChatOptionsBinding();

        var command = new Command("ask", "Ask the model one question and print its answer");
        command.Arguments.Add(question);
        command.Options.Add(model);
        command.Options.Add(system);
        command.Options.Add(json);
        generation.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(question), parse.GetValue(model),
            parse.GetValue(system), parse.GetValue(json), generation.Read(parse), ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliEnvironment env, ParseResult parse, string? question, string? alias, string? system, bool json,
        ChatOptions options, CancellationToken ct)
    {
        if (question is null or "-")
        {
            question = await env.In.ReadToEndAsync(ct);
        }
        if (string.IsNullOrWhiteSpace(question))
        {
            throw new CliException("no question given", "tailor ask \"your question\"  (or pipe it: echo question | tailor ask -)");
        }

        var project = Project.Load(parse, env);
        var modelSpec = project.ResolveModel(alias);
        await using var store = await project.OpenGatewayStoreAsync(ct);
        using var client = project.CreateChatClient(modelSpec, store, "ask");

        var context = new InteractionContext();
        var request = context.AttachTo(system is null ? options : options.WithSystemPrompt(SystemPrompt.FromText("cli", system)));
        List<ChatMessage> messages = [new(ChatRole.User, question.Trim())];

        if (json)
        {
            var response = await client.GetResponseAsync(messages, request, ct);
            var record = await store.GetAsync(context.Id!, ct);
            WriteJson(env, modelSpec.Alias, response, record);
            return ExitCodes.Ok;
        }

        await foreach (var update in client.GetStreamingResponseAsync(messages, request, ct))
        {
            env.WriteRaw(update.Text);
        }
        env.WriteRawLine();
        if (await store.GetAsync(context.Id!, ct) is { } recorded)
        {
            env.Error.MarkupLine($"[grey]{Markup.Escape(InteractionSummary.Describe(recorded))}[/]");
        }
        return ExitCodes.Ok;
    }

    private static void WriteJson(CliEnvironment env, string alias, ChatResponse response, Interaction? record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", record?.Id);
            writer.WriteString("model_alias", alias);
            writer.WriteString("model", response.ModelId);
            writer.WriteString("text", response.Text);
            writer.WriteString("finish_reason", response.FinishReason?.Value);
            writer.WriteStartObject("usage");
            WriteNumber(writer, "input_tokens", response.Usage?.InputTokenCount);
            WriteNumber(writer, "output_tokens", response.Usage?.OutputTokenCount);
            writer.WriteEndObject();
            writer.WriteString("prompt_id", record?.PromptId);
            writer.WriteString("prompt_version", record?.PromptVersion);
            if (record?.LatencyMs is { } latency)
            {
                writer.WriteNumber("latency_ms", Math.Round(latency, 1));
            }
            writer.WriteEndObject();
        }
        env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}

/// <summary>One line describing a recorded exchange: model, tokens, time, id.</summary>
internal static class InteractionSummary
{
    public static string Describe(Interaction i)
    {
        var parts = new List<string> { i.ModelId ?? i.Route ?? "model" };
        if (i.InputTokens is not null || i.OutputTokens is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{i.InputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} in / {i.OutputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} out tokens"));
        }
        if (i.LatencyMs is { } ms)
        {
            parts.Add(ms >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0}s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0}ms"));
        }
        if (i.PromptVersion is { } v)
        {
            parts.Add($"prompt {i.PromptId}@{v}");
        }
        parts.Add($"recorded {i.Id}");
        return string.Join(" · ", parts);
    }
}
