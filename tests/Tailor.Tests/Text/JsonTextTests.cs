using System.Text.Json;
using Tailor.Text;

namespace Tailor.Tests.Text;

/// <summary>Documents written through the per-thread buffer come out whole, one inside another too.</summary>
public sealed class JsonTextTests
{
    [Fact]
    public void A_document_written_while_another_is_being_written_does_not_overwrite_it()
    {
        JsonText.Write(0, default, static (w, n) => w.WriteNumberValue(n)); // the thread now keeps a buffer
        string outer = JsonText.Write("outer", default, static (writer, name) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            // A value whose text is itself made with JsonText, as a converter might.
            writer.WriteString("inner", JsonText.Write(7, default, static (w, n) => { w.WriteStartObject(); w.WriteNumber("n", n); w.WriteEndObject(); }));
            writer.WriteEndObject();
        });

        Assert.Equal("""{"name":"outer","inner":"{\u0022n\u0022:7}"}""", outer);
        Assert.Equal("""{"n":1}""", JsonText.Write(1, default, static (w, n) => { w.WriteStartObject(); w.WriteNumber("n", n); w.WriteEndObject(); }));
    }
}
