using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using Tailor.Local.Inference;
using Tailor.Local.Models;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Tests.Inference;

public sealed class LocalChatClientTests : IDisposable
{
    private static readonly ChatMessage[] Question = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "What does the tailor do?")];
    private static readonly ChatOptions Greedy = new() { Temperature = 0f };

    private readonly LocalModel _scripted = LocalModel.Load(TestModels.ScriptedModelPath);
    private readonly LocalModel _random = LocalModel.Load(TestModels.RandomModel);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public void Dispose()
    {
        _scripted.Dispose();
        _random.Dispose();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static int[] AnswerTokens => TestModels.Tokenizer.Encode(TestModels.ScriptedAnswer, addSpecial: false);

    private static int PromptTokenCount(IEnumerable<ChatMessage> messages) => TestModels.Tokenizer.Encode(
        ChatTemplate.ChatMl.Format(messages.Select(m => new ChatTurn(m.Role.Value, m.Text))).Text, addSpecial: true, parseSpecial: true).Length;

    [Fact]
    public async Task The_scripted_model_answers_exactly_and_reports_everything()
    {
        using var client = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256, TimeProvider = _time });

        var response = await client.GetResponseAsync(Question, Greedy, Cancel);

        Assert.Equal(TestModels.ScriptedAnswer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("scripted-tiny", response.ModelId);
        Assert.Equal(PromptTokenCount(Question), response.Usage!.InputTokenCount);
        Assert.Equal(AnswerTokens.Length + 1, response.Usage.OutputTokenCount); // the end-of-turn token is generated too
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.StartsWith("local-", response.ResponseId, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), response.CreatedAt);
        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.NotNull(message.MessageId);
    }

    [Fact]
    public async Task Characters_spread_over_byte_tokens_stream_whole()
    {
        using var dir = new TempDirectory();
        const string answer = "Tailor ꙮ𝄞!"; // characters the vocabulary lacks: 3 and 4 byte tokens
        var (path, _) = TestModels.WriteScripted(dir.File("bytes.gguf"), answer);
        Assert.Contains(TestModels.Tokenizer.Encode(answer, addSpecial: false), t => TestModels.Vocabulary.Types[t] == TokenType.Byte);
        using var model = LocalModel.Load(path);
        using var client = new LocalChatClient(model, new LocalChatClientOptions { ContextSize = 256 });

        var pieces = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, Greedy, Cancel))
        {
            pieces.Add(update.Text);
        }

        Assert.Equal(answer, string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Contains("𝄞", pieces);
    }

    [Fact]
    public async Task Max_output_tokens_ends_with_length_after_exactly_that_many_tokens()
    {
        using var client = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256 });

        var response = await client.GetResponseAsync(Question, new ChatOptions { Temperature = 0f, MaxOutputTokens = 3 }, Cancel);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
        Assert.Equal(TestModels.Tokenizer.Decode(AnswerTokens.Take(3)), response.Text);
    }

    [Theory]
    [InlineData("sews", "The tailor ")]
    [InlineData("r s", "The tailo")]
    [InlineData(".", "The tailor sews a shirt")]
    [InlineData("not in the answer", TestModels.ScriptedAnswer)]
    public async Task Stop_sequences_cut_the_reply_and_are_never_emitted(string stop, string expected)
    {
        using var client = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256 });
        var options = new ChatOptions { Temperature = 0f, StopSequences = [stop] };

        var streamed = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, options, Cancel))
        {
            streamed.Add(update.Text);
        }

        var response = await client.GetResponseAsync(Question, options, Cancel);
        Assert.Equal(expected, string.Concat(streamed));
        Assert.Equal(expected, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Streaming_and_non_streaming_agree_for_a_fixed_seed()
    {
        using var client = new LocalChatClient(_random, new LocalChatClientOptions { ContextSize = 256 });
        var options = new ChatOptions { Temperature = 0.9f, TopP = 0.95f, Seed = 42, MaxOutputTokens = 40 };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Question, options, Cancel))
        {
            updates.Add(update);
        }

        var response = await client.GetResponseAsync(Question, options, Cancel);
        Assert.Equal(response.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(response.FinishReason, updates.Last().FinishReason);
        var streamedUsage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(response.Usage!.OutputTokenCount, streamedUsage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount, streamedUsage.InputTokenCount);
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));
        Assert.NotEqual(response.ResponseId, updates[0].ResponseId);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_reply_and_another_seed_another()
    {
        using var client = new LocalChatClient(_random, new LocalChatClientOptions { ContextSize = 256 });
        ChatOptions Seeded(long seed) => new() { Temperature = 1.5f, Seed = seed, MaxOutputTokens = 30 };

        var first = await client.GetResponseAsync(Question, Seeded(7), Cancel);
        var again = await client.GetResponseAsync(Question, Seeded(7), Cancel);
        var other = await client.GetResponseAsync(Question, Seeded(8), Cancel);

        Assert.Equal(first.Text, again.Text);
        Assert.NotEqual(first.Text, other.Text);
    }

    [Fact]
    public async Task Usage_counts_match_the_tokens_of_prompt_and_reply()
    {
        using var client = new LocalChatClient(_random, new LocalChatClientOptions { ContextSize = 256 });

        var response = await client.GetResponseAsync(Question, new ChatOptions { Temperature = 0f, MaxOutputTokens = 25 }, Cancel);

        Assert.Equal(PromptTokenCount(Question), response.Usage!.InputTokenCount);
        if (response.FinishReason == ChatFinishReason.Length)
        {
            Assert.Equal(25, response.Usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task Concurrent_requests_all_complete_with_their_solo_answers()
    {
        using var client = new LocalChatClient(_random, new LocalChatClientOptions { ContextSize = 256, MaxConcurrentRequests = 2 });
        var prompts = Enumerable.Range(0, 4).Select(i => new[] { new ChatMessage(ChatRole.User, $"Question number {i}: what is {i} plus {i}?") }).ToArray();
        var options = new ChatOptions { Temperature = 0f, MaxOutputTokens = 20 };
        var solo = new List<string>();
        foreach (var prompt in prompts)
        {
            solo.Add((await client.GetResponseAsync(prompt, options, Cancel)).Text);
        }

        var together = await Task.WhenAll(prompts.Select(p => Task.Run(() => client.GetResponseAsync(p, options, Cancel), Cancel)));

        Assert.Equal(solo, together.Select(r => r.Text));
        Assert.All(together, r => Assert.Equal(20, r.Usage!.OutputTokenCount));
    }

    [Fact]
    public async Task Stopping_early_returns_the_context_for_the_next_request()
    {
        using var client = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256, MaxConcurrentRequests = 1 });

        await foreach (var update in client.GetStreamingResponseAsync(Question, Greedy, Cancel))
        {
            break;
        }

        var response = await client.GetResponseAsync(Question, Greedy, Cancel);
        Assert.Equal(TestModels.ScriptedAnswer, response.Text);
    }

    [Fact]
    public async Task A_reply_that_fills_the_context_ends_with_length_at_its_last_position()
    {
        // Random weights whose output rows for every control and byte token are zero: their logit is exactly 0, below the
        // largest of ~600 random logits, so greedy decoding never ends the turn and never waits on a partial character.
        using var dir = new TempDirectory();
        var weights = LlamaModelWeights.CreateRandom(TestModels.TinyConfig, seed: 99);
        for (var id = 0; id < TestModels.Vocabulary.Count; id++)
        {
            if (TestModels.Vocabulary.Types[id] != TokenType.Normal)
            {
                weights[LlamaTensorNames.Output].Row(id).Clear();
            }
        }

        var path = dir.File("endless.gguf");
        LlamaModelFile.Write(path, weights, TestModels.Vocabulary, "endless");
        using var model = LocalModel.Load(path);
        using var client = new LocalChatClient(model, new LocalChatClientOptions { ContextSize = 256 });

        var updates = 0;
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in client.GetStreamingResponseAsync(Question, Greedy, Cancel))
        {
            updates += update.Text.Length > 0 ? 1 : 0;
            finish ??= update.FinishReason;
            usage = update.Contents.OfType<UsageContent>().SingleOrDefault()?.Details ?? usage;
        }

        // The prompt fills positions 0..P-1 and every sampled token but the last one is evaluated: P + generated = 256.
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(256 - PromptTokenCount(Question), usage!.OutputTokenCount);
        Assert.Equal(usage.OutputTokenCount, updates); // one streamed update per token
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_refused_with_both_sizes()
    {
        using var client = new LocalChatClient(_random, new LocalChatClientOptions { ContextSize = 256 });
        var longQuestion = new ChatMessage(ChatRole.User, string.Join(' ', Enumerable.Repeat("the model measures the answer", 200)));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([longQuestion], Greedy, Cancel));

        Assert.Contains("256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_its_metadata()
    {
        using var client = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256 });

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("llama.cpp", metadata.ProviderName);
        Assert.Equal("scripted-tiny", metadata.DefaultModelId);
        Assert.Same(_scripted, client.GetService<LocalModel>());
    }

    [Fact]
    public async Task A_lora_adapter_changes_the_reply_by_its_scale()
    {
        using var dir = new TempDirectory();
        var config = TestModels.TinyConfig;
        var prompt = ChatTemplate.ChatMl.Format(Question.Select(m => new ChatTurn(m.Role.Value, m.Text))).Text;
        var first = TestModels.Tokenizer.Encode(prompt, parseSpecial: true)[^1];
        // Rank 1 on output.weight: reads dimension 0 (where the prompt's last token lives) and raises <|im_end|>'s logit.
        var a = new float[config.EmbeddingLength];
        a[0] = 1f;
        var b = new float[config.VocabularySize];
        b[TestModels.Vocabulary.EndOfTurnId!.Value] = 1f;
        LoraAdapterFile.Write(dir.File("stop.gguf"), [new LoraTensor(LlamaTensorNames.Output, 1, config.EmbeddingLength, config.VocabularySize, a, b)], alpha: 1f, name: "stop-now");
        Assert.NotEqual(-1, first);

        using var strong = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256, Adapters = [new(dir.File("stop.gguf"), 8f)] });
        using var off = new LocalChatClient(_scripted, new LocalChatClientOptions { ContextSize = 256, Adapters = [new(dir.File("stop.gguf"), 0f)] });

        var stopped = await strong.GetResponseAsync(Question, Greedy, Cancel);
        var unchanged = await off.GetResponseAsync(Question, Greedy, Cancel);

        Assert.Equal("", stopped.Text);
        Assert.Equal(1, stopped.Usage!.OutputTokenCount);
        Assert.Equal(TestModels.ScriptedAnswer, unchanged.Text);
    }

    [Fact]
    public async Task An_f16_model_loads_and_generates()
    {
        using var model = LocalModel.Load(TestModels.RandomModelF16);
        using var client = new LocalChatClient(model, new LocalChatClientOptions { ContextSize = 256 });

        var response = await client.GetResponseAsync(Question, new ChatOptions { Temperature = 0f, MaxOutputTokens = 10 }, Cancel);

        Assert.Equal("random-tiny-f16", response.ModelId);
        Assert.True(response.Usage!.OutputTokenCount is > 0 and <= 10);
    }
}

