using System.Net;
using System.Text;

// A mock of OpenAI's chat-completions endpoint for gateway benchmarks: it reads the request, answers a constant
// completion (or a constant 6-event stream for "stream":true) with usage, and does nothing else, so the time it adds
// is the same for every gateway measured against it.
// Usage: Tailor.Bench.MockUpstream <port>
int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 9100;

// Configuration is read once: reloading it on change would watch the working directory recursively, and a gateway
// measured against this mock whose store lies below it would pay an inotify event for every log write.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Loopback, port);
});
var app = builder.Build();

byte[] completion = Encoding.UTF8.GetBytes(
    """{"id":"chatcmpl-mock","object":"chat.completion","created":1700000000,"model":"mock-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! I am a mock model answering your question."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":11,"total_tokens":23}}""");
string[] words = ["Hello!", " I am", " a mock", " model", " answering."];
byte[] stream = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    + string.Concat(words.Select(w => $"data: {{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock-model\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{w}\"}},\"finish_reason\":null}}]}}\n\n"))
    + "data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}\n\n"
    + "data: [DONE]\n\n");

app.MapPost("/v1/chat/completions", async context =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body);
    bool streamed = body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf("\"stream\":true"u8) >= 0;
    context.Response.ContentType = streamed ? "text/event-stream" : "application/json";
    await context.Response.Body.WriteAsync(streamed ? stream : completion);
});
app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"mock-model","object":"model","created":1700000000,"owned_by":"mock"}]}""", "application/json"));
await app.RunAsync();
