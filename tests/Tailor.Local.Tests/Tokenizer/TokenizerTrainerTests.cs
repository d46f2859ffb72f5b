using Tailor.Local.Tokenizer;

namespace Tailor.Local.Tests.Tokenizer;

public class TokenizerTrainerTests
{
    [Fact]
    public void Lays_out_specials_bytes_controls_then_pieces_with_descending_scores()
    {
        var vocabulary = TestModels.Vocabulary;

        Assert.InRange(vocabulary.Count, 400, 640); // at most the size asked: a small corpus runs out of repeated pairs
        Assert.Equal(["<unk>", "<s>", "</s>"], vocabulary.Tokens.Take(3));
        Assert.Equal([TokenType.Unknown, TokenType.Control, TokenType.Control], vocabulary.Types.Take(3));
        for (var b = 0; b < 256; b++)
        {
            Assert.Equal($"<0x{b:X2}>", vocabulary.Tokens[3 + b]);
            Assert.Equal(TokenType.Byte, vocabulary.Types[3 + b]);
        }

        Assert.Equal(["<|im_start|>", "<|im_end|>"], vocabulary.Tokens.Skip(259).Take(2));
        var normal = Enumerable.Range(261, vocabulary.Count - 261).ToArray();
        Assert.All(normal, i => Assert.Equal(TokenType.Normal, vocabulary.Types[i]));
        Assert.True(normal.Zip(normal.Skip(1)).All(p => vocabulary.Scores[p.First] > vocabulary.Scores[p.Second]));
        Assert.Equal(vocabulary.Count, vocabulary.Tokens.Distinct().Count());
    }

    [Fact]
    public void Learns_frequent_words_as_single_pieces()
    {
        var tokenizer = TestModels.Tokenizer;

        Assert.Single(tokenizer.Encode(" tailor", addSpecial: false));
        Assert.Single(tokenizer.Encode("The", addSpecial: false));
        Assert.Equal(2, tokenizer.Encode("42", addSpecial: false).Length); // digits stay single
        Assert.DoesNotContain(TestModels.Vocabulary.Tokens.Skip(261), t => t.Contains('\n', StringComparison.Ordinal) && t.Trim('\n').Length > 0);
    }

    [Fact]
    public void A_pair_whose_count_shrank_after_a_merge_is_still_learned()
    {
        // "bc" (35) merges first; that leaves "ab" with 12 of its 17 occurrences, which must still be merged.
        string[] corpus = [.. Enumerable.Repeat("bc", 30), .. Enumerable.Repeat("abc", 5), .. Enumerable.Repeat("abd", 12)];

        var vocabulary = TokenizerTrainer.Train(corpus, new TokenizerTrainerOptions { VocabularySize = 300 }, TestContext.Current.CancellationToken);

        var pieces = vocabulary.Tokens.Skip(261).ToList();
        Assert.Equal(["bc", "ab", "abd", "abc"], pieces.Take(4));
    }

    [Fact]
    public void Is_deterministic()
    {
        var options = new TokenizerTrainerOptions { VocabularySize = 400 };

        var first = TokenizerTrainer.Train(TestCorpus.Documents, options, TestContext.Current.CancellationToken);
        var second = TokenizerTrainer.Train(TestCorpus.Documents.ToList(), options, TestContext.Current.CancellationToken);

        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(first.Scores, second.Scores);
    }

    [Fact]
    public void Rejects_a_vocabulary_smaller_than_its_reserved_tokens() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenizerTrainer.Train(["x"], new TokenizerTrainerOptions { VocabularySize = 100 }, TestContext.Current.CancellationToken));
}
