using System.Text;
using LLama.Native;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Tests.Tokenizer;

/// <summary>The C# tokenizer against llama.cpp's own (<c>llama_tokenize</c>, <c>llama_token_to_piece</c>) on the same GGUF.</summary>
public sealed class TokenizerParityTests : IDisposable
{
    private readonly SafeLlamaModelHandle _model;

    public TokenizerParityTests()
    {
        LocalEngine.EnsureLoaded();
        var parameters = LLamaModelParams.Default();
        parameters.vocab_only = true;
        _model = SafeLlamaModelHandle.LoadFromFile(TestModels.RandomModel, parameters);
    }

    public void Dispose() => _model.Dispose();

    public static TheoryData<string> Cases() => [.. TestCorpus.ParityCases];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encodes_like_llama_cpp(string text)
    {
        foreach (var (addSpecial, parseSpecial) in new[] { (true, false), (false, false), (true, true), (false, true) })
        {
            var expected = Native(text, addSpecial, parseSpecial);
            var actual = TestModels.Tokenizer.Encode(text, addSpecial, parseSpecial);
            Assert.True(expected.SequenceEqual(actual), $"add_special={addSpecial} parse_special={parseSpecial}\nllama.cpp: {string.Join(" ", expected)}\nC#:        {string.Join(" ", actual)}");
        }
    }

    [Fact]
    public void Encodes_random_strings_like_llama_cpp()
    {
        foreach (var text in TestCorpus.RandomCases(300, seed: 5))
        {
            Assert.Equal(Native(text, true, true), TestModels.Tokenizer.Encode(text, true, true));
            Assert.Equal(Native(text, false, false), TestModels.Tokenizer.Encode(text, false, false));
        }
    }

    [Fact]
    public void Encodes_the_training_corpus_like_llama_cpp()
    {
        foreach (var text in TestCorpus.Documents.Where((_, i) => i % 7 == 0))
        {
            Assert.Equal(Native(text, true, true), TestModels.Tokenizer.Encode(text, true, true));
        }
    }

    [Fact]
    public void Decodes_every_token_like_llama_cpp()
    {
        var vocabulary = TestModels.Vocabulary;
        Assert.Equal(vocabulary.Count, _model.Vocab.Count);
        Span<byte> buffer = stackalloc byte[256];
        for (var id = 0; id < vocabulary.Count; id++)
        {
            foreach (var special in new[] { false, true })
            {
                var length = (int)_model.TokenToSpan(id, buffer, special: special);
                Assert.True(buffer[..length].SequenceEqual(TestModels.Tokenizer.DecodePiece(id, special)), $"token {id} '{vocabulary.Tokens[id]}' special={special}: llama.cpp gives [{Convert.ToHexString(buffer[..length])}]");
            }
        }
    }

    [Fact]
    public void Round_trips_text_through_encode_and_decode()
    {
        // A lone surrogate becomes U+FFFD and a literal ▁ decodes as a space, in llama.cpp too.
        foreach (var text in TestCorpus.ParityCases.Where(t => !t.Contains('\ud800', StringComparison.Ordinal) && !t.Contains('\u2581', StringComparison.Ordinal)))
        {
            Assert.Equal(text, TestModels.Tokenizer.Decode(TestModels.Tokenizer.Encode(text, addSpecial: false)));
        }
    }

    [Fact]
    public void The_special_tokens_are_what_llama_cpp_reads()
    {
        var vocabulary = TestModels.Vocabulary;
        Assert.Equal(vocabulary.BosId, (int)_model.Vocab.BOS!.Value);
        Assert.Equal(vocabulary.EosId, (int)_model.Vocab.EOS!.Value);
        Assert.Equal(vocabulary.EndOfTurnId, (int)_model.Vocab.EOT!.Value);
        Assert.Equal("<|im_end|>", vocabulary.Tokens[vocabulary.EndOfTurnId!.Value]);
        Assert.Equal(LLamaVocabType.SentencePiece, _model.Vocab.Type);
        Assert.True(_model.Vocab.ShouldAddBOS);
    }

    private int[] Native(string text, bool addSpecial, bool parseSpecial) =>
        _model.Tokenize(text, addSpecial, parseSpecial, Encoding.UTF8).Select(t => (int)t).ToArray();
}
