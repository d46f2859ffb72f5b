using Tailor.Providers.OpenAI;

namespace Tailor.Tests.Providers;

/// <summary>Error bodies as vendors actually send them (shapes taken from public bug reports against each API).</summary>
public sealed class ErrorBodyTests
{
    [Fact]
    public void OpenAI_nested_error()
    {
        var body = ErrorBody.Parse("""{"error":{"message":"Invalid 'messages'","type":"invalid_request_error","param":"messages","code":null}}""", "application/json");

        Assert.Equal(new ErrorBody("Invalid 'messages'", "invalid_request_error", "messages", null), body);
    }

    [Fact]
    public void Mistral_flat_error()
    {
        var body = ErrorBody.Parse("""{"object":"error","message":"Assistant message must have either content or tool_calls, but not none.","type":"invalid_request_error","param":null,"code":null}""", "application/json");

        Assert.Equal("Assistant message must have either content or tool_calls, but not none.", body.Message);
        Assert.Equal("invalid_request_error", body.Type);
    }

    [Fact]
    public void Mistral_validation_detail_inside_the_message()
    {
        var body = ErrorBody.Parse("""{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true}]},"type":"invalid_request_error","param":null,"code":null}""", "application/json");

        Assert.Equal("stream_options.include_usage: Extra inputs are not permitted", body.Message);
    }

    [Fact]
    public void Mistral_validation_detail_encoded_as_a_string()
    {
        var body = ErrorBody.Parse("""{"object":"error","message":"{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"frequency_penalty\"],\"msg\":\"Extra inputs are not permitted\"}]}","type":"internal_error_proxy","param":null,"code":"1000"}""", "application/json");

        Assert.Equal("frequency_penalty: Extra inputs are not permitted", body.Message);
        Assert.Equal("1000", body.Code);
    }

    [Fact]
    public void FastAPI_detail_list_names_the_parameter()
    {
        var body = ErrorBody.Parse("""{"detail":[{"type":"extra_forbidden","loc":["body","store"],"msg":"Extra inputs are not permitted"},{"type":"extra_forbidden","loc":["body","max_completion_tokens"],"msg":"Extra inputs are not permitted"}]}""", "application/json");

        Assert.Equal("store: Extra inputs are not permitted; max_completion_tokens: Extra inputs are not permitted", body.Message);
        Assert.Equal("store", body.Param);
    }

    [Theory]
    [InlineData("""{"detail":"Unauthorized"}""", "Unauthorized")]
    [InlineData("""{"message":"Unauthorized","request_id":"a580d263"}""", "Unauthorized")]
    [InlineData("""{"error":"model \"llama9\" not found, try pulling it first"}""", "model \"llama9\" not found, try pulling it first")]
    [InlineData("""{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}""", "The model `x` does not exist.")]
    public void Other_servers_shapes(string json, string message)
    {
        Assert.Equal(message, ErrorBody.Parse(json, "application/json").Message);
    }

    [Fact]
    public void Non_JSON_bodies_are_described_briefly()
    {
        Assert.Equal("an HTML page titled '504 Gateway Time-out'", ErrorBody.Parse("<html>\n<head><title>504 Gateway Time-out</title></head></html>", "text/html").Message);
        Assert.Equal("upstream connect error or disconnect/reset before headers", ErrorBody.Parse("upstream connect error\n  or disconnect/reset before headers", "text/plain").Message);
        Assert.Equal(ErrorBody.Empty, ErrorBody.Parse("", null));
        Assert.EndsWith("…", ErrorBody.Parse(new string('x', 2000), "text/plain").Message, StringComparison.Ordinal);
    }
}
