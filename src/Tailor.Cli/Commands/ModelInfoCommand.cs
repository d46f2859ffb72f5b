using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Local.Gguf;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor model info file.gguf</c>: architecture, sizes, vocabulary and chat template of a GGUF, without loading its weights.</summary>
internal static class ModelInfoCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "A GGUF model or adapter" };
        var json = new Option<bool>("--json") { Description = "Print the information as JSON" };
        var command = new Command("info", "Describe a GGUF file: architecture, parameters, vocabulary, special tokens, chat template");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => Run(env, parse.GetValue(file)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliEnvironment env, string file, bool json)
    {
        string path = Path.GetFullPath(Path.Combine(env.WorkingDirectory, file));
        if (!File.Exists(path))
        {
            throw new CliException($"no file at {path}");
        }
        ModelInfo info;
        try
        {
            info = ModelInfo.Read(path);
        }
        catch (GgufFormatException ex)
        {
            throw new CliException($"{file}: not a GGUF file we can read: {ex.Message}", "check the path; GGUF v2 and v3 files are supported");
        }

        if (json)
        {
            env.WriteRawLine(JsonSerializer.Serialize(info, CliJson.Indented));
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("property").AddColumn("value");
        void Row(string name, object? value)
        {
            if (value is not null)
            {
                table.AddRow(name, Markup.Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
            }
        }
        Row("file", Path.GetRelativePath(env.WorkingDirectory, path));
        Row("kind", info.Kind);
        Row("name", info.Name);
        Row("architecture", info.Architecture);
        Row("parameters", FormatCount(info.ParameterCount));
        Row("tensors", $"{info.TensorCount} ({string.Join(", ", info.TensorTypes.Select(t => $"{t.Value} {t.Key}"))})");
        Row("file size", FormatBytes(info.FileSize));
        Row("context length", info.ContextLength);
        Row("embedding length", info.EmbeddingLength);
        Row("layers", info.BlockCount);
        Row("heads (kv)", info.HeadCount is null ? null : $"{info.HeadCount} ({info.HeadCountKv ?? info.HeadCount})");
        Row("feed-forward length", info.FeedForwardLength);
        Row("rope freq base", info.RopeFreqBase);
        Row("tokenizer", info.TokenizerModel is null ? null : $"{info.TokenizerModel}, {info.VocabularySize} tokens");
        Row("special tokens", info.SpecialTokens.Count == 0 ? null : string.Join(", ", info.SpecialTokens.Select(s => $"{s.Role}={s.Id} {s.Text}")));
        env.Out.Write(table);
        if (info.ChatTemplate is { } template)
        {
            env.Out.MarkupLine("[bold]chat template[/]");
            env.WriteRawLine(template);
        }
        return ExitCodes.Ok;
    }

    internal static string FormatCount(long n) => n switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:0.##}B"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:0.##}M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:0.##}K"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    internal static string FormatBytes(long n) => n switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 10):0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n} B"),
    };
}
