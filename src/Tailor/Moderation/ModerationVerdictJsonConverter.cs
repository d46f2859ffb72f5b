using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Moderation;

/// <summary>
/// Writes a <see cref="ModerationVerdict"/> in the form of <see cref="ModerationVerdict.WriteTo"/> wherever the serializer
/// meets one (a verdict in an interaction's metadata), without a detour through a <see cref="JsonDocument"/>.
/// Writing only: a verdict is read back as JSON, never as the record.
/// </summary>
internal sealed class ModerationVerdictJsonConverter : JsonConverter<ModerationVerdict>
{
    public override ModerationVerdict Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A moderation verdict is written as JSON, not read back from it.");

    public override void Write(Utf8JsonWriter writer, ModerationVerdict value, JsonSerializerOptions options) => value.WriteTo(writer);
}