public sealed class ForeignTemplateTests
{
    [Fact]
    public async Task A_model_with_another_template_is_formatted_by_llama_cpp()
    {
        using var dir = new TempDirectory();
        var v = TestModels.Vocabulary;
        const string mistral = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";
        var vocabulary = new LlamaVocabulary(v.Tokens, v.Scores, v.Types, v.BosId, v.EosId, v.UnknownId, v.EndOfTurnId, addBos: true, chatTemplate: mistral);
        var path = dir.File("mistral-style.gguf");
        LlamaModelFile.Write(path, LlamaModelWeights.CreateRandom(TestModels.TinyConfig, seed: 9), vocabulary, "mistral-style");
        using var model = LocalModel.Load(path);
        using var client = new LocalChatClient(model, new LocalChatClientOptions { ContextSize = 256 });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there")], new ChatOptions { Temperature = 0f, MaxOutputTokens = 5 }, TestContext.Current.CancellationToken);

        // llama.cpp recognises [INST] as the llama 2 family: "[INST] Hello there [/INST]", BOS added by the tokenizer.
        var expected = model.Tokenize("[INST] Hello there [/INST]", addSpecial: true, parseSpecial: true);
        Assert.Equal(expected.Length, response.Usage!.InputTokenCount);
        Assert.Equal(mistral, model.ChatTemplate);
    }
}
