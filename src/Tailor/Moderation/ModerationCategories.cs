namespace Tailor.Moderation;

/// <summary>
/// The canonical moderation taxonomy every classifier maps into and every policy names.
/// Built on MLCommons' hazards (as Llama Guard 3 is), with the categories vendors add
/// (harassment, prompt attacks, secrets). Crosswalks to vendor taxonomies live with the classifiers.
/// </summary>
public static class ModerationCategories
{
    public const string ViolentCrimes = "violent_crimes";
    public const string NonViolentCrimes = "non_violent_crimes";
    public const string SexCrimes = "sex_crimes";
    public const string ChildSexualExploitation = "child_sexual_exploitation";
    public const string SelfHarm = "self_harm";
    public const string Weapons = "indiscriminate_weapons";
    public const string Hate = "hate";
    public const string Harassment = "harassment";
    public const string Violence = "violence";
    public const string Sexual = "sexual";
    public const string Privacy = "privacy";
    public const string Secrets = "secrets";
    public const string Defamation = "defamation";
    public const string IntellectualProperty = "intellectual_property";
    public const string HealthAdvice = "health_advice";
    public const string FinancialAdvice = "financial_advice";
    public const string LegalAdvice = "legal_advice";
    public const string Elections = "elections";
    public const string PromptAttack = "prompt_attack";
    public const string CodeAbuse = "code_interpreter_abuse";

    /// <summary>Every canonical category with a one-line description, in a stable order.</summary>
    public static IReadOnlyList<(string Id, string Description)> All { get; } =
    [
        (ViolentCrimes, "Enabling or encouraging violent crimes: terrorism, murder, assault, kidnapping."),
        (NonViolentCrimes, "Enabling or encouraging non-violent crimes: fraud, theft, hacking, drugs."),
        (SexCrimes, "Enabling or encouraging sex-related crimes: trafficking, assault, harassment."),
        (ChildSexualExploitation, "Sexual content involving minors or enabling their abuse."),
        (SelfHarm, "Encouraging or enabling suicide, self-injury or disordered eating."),
        (Weapons, "Chemical, biological, radiological, nuclear or high-yield explosive weapons."),
        (Hate, "Demeaning or dehumanising people for a protected characteristic."),
        (Harassment, "Threatening, bullying or intimidating a person."),
        (Violence, "Graphic violence or threats of violence."),
        (Sexual, "Sexually explicit content."),
        (Privacy, "Personal data: e-mail, phone, payment cards, IBAN, addresses, national ids."),
        (Secrets, "Credentials: API keys, private keys, tokens, passwords."),
        (Defamation, "False statements that harm a real person's reputation."),
        (IntellectualProperty, "Reproducing or enabling infringement of copyrighted or protected work."),
        (HealthAdvice, "Specialised medical advice that needs a professional."),
        (FinancialAdvice, "Specialised financial or investment advice."),
        (LegalAdvice, "Specialised legal advice."),
        (Elections, "Misinformation about electoral processes."),
        (PromptAttack, "Prompt injection or jailbreak: attempts to override the system prompt or policies."),
        (CodeAbuse, "Abuse of code execution or tools: escapes, denial of service, exfiltration."),
    ];

    private static readonly string[] Ids = [.. All.Select(c => c.Id)];

    private static readonly Dictionary<string, int> Positions =
        All.Select((c, i) => (c.Id, i)).ToDictionary(c => c.Id, c => c.i, StringComparer.Ordinal);

    public static bool IsKnown(string id) => Positions.ContainsKey(id);

    /// <summary>The position of <paramref name="id"/> in <see cref="All"/>; -1 when it is not a canonical category.</summary>
    internal static int IndexOf(string id)
    {
        // Classifiers name categories with the constants above (see Canonical), so comparing references almost
        // always finds it before any string is hashed; this runs for every score of every moderated text.
        for (int i = 0; i < Ids.Length; i++)
        {
            if (ReferenceEquals(Ids[i], id))
            {
                return i;
            }
        }

        return Positions.TryGetValue(id, out int position) ? position : -1;
    }

    /// <summary>The canonical instance of the category <paramref name="id"/> (the constant), or <paramref name="id"/> itself when it is not one.</summary>
    internal static string Canonical(string id) => IndexOf(id) is var i and >= 0 ? Ids[i] : id;
}
