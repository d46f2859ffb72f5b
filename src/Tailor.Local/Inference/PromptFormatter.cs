using System.Text;
using LLama;
using LLama.Exceptions;
using Microsoft.Extensions.AI;
using Tailor.Local.Tokenizer;

namespace Tailor.Local.Inference;

/// <summary>
/// Renders a conversation with the model's own chat template: Tailor's ChatML formatter when the file carries
/// Tailor's template (byte-identical to llama.cpp's), otherwise llama.cpp's <c>llama_chat_apply_template</c>,
/// which recognises the built-in families (Llama 2/3, Mistral, ChatML/Qwen, Gemma, Phi, ...) from the template text.
/// </summary>
internal static class PromptFormatter
{
    public static string Format(LocalModel model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        // Content is defused as in training: a control token's text in a message stays text, never structure.
        var controls = model.ControlTexts;
        var turns = new List<ChatTurn>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            turns.Add(new ChatTurn("system", ControlTokenText.Defuse(options.Instructions, controls)));
        }

        foreach (var message in messages)
        {
            turns.Add(new ChatTurn(message.Role.Value, ControlTokenText.Defuse(message.Text, controls)));
        }

        if (model.ChatTemplate is null || ChatTemplate.ChatMl.Matches(model.ChatTemplate))
        {
            // No template in the file: llama.cpp falls back to ChatML too.
            return ChatTemplate.ChatMl.Format(turns).Text;
        }

        var template = new LLamaTemplate(model.Handle, strict: false) { AddAssistant = true };
        foreach (var (role, content) in turns)
        {
            template.Add(role, content);
        }

        try
        {
            return Encoding.UTF8.GetString(template.Apply());
        }
        catch (MissingTemplateException ex)
        {
            throw new NotSupportedException(
                $"llama.cpp does not recognise the chat template of {model.Path}; it only renders its built-in families without a Jinja engine.", ex);
        }
    }
}
