using System.CommandLine;
using System.Text.Json;
using Tailor.Data;
using Tailor.Data.Formats;

namespace Tailor.Cli.Commands;

/// <summary>What the <c>tailor data</c> verbs share: paths, formats, the optional project, JSON output.</summary>
internal static class DataFiles
{
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the result as JSON" };

    public static Option<string?> FormatOption(string description) => new("--format", "-f") { Description = description };

    /// <summary>An existing input file, resolved against the working directory; a missing one is a usage error.</summary>
    public static string Input(CliEnvironment env, string path)
    {
        string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, path));
        if (!File.Exists(full))
        {
            throw new CliException($"no file at {Display(env, full)}", Directory.Exists(full) ? "pass a JSONL file, not a directory" : "check the path");
        }
        return full;
    }

    /// <summary>An output path whose directory exists (created if needed); never the same file as an input.</summary>
    public static string Output(CliEnvironment env, string path, params string[] inputs)
    {
        string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, path));
        if (inputs.Any(i => string.Equals(i, full, StringComparison.Ordinal)))
        {
            throw new CliException($"{Display(env, full)} is both input and output", "write to another file; the input is never overwritten");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>A file next to <paramref name="input"/> with <paramref name="suffix"/> before the extension: <c>train.jsonl</c> -> <c>train.valid.jsonl</c>.</summary>
    public static string Beside(string input, string suffix) =>
        Path.Combine(Path.GetDirectoryName(input)!, $"{Path.GetFileNameWithoutExtension(input)}.{suffix}.jsonl");

    public static FileStream Create(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);

    public static string Display(CliEnvironment env, string full) => Path.GetRelativePath(env.WorkingDirectory, full);

    public static DatasetFormat? ParseFormat(string? name, bool allowShareGpt = false) => name?.ToLowerInvariant() switch
    {
        null => null,
        "mistral" => DatasetFormat.Mistral,
        "openai" => DatasetFormat.OpenAI,
        "text" or "pretrain" => DatasetFormat.Text,
        "sharegpt" when allowShareGpt => DatasetFormat.ShareGpt,
        _ => throw new CliException($"unknown format '{name}'", "use mistral, openai or text"),
    };

    /// <summary>The project when there is one (from --project or found upward); null when there is none. A broken spec stops the command.</summary>
    public static Project? TryLoadProject(ParseResult parse, CliEnvironment env)
    {
        if (parse.GetValue(TailorCli.ProjectOption) is null && Spec.SpecLocator.Find(env.WorkingDirectory) is null)
        {
            return null;
        }
        return Project.Load(parse, env);
    }

    public static void WriteJson(CliEnvironment env, object value) => env.WriteRawLine(JsonSerializer.Serialize(value, CliJson.Indented));

    public static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Number(double n) => n.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
