namespace Tailor.Evals.Judging;

/// <summary>
/// The judge's built-in prompts, kept next to the parser that reads their answers (<see cref="JudgeVerdictParser"/>).
/// A suite can replace the rubric prompt (<c>judge: {prompt: file}</c> or a scorer's <c>prompt:</c>); a
/// replacement uses the same placeholders and must ask for the same JSON answer.
/// </summary>
/// <remarks>
/// Placeholders: <c>{{conversation}}</c> (the conversation up to the answer), <c>{{input}}</c> (the last
/// user message), <c>{{output}}</c> (the answer graded), <c>{{rubric}}</c>, <c>{{reference}}</c> (the
/// expected answer, or "(none)"), <c>{{scale}}</c> (how to score); pairwise: <c>{{response_a}}</c>, <c>{{response_b}}</c>.
/// </remarks>
public static class JudgePrompts
{
    /// <summary>Bump when the prompts change: it is part of the judge's cache key, so old cached verdicts are not reused.</summary>
    public const string Version = "1";

    public const string RubricSystem =
        "You are a strict, fair evaluator of an AI assistant's answers. You grade one answer against a rubric and reply with JSON only.";

    public const string Rubric = """
        Grade the assistant's answer below.

        [Conversation]
        {{conversation}}

        [Answer to grade]
        {{output}}

        [Rubric]
        {{rubric}}

        [Reference answer]
        {{reference}}

        Judge only against the rubric (and the reference answer, when there is one: the answer need not repeat
        it word for word, but must agree with it). Think about what the rubric requires, then decide.
        {{scale}}
        Reply with a single JSON object and nothing else.
        """;

    public const string ScaleOneToFive = """
        Score from 1 to 5: 1 = fails the rubric entirely, 2 = mostly fails, 3 = partly meets it, 4 = meets it with minor flaws, 5 = fully meets it.
        JSON: {"reason": "<one or two sentences>", "score": <integer 1-5>}
        """;

    public const string ScalePassFail = """
        Decide pass (the answer meets the rubric) or fail (it does not).
        JSON: {"reason": "<one or two sentences>", "pass": <true or false>}
        """;

    public const string PairwiseSystem =
        "You are a strict, fair evaluator comparing two AI assistant answers to the same conversation. Reply with JSON only.";

    public const string Pairwise = """
        Two assistants answered the same conversation. Decide which answer is better.

        [Conversation]
        {{conversation}}

        [Answer A]
        {{response_a}}

        [Answer B]
        {{response_b}}

        [What a good answer does]
        {{rubric}}

        [Reference answer]
        {{reference}}

        Do not let the order of the answers, their length or their style sway you; judge what they say.
        JSON: {"reason": "<one or two sentences>", "winner": "A" | "B" | "tie"}
        Reply with a single JSON object and nothing else.
        """;

    /// <summary>The rubric used when a scorer gives none.</summary>
    public const string DefaultRubric = "The answer is correct, helpful and follows the assistant's instructions.";
}
