using System.Text;
using Microsoft.Extensions.AI;
using Tailor.Data;
using Tailor.Data.Export;
using Tailor.Data.Formats;
using Tailor.Data.Validation;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Tests.Data;

/// <summary>Exporting training examples from a real SQLite interaction store, with filters, corrections and lineage.</summary>
public sealed class LogExportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-export-").FullName;
    private SqliteInteractionStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = SqliteInteractionStore.Open(Path.Combine(_dir, "tailor.db"));
        await Record("01A", T0, "gateway", "support", "mistral-large", "How do I reset my password?", "Open Settings > Security.");
        await Record("01B", T0.AddDays(1), "gateway", "support", "mistral-large", "Can I pay by IBAN?", "Yes, under Billing.", metadata: """{"moderation.input":{"direction":"input","action":"redact","findings":[{"category":"privacy","score":1,"action":"redact","classifiers":["detectors"],"policies":["no-pii"]}],"redactions":[]}}""");
        await Record("01C", T0.AddDays(2), "gateway", "beta", "small-model", "What is the SLA?", "99.9%.");
        await Record("01D", T0.AddDays(3), "gateway", "support", "mistral-large", "Hi", "", status: InteractionStatus.Error);
        await Record("01E", T0.AddDays(4), "chat", "support", "mistral-large", "Where are invoices?", "Under Billing > Invoices.");
        await Record("01F", T0.AddDays(5), "gateway", "support", "mistral-large", "Weather in Paris?", null, tool: true);
        await Record("01G", T0.AddDays(6), "eval", "support", "mistral-large", "Eval question?", "Eval answer.");
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task Record(string id, DateTimeOffset at, string source, string route, string model, string question, string? answer,
        InteractionStatus status = InteractionStatus.Ok, string? metadata = null, bool tool = false)
    {
        IReadOnlyList<ChatMessage> response = tool
            ? [
                new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
                new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "18C")]),
                new ChatMessage(ChatRole.Assistant, "It is 18 degrees in Paris."),
            ]
            : answer is null or "" ? [] : [new ChatMessage(ChatRole.Assistant, answer)];
        await _store.RecordAsync(new Interaction
        {
            Id = id,
            StartedAt = at,
            Source = source,
            Route = route,
            ModelId = model,
            PromptId = "support",
            PromptVersion = "abc123",
            PromptText = "You are Acme's support assistant.",
            Request = [new ChatMessage(ChatRole.User, question)],
            Response = response,
            Status = status,
            MetadataJson = metadata,
        }, TestContext.Current.CancellationToken);
    }

    private async Task<(List<Conversation> Examples, LogExportResult Result)> Export(LogExportFilter filter, IFeedbackLookup? feedback = null)
    {
        var result = new LogExportResult();
        var examples = new List<Conversation>();
        await foreach (var example in new LogExporter(_store, feedback).ExportAsync(filter, result, TestContext.Current.CancellationToken))
        {
            examples.Add(example);
        }
        return (examples, result);
    }

    [Fact]
    public async Task Successful_unflagged_exchanges_become_valid_examples_that_name_their_interaction()
    {
        var (examples, result) = await Export(new LogExportFilter());

        Assert.Equal(["01F", "01E", "01C", "01A"], examples.Select(e => e.Source!.InteractionId));
        Assert.Equal(7, result.Read);
        Assert.Equal(1, result.Skipped["status"]);
        Assert.Equal(1, result.Skipped["eval traffic"]);
        Assert.Equal(1, result.Skipped["flagged"]);
        var first = examples[^1];
        Assert.Equal([MessageRole.System, MessageRole.User, MessageRole.Assistant], first.Messages.Select(m => m.Role));
        Assert.Equal("You are Acme's support assistant.", first.Messages[0].Content);
        Assert.Equal("mistral-large", first.Source!.Model);
        var weather = examples[0];
        Assert.Equal("get_weather", weather.Messages[2].ToolCalls[0].Name);
        Assert.Equal("""{"city":"Paris"}""", weather.Messages[2].ToolCalls[0].Arguments);
        Assert.Equal("call_1", weather.Messages[3].ToolCallId);

        var validator = new DatasetValidator(new ValidationOptions { Format = DatasetFormat.OpenAI });
        foreach (var example in examples)
        {
            byte[] line = ConversationWriter.ToJsonLine(example, DatasetFormat.OpenAI);
            Assert.True(ValidationRuleTests.ValidateOne(validator, line).IsValid, Encoding.UTF8.GetString(line));
            Assert.Contains($"\"interaction_id\":\"{example.Source!.InteractionId}\"", Encoding.UTF8.GetString(line), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Filters_narrow_by_time_route_model_and_source()
    {
        Assert.Equal(["01C"], (await Export(new LogExportFilter { Route = "beta" })).Examples.Select(e => e.Source!.InteractionId));
        Assert.Equal(["01C"], (await Export(new LogExportFilter { Model = "small-model" })).Examples.Select(e => e.Source!.InteractionId));
        Assert.Equal(["01E"], (await Export(new LogExportFilter { Source = "chat" })).Examples.Select(e => e.Source!.InteractionId));
        Assert.Equal(["01C"], (await Export(new LogExportFilter { Since = T0.AddDays(2), Until = T0.AddDays(3) })).Examples.Select(e => e.Source!.InteractionId));
        Assert.Equal(["01F", "01E", "01C", "01B", "01A"], (await Export(new LogExportFilter { ExcludeFlagged = false })).Examples.Select(e => e.Source!.InteractionId));
        Assert.DoesNotContain((await Export(new LogExportFilter { IncludeSystemPrompt = false })).Examples, e => e.Messages[0].Role == MessageRole.System);
    }

    [Fact]
    public async Task Feedback_filters_by_score_and_corrections_replace_the_answer()
    {
        string path = Path.Combine(_dir, "feedback.jsonl");
        File.WriteAllLines(path,
        [
            """{"interaction_id":"01A","score":5}""",
            """{"interaction_id":"01C","score":2}""",
            """{"interaction_id":"01E","score":4,"correction":"Go to Billing > Invoices; each invoice has a PDF link."}""",
        ]);
        var feedback = await FeedbackFile.LoadAsync(path, cancellationToken: TestContext.Current.CancellationToken);

        var (examples, result) = await Export(new LogExportFilter { MinFeedback = 4 }, feedback);

        Assert.Equal(["01E", "01A"], examples.Select(e => e.Source!.InteractionId));
        Assert.Equal("Go to Billing > Invoices; each invoice has a PDF link.", examples[0].Messages[^1].Content);
        Assert.Equal(1, result.Corrected);
        Assert.Equal(1, result.Skipped["feedback below"]);
        Assert.Equal(1, result.Skipped["no feedback"]);
        Assert.True(examples[0].Metadata["source"].GetProperty("corrected").GetBoolean());
        Assert.Equal(4, examples[0].Metadata["rating"].GetDouble());
        Assert.Equal(4, Tailor.Data.Dedup.Deduplicator.RatingOf(examples[0]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Export(new LogExportFilter { MinFeedback = 4 }));
    }

    [Fact]
    public async Task A_malformed_feedback_file_names_the_line()
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(path, ["""{"interaction_id":"01A","score":5}""", """{"interaction_id":"01C","score":"high"}"""]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => FeedbackFile.LoadAsync(path, "bad.jsonl", TestContext.Current.CancellationToken));

        Assert.StartsWith("bad.jsonl:2: score is not a number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_eval_runners_own_calls_stay_out_unless_asked_for()
    {
        var (byDefault, _) = await Export(new LogExportFilter());
        var (withEval, _) = await Export(new LogExportFilter { IncludeEvalTraffic = true });
        var (onlyEval, _) = await Export(new LogExportFilter { Source = "eval" });

        Assert.DoesNotContain(byDefault, e => e.Source!.InteractionId == "01G");
        Assert.Contains(withEval, e => e.Source!.InteractionId == "01G");
        Assert.Equal(["01G"], onlyEval.Select(e => e.Source!.InteractionId));
    }
}
