using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Splitting;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor data mix a.jsonl:3 b.jsonl:1 -o mix.jsonl</c>: a seeded, shuffled mix of several files by weight.</summary>
internal static class DataMixCommand
{
    public static Command Create(CliEnvironment env)
    {
        var sources = new Argument<string[]>("sources") { Description = "Files as path[:weight] (weight 1 when absent)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The mixed file", Required = true };
        var total = new Option<long?>("--total") { Description = "Examples in the mix (default: the largest mix that repeats no example)" };
        var seed = new Option<int>("--seed") { Description = "Seed of sampling and shuffling", DefaultValueFactory = _ => 1 };
        var json = DataFiles.JsonOption();
        var command = new Command("mix", "Mix several datasets by weight into one shuffled file");
        command.Arguments.Add(sources);
        foreach (var option in new Option[] { output, total, seed, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(sources)!, parse.GetValue(output)!, parse.GetValue(total), parse.GetValue(seed), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string[] specs, string outputPath, long? total, int seed, bool json, CancellationToken ct)
    {
        var sources = new List<MixSource>();
        foreach (string spec in specs)
        {
            MixSource source;
            try
            {
                source = MixSource.Parse(spec);
            }
            catch (FormatException ex)
            {
                throw new CliException(ex.Message, "write each source as path or path:weight, e.g. data/a.jsonl:3");
            }
            sources.Add(source with { Path = DataFiles.Input(env, source.Path) });
        }
        if (total is < 0)
        {
            throw new CliException("--total is a positive number of examples");
        }
        string output = DataFiles.Output(env, outputPath, [.. sources.Select(s => s.Path)]);
        IReadOnlyList<MixedSource> mixed;
        using var outputs = new DataOutputs();
        await using (var stream = outputs.Create(output))
        {
            try
            {
                mixed = await DatasetMixer.MixAsync(sources, stream, total, seed, ct);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message, "run 'tailor data validate' on it");
            }
        }
        outputs.Commit();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Output = DataFiles.Display(env, output),
                Total = mixed.Sum(m => m.Taken),
                Seed = seed,
                Sources = mixed.Select(m => new { File = DataFiles.Display(env, m.Path), m.Share, m.Available, m.Taken, Repeated = Math.Max(0, m.Taken - m.Available), m.Unreadable }),
            });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("file").AddColumn(new TableColumn("share").RightAligned()).AddColumn(new TableColumn("available").RightAligned()).AddColumn(new TableColumn("taken").RightAligned());
        foreach (var m in mixed)
        {
            string taken = DataFiles.Count(m.Taken) + (m.Taken > m.Available ? $" [yellow](repeats {DataFiles.Count(m.Taken - m.Available)})[/]" : "");
            table.AddRow(Markup.Escape(DataFiles.Display(env, m.Path)), DataFiles.Number(m.Share), DataFiles.Count(m.Available), taken);
        }
        env.Out.Write(table);
        env.Out.MarkupLine($"wrote {DataFiles.Count(mixed.Sum(m => m.Taken))} example(s) to [bold]{Markup.Escape(DataFiles.Display(env, output))}[/] (seed {seed})");
        return ExitCodes.Ok;
    }
}
