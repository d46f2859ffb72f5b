using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor init [dir]</c>: scaffolds a project (spec, system prompt, an eval suite) that passes <c>tailor spec check</c>.</summary>
internal static partial class InitCommand
{
    private const string TemplatePrefix = "Templates/init/";

    public static Command Create(CliEnvironment env)
    {
        var directory = new Argument<string>("directory")
        {
            Description = "Where to create the project (default: the current directory)",
            DefaultValueFactory = _ => ".",
        };
        var name = new Option<string?>("--name") { Description = "Application name (default: the directory's name)" };
        var force = new Option<bool>("--force") { Description = "Overwrite files that already exist" };
        var command = new Command("init", "Create a Tailor project: tailor.yaml, a system prompt and an eval suite");
        command.Arguments.Add(directory);
        command.Options.Add(name);
        command.Options.Add(force);
        command.SetAction(parse => Run(env, parse.GetValue(directory)!, parse.GetValue(name), parse.GetValue(force)));
        return command;
    }

    private static int Run(CliEnvironment env, string directory, string? name, bool force)
    {
        string root = Path.GetFullPath(Path.Combine(env.WorkingDirectory, directory));
        name ??= ToAppName(Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)));
        if (!SafeName().IsMatch(name))
        {
            throw new CliException(
                $"'{name}' cannot be an application name: it goes into YAML and prompts unquoted",
                "use letters, digits, spaces, '.', '_' and '-', starting with a letter or digit, e.g. --name \"Acme Support\"");
        }

        var files = Templates().Select(t => (Target: Path.Combine(root, TargetName(t.Name)), t.Content)).ToList();
        var existing = files.Where(f => File.Exists(f.Target)).Select(f => Path.GetRelativePath(env.WorkingDirectory, f.Target)).ToList();
        if (existing.Count > 0 && !force)
        {
            throw new CliException(
                $"not overwriting existing files: {string.Join(", ", existing)}",
                "pick an empty directory, or pass --force to overwrite them");
        }

        foreach (var (target, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content.Replace("__NAME__", name, StringComparison.Ordinal));
            env.Out.MarkupLine($"  [green]created[/] {Markup.Escape(Path.GetRelativePath(env.WorkingDirectory, target))}");
        }

        string cd = Path.GetRelativePath(env.WorkingDirectory, root);
        env.Out.MarkupLine("");
        env.Out.MarkupLine("Next:");
        if (cd != ".")
        {
            env.Out.MarkupLine($"  cd {Markup.Escape(cd)}");
        }
        env.Out.MarkupLine("  tailor spec check        [grey]# validate the spec[/]");
        env.Out.MarkupLine("  tailor spec coverage     [grey]# what covers each objective and policy[/]");
        env.Out.MarkupLine("  tailor chat              [grey]# talk to the default model (see 'models:' in tailor.yaml)[/]");
        return ExitCodes.Ok;
    }

    private static IEnumerable<(string Name, string Content)> Templates()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(TemplatePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource[TemplatePrefix.Length..], reader.ReadToEnd());
        }
    }

    // Dotfiles are stored without their dot so build tools leave them alone.
    private static string TargetName(string name) => name == "gitignore" ? ".gitignore" : name.Replace('/', Path.DirectorySeparatorChar);

    /// <summary>A name safe to put unquoted in YAML: letters, digits, dashes.</summary>
    private static string ToAppName(string directoryName) =>
        UnsafeNameCharacters().Replace(directoryName.Trim(), "-").Trim('-') is { Length: > 0 } clean ? clean : "my-app";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ._-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeNameCharacters();
}
