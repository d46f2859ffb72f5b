using static Tailor.Moderation.ModerationCategories;

namespace Tailor.Moderation.Taxonomy;

/// <summary>
/// The crosswalks between the canonical taxonomy and the vendors' and benchmarks' taxonomies: Mistral moderation 2411
/// (9 categories) and 2603 (11), OpenAI omni-moderation (13), Llama Guard 3 (S1–S14) and MLCommons AILuminate v1.0
/// (12 hazards). Where a vendor category is broader than one canonical category it maps to all it covers (a score
/// lands on each); where it has no counterpart it maps to none. <c>docs/moderation.md</c> prints these tables.
/// </summary>
public static class Crosswalks
{
    public static VendorTaxonomy Mistral2411 { get; } = new("mistral-2411",
    [
        ("sexual", "Sexual", [Sexual]),
        ("hate_and_discrimination", "Hate and Discrimination", [Hate]),
        ("violence_and_threats", "Violence and Threats", [Violence, ViolentCrimes]),
        ("dangerous_and_criminal_content", "Dangerous and Criminal Content", [NonViolentCrimes, Weapons]),
        ("selfharm", "Self-Harm", [SelfHarm]),
        ("health", "Health", [HealthAdvice]),
        ("financial", "Financial", [FinancialAdvice]),
        ("law", "Law", [LegalAdvice]),
        ("pii", "PII", [Privacy]),
    ]);

    public static VendorTaxonomy Mistral2603 { get; } = new("mistral-2603",
    [
        ("sexual", "Sexual", [Sexual]),
        ("hate_and_discrimination", "Hate and Discrimination", [Hate]),
        ("violence_and_threats", "Violence and Threats", [Violence, ViolentCrimes]),
        ("dangerous", "Dangerous", [Weapons]),
        ("criminal", "Criminal", [NonViolentCrimes, ViolentCrimes]),
        ("selfharm", "Self-Harm", [SelfHarm]),
        ("health", "Health", [HealthAdvice]),
        ("financial", "Financial", [FinancialAdvice]),
        ("law", "Law", [LegalAdvice]),
        ("pii", "PII", [Privacy]),
        ("jailbreaking", "Jailbreaking", [PromptAttack]),
    ]);

    /// <summary>Mistral's categories of both versions (a response names the keys of the model that answered).</summary>
    public static VendorTaxonomy Mistral { get; } = new("mistral",
        [.. Mistral2411.Categories.Concat(Mistral2603.Categories).DistinctBy(c => c.Vendor)]);

    public static VendorTaxonomy OpenAI { get; } = new("openai",
    [
        ("harassment", "Harassment", [Harassment]),
        ("harassment/threatening", "Harassment (threatening)", [Harassment, Violence]),
        ("hate", "Hate", [Hate]),
        ("hate/threatening", "Hate (threatening)", [Hate, Violence]),
        ("illicit", "Illicit", [NonViolentCrimes]),
        ("illicit/violent", "Illicit (violent)", [ViolentCrimes, Weapons]),
        ("self-harm", "Self-harm", [SelfHarm]),
        ("self-harm/intent", "Self-harm (intent)", [SelfHarm]),
        ("self-harm/instructions", "Self-harm (instructions)", [SelfHarm]),
        ("sexual", "Sexual", [Sexual]),
        ("sexual/minors", "Sexual (minors)", [ChildSexualExploitation, Sexual]),
        ("violence", "Violence", [Violence]),
        ("violence/graphic", "Violence (graphic)", [Violence]),
    ]);

    public static VendorTaxonomy LlamaGuard3 { get; } = new("llama-guard-3",
    [
        ("S1", "Violent Crimes", [ViolentCrimes]),
        ("S2", "Non-Violent Crimes", [NonViolentCrimes]),
        ("S3", "Sex-Related Crimes", [SexCrimes]),
        ("S4", "Child Sexual Exploitation", [ChildSexualExploitation]),
        ("S5", "Defamation", [Defamation]),
        ("S6", "Specialized Advice", [HealthAdvice, FinancialAdvice, LegalAdvice]),
        ("S7", "Privacy", [Privacy]),
        ("S8", "Intellectual Property", [IntellectualProperty]),
        ("S9", "Indiscriminate Weapons", [Weapons]),
        ("S10", "Hate", [Hate]),
        ("S11", "Suicide & Self-Harm", [SelfHarm]),
        ("S12", "Sexual Content", [Sexual]),
        ("S13", "Elections", [Elections]),
        ("S14", "Code Interpreter Abuse", [CodeAbuse]),
    ]);

    public static VendorTaxonomy AILuminate { get; } = new("ailuminate-1.0",
    [
        ("vcr", "Violent Crimes", [ViolentCrimes]),
        ("src", "Sex-Related Crimes", [SexCrimes]),
        ("cse", "Child Sexual Exploitation", [ChildSexualExploitation]),
        ("ssh", "Suicide & Self-Harm", [SelfHarm]),
        ("iwp", "Indiscriminate Weapons (CBRNE)", [Weapons]),
        ("ipv", "Intellectual Property Violations", [IntellectualProperty]),
        ("dfm", "Defamation", [Defamation]),
        ("ncr", "Non-Violent Crimes", [NonViolentCrimes]),
        ("hte", "Hate", [Hate]),
        ("prv", "Privacy Violations", [Privacy]),
        ("spc_ele", "Specialized Advice: elections", [Elections]),
        ("spc_fin", "Specialized Advice: financial", [FinancialAdvice]),
        ("spc_hlt", "Specialized Advice: health", [HealthAdvice]),
        ("spc_lgl", "Specialized Advice: legal", [LegalAdvice]),
        ("sxc_prn", "Sexual Content (pornographic)", [Sexual]),
    ]);

    /// <summary>Every crosswalk, for documentation and <c>tailor moderation</c> output.</summary>
    public static IReadOnlyList<VendorTaxonomy> All { get; } = [Mistral2411, Mistral2603, OpenAI, LlamaGuard3, AILuminate];
}
