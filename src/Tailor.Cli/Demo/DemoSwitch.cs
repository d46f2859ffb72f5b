using Microsoft.Extensions.AI;

namespace Tailor.Cli.Demo;

/// <summary>
/// The switch, over real HTTP: the gateway starts again on tailor.yaml as it reads after the promotion, and a customer's
/// question on the same public route is answered by the tuned model; the application changes nothing.
/// </summary>
internal static class DemoSwitch
{
    public sealed record Outcome(string Question, string Answer, string BaseUrl);

    public static async Task<Outcome> RunAsync(Project project, CliEnvironment env, CancellationToken ct)
    {
        await using var gateway = await DemoGateway.StartAsync(project, env, "launch", ct);
        string question = DemoFacts.All[0].EvalQuestions.First();
        var response = await gateway.Client.GetResponseAsync([new ChatMessage(ChatRole.User, question)], cancellationToken: ct);
        return new Outcome(question, response.Text, gateway.BaseUrl.ToString());
    }
}
