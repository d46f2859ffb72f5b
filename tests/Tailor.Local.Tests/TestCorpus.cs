using Tailor.Local.Tokenizer;

namespace Tailor.Local.Tests;

/// <summary>A small varied corpus made in code: prose, chat turns, digits, code-ish text and a few scripts.</summary>
public static class TestCorpus
{
    private static readonly string[] Subjects = ["the model", "a tailor", "the engine", "our team", "every user", "this test", "the tokenizer", "a small cat"];
    private static readonly string[] Verbs = ["measures", "answers", "learns", "writes", "reads", "sews", "counts", "checks"];
    private static readonly string[] Objects = ["the answer", "a new shirt", "its tokens", "the weather", "twelve numbers", "every stitch", "the context", "a question"];

    public static IReadOnlyList<string> Documents { get; } = Build();

    private static List<string> Build()
    {
        var random = new Random(11);
        var documents = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            string Pick(string[] a) => a[random.Next(a.Length)];
            var sentence = $"{Pick(Subjects)} {Pick(Verbs)} {Pick(Objects)}";
            documents.Add(char.ToUpperInvariant(sentence[0]) + sentence[1..] + (i % 3 == 0 ? "!" : "."));
            documents.Add($"In {1990 + i % 30}, {Pick(Subjects)} paid {random.Next(1, 999)}.{random.Next(10, 99)} euros for {Pick(Objects)}.");
        }

        documents.Add("def add(a, b):\n    return a + b\n\nprint(add(2, 3))  # prints 5\n");
        documents.Add("Café, naïve, déjà vu — smart “quotes” and ‘apostrophes’.");
        documents.Add("日本語のテキストと中文文本, Ελληνικά και русский текст.");
        documents.Add("Emoji: 🙂 👍 🎉 and tabs\tbetween\twords.\n\n\nThree newlines above.");
        var chat = ChatTemplate.ChatMl;
        for (var i = 0; i < 50; i++)
        {
            documents.Add(chat.Format([new ChatTurn("user", $"What is {i} plus {i}?"), new ChatTurn("assistant", $"{i} plus {i} is {2 * i}.")], addAssistantPrompt: false).Text);
        }

        return documents;
    }

    /// <summary>Texts that stress tokenization: whitespace runs, leading spaces, newlines, unseen bytes, emoji, specials written as text.</summary>
    public static IReadOnlyList<string> ParityCases { get; } =
    [
        "", " ", "  ", "\n", "\n\n", "a", "Hello world", "Hello world.", " Hello", "  Hello  world  ", "trailing   ",
        "The model measures the answer.", "the engine learns its tokens", "In 1999, the model paid 123.45 euros.",
        "1234567890 3.14159 -42 +7 1e10", "tabs\tand\ttabs\t\t", "line one\nline two\r\nline three\n\n\n",
        "Café naïve déjà vu", "日本語 中文 Ελληνικά русский", "emoji 🙂👍🏽 👨‍👩‍👧 🎉🎉", "\u0001\u0002\u007f control bytes",
        "ÿþ never seen: ᚠᛇᚻ ꙮ 𓀀", "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", "<s>literal specials</s> <unk>",
        "<0x41> is not A", "▁ already escaped ▁▁", "def add(a, b):\n    return a + b\n", "!!!???... ,,;; ---", "\"quotes\" 'single' `back`",
        "a\u00a0non-breaking space", "mixed   \t \n  whitespace", "UPPER lower MiXeD", "x" + new string('y', 300),
        "\ud800 lone surrogate", "end with special<|im_end|>", "<|im_end|><|im_end|>", "<|im_start|><|im_start|>assistant",
    ];

    /// <summary>Random strings over a pool of characters seen and unseen in training.</summary>
    public static IEnumerable<string> RandomCases(int count, int seed)
    {
        const string pool = "abcdefghij klmnopqrst uvwxyz ABC  0123456789 .,!?;:'\"-()\n\t éèàüßñ日本中Ω🙂👍<>|_▁";
        var random = new Random(seed);
        var runes = pool.EnumerateRunes().ToArray();
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(0, 40);
            yield return string.Concat(Enumerable.Range(0, length).Select(_ => runes[random.Next(runes.Length)].ToString()));
        }
    }
}
