using Tailor.Evals.Metrics;

namespace Tailor.Tests.Evals;

/// <summary>BLEU, ROUGE-L and token F1 on published worked examples.</summary>
public sealed class TextMetricTests
{
    private static string[] Split(string text) => text.Split(' ');

    // Papineni et al. (2002), the example NLTK's sentence_bleu documents: 0.5045666840058485.
    private static readonly string[][] PaperReferences =
    [
        Split("It is a guide to action that ensures that the military will forever heed Party commands"),
        Split("It is the guiding principle which guarantees the military forces always being under the command of the Party"),
        Split("It is the practical guide for the army always to heed the directions of the party"),
    ];

    [Fact]
    public void Bleu_reproduces_the_papineni_example_as_nltk_computes_it()
    {
        var hypothesis = Split("It is a guide to action which ensures that the military always obeys the commands of the party");

        double bleu = Bleu.Sentence(PaperReferences, hypothesis);

        Assert.Equal(0.5045666840058485, bleu, 12);
    }

    [Fact]
    public void Bleu_without_smoothing_is_zero_when_no_four_gram_matches_and_smoothing_lifts_it()
    {
        // NLTK's second documented hypothesis: sentence_bleu(...) == 0.
        var hypothesis = Split("It is to insure the troops forever hearing the activity guidebook that party direct");

        Assert.Equal(0, Bleu.Sentence(PaperReferences, hypothesis));
        double smoothed = Bleu.Sentence(PaperReferences, hypothesis, smoothing: BleuSmoothing.Method4);
        Assert.InRange(smoothed, 0.01, 0.5);
        Assert.True(Bleu.Sentence(PaperReferences, hypothesis, smoothing: BleuSmoothing.Epsilon) > 0);
    }

    [Fact]
    public void Bleu_of_a_hypothesis_equal_to_a_reference_is_one_and_of_nothing_in_common_is_zero()
    {
        Assert.Equal(1.0, Bleu.Sentence(PaperReferences, PaperReferences[2]), 12);
        Assert.Equal(0.0, Bleu.Sentence(PaperReferences, Split("zebra quantum lattice")));
        Assert.Equal(0.0, Bleu.Sentence(PaperReferences, []));
    }

    [Fact]
    public void Bleu_brevity_penalty_applies_to_a_short_hypothesis()
    {
        // 4 tokens against a 16-token reference, all n-grams match: BP = exp(1 - 16/4).
        IReadOnlyList<string>[] references = [Split("a b c d e f g h i j k l m n o p")];
        double bleu = Bleu.Sentence(references, Split("a b c d"));
        Assert.Equal(Math.Exp(1 - 16.0 / 4), bleu, 12);
    }

    [Fact]
    public void Rouge_l_reproduces_lins_example()
    {
        // Lin (2004), section 3: reference "police killed the gunman".
        Assert.Equal(0.75, RougeL.Score("police killed the gunman", "police kill the gunman").F1, 12);
        Assert.Equal(0.5, RougeL.Score("police killed the gunman", "the gunman kill police").F1, 12);
    }

    [Fact]
    public void Rouge_l_matches_the_rouge_score_package_readme_example()
    {
        // google-research/rouge: scorer.score('The quick brown fox jumps over the lazy dog', 'The quick brown dog jumps on the log.')
        var score = RougeL.Score("The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log.");

        Assert.Equal(0.625, score.Precision, 12);
        Assert.Equal(0.5555555555555556, score.Recall, 12);
        Assert.Equal(0.5882352941176471, score.F1, 12);
    }

    [Fact]
    public void Token_f1_follows_squad_normalisation()
    {
        var score = TokenF1.Score("a cat sat on the mat", "The Cat sat!");

        Assert.Equal(1.0, score.Precision, 12);
        Assert.Equal(0.5, score.Recall, 12);
        Assert.Equal(2.0 / 3, score.F1, 12);
        Assert.Equal(0, TokenF1.Score("yes", "no").F1);
        Assert.Equal(1, TokenF1.Score("the", "a").F1);
    }

    [Fact]
    public void Words_are_lowercased_runs_of_letters_and_digits_in_any_script()
    {
        Assert.Equal(["héllo", "wörld", "42", "日本"], TextTokens.Words("Héllo, WÖRLD! 42 日本"));
    }
}
