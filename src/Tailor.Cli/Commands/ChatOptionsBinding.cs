using System.CommandLine;
using Microsoft.Extensions.AI;

namespace Tailor.Cli.Commands;

/// <summary>The generation options commands share (<c>--temperature</c>, <c>--max-tokens</c>, ...), read into <see cref="ChatOptions"/>.</summary>
internal sealed class ChatOptionsBinding
{
    private readonly Option<float?> _temperature = new("--temperature") { Description = "Sampling temperature (0 = greedy)" };
    private readonly Option<int?> _maxTokens = new("--max-tokens") { Description = "Most tokens to generate" };
    private readonly Option<long?> _seed = new("--seed") { Description = "Sampling seed, for repeatable answers" };

    public static Option<string?> ModelOption() => new("--model", "-m") { Description = "Model alias from tailor.yaml (default: defaults.model)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_temperature);
        command.Options.Add(_maxTokens);
        command.Options.Add(_seed);
    }

    public ChatOptions Read(ParseResult parse) => new()
    {
        Temperature = parse.GetValue(_temperature),
        MaxOutputTokens = parse.GetValue(_maxTokens),
        Seed = parse.GetValue(_seed),
    };
}
