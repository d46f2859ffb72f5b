using System.Text;
using System.Text.RegularExpressions;

namespace Tailor.Spec.Loading;

/// <summary>
/// The shape of every id in a spec (objectives, policies, gates, prompts, model aliases):
/// lowercase letters, digits, '.', '_' and '-', starting with a letter or a digit. Ids end up in
/// tags, file names and command lines, so they stay plain.
/// </summary>
internal static partial class SpecIds
{
    public const string Rule = "ids use lowercase letters, digits, '.', '_' and '-', and start with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string id) => Pattern().IsMatch(id);

    /// <summary>A valid id close to <paramref name="id"/>: "Answer Billing!" becomes "answer-billing".</summary>
    public static string Fix(string id)
    {
        var fixedId = new StringBuilder(id.Length);
        foreach (char c in id.Trim().ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-')
            {
                fixedId.Append(c);
            }
            else if (fixedId.Length > 0 && fixedId[^1] != '-')
            {
                fixedId.Append('-');
            }
        }

        string result = fixedId.ToString().TrimStart('.', '_', '-').TrimEnd('-');
        return result.Length == 0 ? "id" : result;
    }
}
