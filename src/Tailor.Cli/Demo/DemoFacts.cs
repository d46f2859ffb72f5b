namespace Tailor.Cli.Demo;

/// <summary>
/// The made-up product the demo's application supports: what customers ask (several phrasings of each question), the
/// right answer, and the objective each question serves. Small enough for a tiny model to learn in a minute on a laptop.
/// </summary>
internal static class DemoFacts
{
    /// <summary>One thing customers ask. The first phrasings are what users type in the beta; the last two are held out for evals.</summary>
    public sealed record Fact(string Id, string Objective, string Answer, string[] Phrasings)
    {
        public const int HeldOut = 2;

        public IEnumerable<string> Traffic => Phrasings.Take(Phrasings.Length - HeldOut);

        public IEnumerable<string> EvalQuestions => Phrasings.Skip(Phrasings.Length - HeldOut);
    }

    public static IReadOnlyList<Fact> All { get; } =
    [
        new("price-starter", "answer-billing", "Starter costs 9 euros a month.",
            ["How much is the Starter plan?", "What does Starter cost?", "Price of the Starter plan?", "How much do I pay for Starter?", "Starter plan price?", "What is the monthly price of Starter?"]),
        new("price-pro", "answer-billing", "Pro costs 29 euros a month.",
            ["How much is the Pro plan?", "What does Pro cost?", "Price of the Pro plan?", "How much do I pay for Pro?", "Pro plan price?", "What is the monthly price of Pro?"]),
        new("price-team", "answer-billing", "Team costs 79 euros a month.",
            ["How much is the Team plan?", "What does Team cost?", "Price of the Team plan?", "How much do I pay for Team?", "Team plan price?", "What is the monthly price of Team?"]),
        new("refund", "answer-billing", "You can ask for a refund within 14 days.",
            ["Can I get a refund?", "How do refunds work?", "What is the refund window?", "I want my money back, how long do I have?", "Refund policy?", "How many days do I have to ask for a refund?"]),
        new("invoice", "answer-billing", "Invoices are under Billing, then Invoices.",
            ["Where are my invoices?", "How do I download an invoice?", "Where can I find my bills?", "Invoice download?", "Where do I get a copy of my invoice?", "How can I see past invoices?"]),
        new("cancel", "answer-billing", "Cancel under Billing, then Plan, then Cancel.",
            ["How do I cancel?", "Cancel my subscription.", "How can I stop my plan?", "I want to cancel my account.", "Cancellation?", "Where do I cancel my plan?"]),
        new("storage-starter", "answer-account", "Starter includes 10 GB of storage.",
            ["How much storage does Starter have?", "Starter storage?", "What is the disk space on Starter?", "How many gigabytes in Starter?", "Storage limit of Starter?", "Starter plan storage size?"]),
        new("storage-pro", "answer-account", "Pro includes 100 GB of storage.",
            ["How much storage does Pro have?", "Pro storage?", "What is the disk space on Pro?", "How many gigabytes in Pro?", "Storage limit of Pro?", "Pro plan storage size?"]),
        new("reset", "answer-account", "Use Forgot password on the sign-in page.",
            ["How do I reset my password?", "I forgot my password.", "Password reset?", "How can I change my password?", "I cannot log in, password lost.", "Where do I reset my password?"]),
        new("upgrade", "answer-account", "Upgrade under Billing, then Plan, then Change.",
            ["How do I upgrade?", "Upgrade my plan.", "How can I move to a bigger plan?", "I want to upgrade to Pro.", "Plan upgrade?", "Where do I change my plan?"]),
        new("hours", "escalate", "Support is open Monday to Friday, 8 to 18.",
            ["When is support open?", "What are your support hours?", "Support hours?", "When can I reach support?", "Is support open on weekends?", "What time does support open?"]),
        new("human", "escalate", "I will hand you to a human agent now.",
            ["Can I talk to a person?", "I want a human.", "Let me speak to an agent.", "Is there a real person?", "Connect me to support staff.", "I need a human agent."]),
    ];

    /// <summary>Product documentation: what the base model is pretrained on, so it knows the words before it learns the answers.</summary>
    public static IEnumerable<string> Documentation()
    {
        foreach (var fact in All)
        {
            yield return fact.Answer;
        }
        yield return "Acme Cloud has three plans: Starter, Pro and Team. Plans are billed every month.";
        yield return "Billing shows your plan, your invoices and your payment method. Plan lets you change or cancel it.";
        yield return "Support answers questions about plans, billing, storage and accounts, and hands you to a human agent.";
    }
}
