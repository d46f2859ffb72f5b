using Tailor.Local.Tokenizer;
using Tailor.Local.Training;
using Tailor.Local.Training.Data;

namespace Tailor.Local.Tests.Training;

/// <summary>Tokenization, masks, packing and the learning-rate schedule, checked against values worked out by hand.</summary>
public sealed class TrainingDataTests
{
    private static ExampleEncoder Encoder(int length = 128) => new(new LlamaTokenizer(TrainingData.Vocabulary), length);

    [Theory]
    [InlineData(LearningRateDecay.Cosine, 5, 5e-4)]
    [InlineData(LearningRateDecay.Cosine, 10, 1e-3)]
    [InlineData(LearningRateDecay.Cosine, 35, 8.6819805e-4)]  // 1e-4 + 4.5e-4 (1 + cos(π/4))
    [InlineData(LearningRateDecay.Cosine, 60, 5.5e-4)]
    [InlineData(LearningRateDecay.Cosine, 110, 1e-4)]
    [InlineData(LearningRateDecay.Linear, 35, 7.75e-4)]
    [InlineData(LearningRateDecay.Linear, 110, 1e-4)]
    [InlineData(LearningRateDecay.Constant, 100, 1e-3)]
    public void The_schedule_warms_up_linearly_then_decays_to_the_minimum_at_the_last_step(LearningRateDecay decay, int step, double expected)
    {
        var schedule = new LearningRateSchedule(1e-3f, 1e-4f, 10, 110, decay);

        Assert.Equal(expected, schedule.At(step), 7);
    }

    [Fact]
    public void Assistant_turns_with_weight_1_are_learned_and_everything_else_is_context()
    {
        var encoded = Encoder().Encode([TrainingExample.Chat(
        [
            new("system", "Be brief."), new("user", "Code of amber?"), new("assistant", "amber is 1", Weight: 0),
            new("user", "And raven?"), new("assistant", "raven is 2"),
        ])], "test").Single();

        var learned = new LlamaTokenizer(TrainingData.Vocabulary).Decode(encoded.Tokens.Where((_, i) => encoded.Trained[i]), renderSpecial: true);
        Assert.Equal("raven is 2<|im_end|>", learned);
    }

    [Fact]
    public void Plain_text_learns_every_token_and_ends_with_eos()
    {
        var encoded = Encoder().Encode([TrainingExample.PlainText("amber is 1")], "test").Single();

        Assert.Equal(TrainingData.Vocabulary.BosId, encoded.Tokens[0]);
        Assert.Equal(TrainingData.Vocabulary.EosId, encoded.Tokens[^1]);
        Assert.All(encoded.Trained, Assert.True);
    }

    [Fact]
    public void A_long_text_is_split_into_windows_that_overlap_by_one_token_so_every_token_is_predicted_once()
    {
        var text = string.Join(' ', TrainingData.Pairs.Select(p => p.Answer));
        var whole = Encoder(1000).Encode([TrainingExample.PlainText(text)], "test").Single();

        var windows = Encoder(16).Encode([TrainingExample.PlainText(text)], "test");

        Assert.True(windows.Count > 2);
        Assert.All(windows, w => Assert.True(w.Tokens.Length <= 16));
        Assert.Equal(whole.LossPositions, windows.Sum(w => w.LossPositions));
        Assert.Equal(whole.Tokens.Skip(1), windows.SelectMany(w => w.Tokens.Skip(1)));
    }

