using System.CommandLine;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Tailor.Chat;
using Tailor.Providers;
using Tailor.Spec;
using Tailor.Store;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor chat</c>: an interactive, streaming conversation with a model of the spec. Every turn is
/// recorded, under one session id per conversation.
/// </summary>
internal static class ChatCommand
{
    private const string Help = """
        /model [alias]   switch model (list them without an alias)
        /system [text]   replace the system prompt for this session; '/system reset' restores the spec's; no text shows it
        /reset           forget the conversation and start a new session
        /exit            leave (Ctrl+D works too)
        """;

    public static Command Create(CliEnvironment env)
    {
        var model = ChatOptionsBinding.ModelOption();
        var generation = new ChatOptionsBinding();
        var command = new Command("chat", "Talk with a model of the spec, streaming; every turn is recorded");
        command.Options.Add(model);
        generation.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(model), generation.Read(parse), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string? alias, ChatOptions options, CancellationToken ct)
    {
        var project = Project.Load(parse, env);
        await using var store = await project.OpenGatewayStoreAsync(ct);
        var session = new ChatSession(project, store, project.ResolveModel(alias));
        try
        {
            env.Out.MarkupLine($"[bold]{Markup.Escape(project.Spec.Name)}[/] · model [cyan]{Markup.Escape(session.Model.Alias)}[/] · type [bold]/help[/] for commands, [bold]/exit[/] to leave");
            while (true)
            {
                env.Out.Markup("[green]you>[/] ");
                string? line = await env.In.ReadLineAsync(ct);
                if (line is null)
                {
                    env.WriteRawLine();
                    return ExitCodes.Ok;
                }
                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }
                if (line.StartsWith('/'))
                {
                    if (!session.Command(line, env))
                    {
                        return ExitCodes.Ok;
                    }
                    continue;
                }
                await session.TurnAsync(line, options, env, ct);
            }
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>The state of one conversation: history, model, prompt override, session id.</summary>
    private sealed class ChatSession(Project project, IInteractionStore store, ModelSpec model) : IDisposable
    {
        private readonly List<ChatMessage> _history = [];
        private IChatClient _client = project.CreateChatClient(model, store, "chat");
        private SystemPrompt? _override;
        private string _sessionId = UlidGenerator.Default.Next();

        public ModelSpec Model { get; private set; } = model;

        public async Task TurnAsync(string text, ChatOptions options, CliEnvironment env, CancellationToken ct)
        {
            _history.Add(new ChatMessage(ChatRole.User, text));
            var context = new InteractionContext { SessionId = _sessionId };
            var request = context.AttachTo(_override is null ? options : options.WithSystemPrompt(_override));
            var updates = new List<ChatResponseUpdate>();
            try
            {
                env.Out.Markup($"[cyan]{Markup.Escape(Model.Alias)}>[/] ");
                await foreach (var update in _client.GetStreamingResponseAsync(_history, request, ct))
                {
                    updates.Add(update);
                    env.WriteRaw(update.Text);
                }
                env.WriteRawLine();
                _history.AddMessages(updates);
            }
            catch (ModelProviderException ex)
            {
                env.WriteRawLine();
                TailorCli.WriteError(env, ex.Message, ex.Hint);
                // Drop the unanswered turn so the conversation stays well-formed for a retry.
                _history.RemoveAt(_history.Count - 1);
            }
        }

        /// <summary>Runs a slash command; false means leave.</summary>
        public bool Command(string line, CliEnvironment env)
        {
            string name = line.Split(' ', 2)[0].ToLowerInvariant();
            string arg = line.Length > name.Length ? line[name.Length..].Trim() : "";
            switch (name)
            {
                case "/exit" or "/quit":
                    return false;
                case "/help":
                    env.Out.WriteLine(Help);
                    break;
                case "/reset":
                    _history.Clear();
                    _sessionId = UlidGenerator.Default.Next();
                    env.Out.MarkupLine("[grey]conversation cleared[/]");
                    break;
                case "/model" when arg.Length == 0:
                    foreach (var (alias, spec) in project.Spec.Models)
                    {
                        string mark = alias == Model.Alias ? "*" : " ";
                        env.Out.MarkupLine(Markup.Escape($"{mark} {alias}  ({spec.Provider}{(spec.Model is null ? "" : ": " + spec.Model)})"));
                    }
                    break;
                case "/model":
                    SwitchModel(arg, env);
                    break;
                case "/system" when arg.Length == 0:
                    var current = _override ?? project.Spec.PromptFor(Model);
                    env.WriteRawLine(current is null ? "(no system prompt)" : $"[{current.Id}@{current.Version}]\n{current.Text}");
                    break;
                case "/system" when arg == "reset":
                    _override = null;
                    env.Out.MarkupLine("[grey]system prompt restored from the spec[/]");
                    break;
                case "/system":
                    _override = SystemPrompt.FromText("chat", arg);
                    env.Out.MarkupLine($"[grey]system prompt replaced for this session (version {_override.Version})[/]");
                    break;
                default:
                    env.Out.MarkupLine($"[yellow]unknown command {Markup.Escape(name)}[/]; /help lists them");
                    break;
            }
            return true;
        }

        private void SwitchModel(string alias, CliEnvironment env)
        {
            ModelSpec next;
            IChatClient client;
            try
            {
                next = project.ResolveModel(alias);
                client = project.CreateChatClient(next, store, "chat");
            }
            catch (Exception ex) when (ex is CliException or ModelProviderException)
            {
                TailorCli.WriteError(env, ex.Message, (ex as CliException)?.Hint ?? (ex as ModelProviderException)?.Hint);
                return;
            }
            _client.Dispose();
            _client = client;
            Model = next;
            env.Out.MarkupLine($"[grey]now talking to[/] [cyan]{Markup.Escape(alias)}[/]");
        }

        public void Dispose() => _client.Dispose();
    }
}
