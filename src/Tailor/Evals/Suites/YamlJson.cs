using System.Text;
using System.Text.Json;
using Tailor.Spec.Loading;
using Tailor.Spec.Yaml;

namespace Tailor.Evals.Suites;

/// <summary>
/// Writes a YAML node as JSON (a JSON Schema written inline in a suite): mappings become objects, lists
/// arrays; an unquoted scalar is null, a boolean or a number under the YAML 1.2 core schema, anything else a string.
/// </summary>
internal static class YamlJson
{
    public static string ToJson(SourceNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, SourceNode node)
    {
        switch (node)
        {
            case SourceMapping mapping:
                writer.WriteStartObject();
                foreach (SourceEntry entry in mapping.Entries)
                {
                    writer.WritePropertyName(entry.Name ?? "");
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case SourceSequence sequence:
                writer.WriteStartArray();
                foreach (SourceNode item in sequence.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case SourceScalar { IsNull: true }:
                writer.WriteNullValue();
                break;
            case SourceScalar scalar when ScalarValues.TryBool(scalar, out bool b):
                writer.WriteBooleanValue(b);
                break;
            case SourceScalar scalar when ScalarValues.TryInteger(scalar, out long l):
                writer.WriteNumberValue(l);
                break;
            case SourceScalar scalar when ScalarValues.TryNumber(scalar, out double d):
                writer.WriteNumberValue(d);
                break;
            case SourceScalar scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