    [Fact]
    public void Bad_examples_are_all_reported_with_their_source()
    {
        var error = Assert.Throws<TrainingException>(() => Encoder().Encode(
        [
            TrainingExample.Chat([new("user", "hi"), new("assistant", "hello")], "data.jsonl:1"),
            TrainingExample.Chat([new("user", "hi")], "data.jsonl:2"),
            TrainingExample.Chat([new("robot", "hi"), new("assistant", "x")], "data.jsonl:3"),
            TrainingExample.Chat([new("user", "hi", Weight: 1), new("assistant", "x")], "data.jsonl:4"),
            TrainingExample.Chat([new("user", "hi"), new("assistant", "x", Weight: 2)], "data.jsonl:5"),
            TrainingExample.PlainText("", "data.jsonl:6"),
        ], "training"));

        Assert.True(error.IsInputError);
        Assert.StartsWith("5 bad training example(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.jsonl:2: has no assistant message to learn", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.jsonl:3: message 1 has role 'robot'", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.jsonl:4: message 1 is a user message with weight 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.jsonl:5: message 2 has weight 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("data.jsonl:6: the text is empty", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("data.jsonl:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packing_restarts_positions_per_example_masks_across_examples_and_pads_with_self_attention()
    {
        var a = new TokenizedExample([10, 11, 12], [false, true, true], "a", 0);
        var b = new TokenizedExample([20, 21], [false, true], "b", 1);

        var batch = PackedBatch.Pack([[a, b]], 1, 8, paddingId: 2);

        Assert.Equal([10, 11, 12, 20, 21, 2, 2, 2], batch.Tokens);
        Assert.Equal([0, 1, 2, 0, 1, 0, 0, 0], batch.Positions);
        Assert.Equal([1f, 1f, 0f, 1f, 0f, 0f, 0f, 0f], batch.LossMask); // position i predicts token i + 1 of its own example
        Assert.Equal([11, 12], batch.Targets.Take(2));
        Assert.Equal(21, batch.Targets[3]);
        Assert.Equal(3, batch.TrainedTokens);
        bool Sees(int q, int k) => batch.AttentionMask[q * 8 + k] == 0;
        Assert.True(Sees(2, 0) && Sees(4, 3) && Sees(4, 4) && Sees(6, 6));
        Assert.False(Sees(3, 2) || Sees(0, 1) || Sees(6, 5) || Sees(7, 6));
    }

    [Fact]
    public void Micro_batch_k_depends_only_on_the_data_the_seed_and_k_and_every_example_is_seen_once_per_epoch()
    {
        var examples = Encoder().Encode(TrainingData.Chats(TrainingData.Pairs), "test");
        var first = new BatchPlan(examples, seed: 4, rows: 2, length: 128, paddingId: 2);
        var second = new BatchPlan(examples, seed: 4, rows: 2, length: 128, paddingId: 2);

        var perEpoch = first.FirstEpochMicroBatches;
        var epoch = Enumerable.Range(0, perEpoch).Select(k => first.Get(k)).ToList();

        Assert.Equal(second.Get(perEpoch + 1).Tokens, first.Get(perEpoch + 1).Tokens); // random access, no iterator state
        Assert.Equal(examples.Sum(e => e.LossPositions), epoch.Sum(b => b.TrainedTokens));
        Assert.NotEqual(first.Get(0).Tokens, first.Get(perEpoch).Tokens); // epochs are reshuffled
        Assert.NotEqual(first.Get(0).Tokens, new BatchPlan(examples, seed: 5, rows: 2, length: 128, paddingId: 2).Get(0).Tokens);
    }

    [Fact]
    public void Options_are_validated_with_the_field_and_its_range()
    {
        Assert.Contains("LoRA target 'attn_z'", Assert.Throws<TrainingException>(() => new TrainingOptions { Lora = new LoraOptions { Targets = ["attn_z"] } }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("sequence length", Assert.Throws<TrainingException>(() => new TrainingOptions { SequenceLength = 1 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("validation fraction", Assert.Throws<TrainingException>(() => new TrainingOptions { ValidationFraction = 0.9 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Equal(new TrainingOptions().Fingerprint(), new TrainingOptions { Threads = 7, CheckpointEvery = 3, ValidationEvery = 9 }.Fingerprint());
        Assert.NotEqual(new TrainingOptions().Fingerprint(), new TrainingOptions { Seed = 2 }.Fingerprint());
    }
}
