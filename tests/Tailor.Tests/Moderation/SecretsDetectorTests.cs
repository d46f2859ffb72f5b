using Tailor.Moderation;
using Tailor.Moderation.Detectors;

namespace Tailor.Tests.Moderation;

/// <summary>Credentials in their many formats, and placeholders and look-alikes that are not credentials.</summary>
public sealed class SecretsDetectorTests
{
    private static readonly SecretsDetector Detector = new();

    private static (string Label, string Value)[] Found(string text) =>
        [.. Detector.Classify(text).Spans.Select(s => (s.Label, text.Substring(s.Start, s.Length)))];

    [Theory]
    [InlineData("key AKIA2E0A8F3B244C9986 in the config", "AKIA2E0A8F3B244C9986")]
    [InlineData("token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")]
    [InlineData("OPENAI_API_KEY is sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234 ok", "sk-proj-4bXk9QwErTyUiOpAsDfGhJkL1234")]
    [InlineData("use sk-ant-api03-Zx8yW7vU6tS5rQ4pO3nM2lK1j", "sk-ant-api03-Zx8yW7vU6tS5rQ4pO3nM2lK1j")]
    [InlineData("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij")]
    [InlineData("google AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv")]
    [InlineData("stripe sk_live_51HabcdEFGHijklMNOP", "sk_live_51HabcdEFGHijklMNOP")]
    public void Finds_provider_keys(string text, string expected) =>
        Assert.Contains(("api_key", expected), Found(text));

    [Fact]
    public void Finds_a_jwt_whose_header_decodes()
    {
        const string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        Assert.Contains(("jwt", jwt), Found($"Authorization header: {jwt}"));
    }

    [Fact]
    public void Ignores_jwt_shaped_text_whose_header_is_not_a_jwt_header()
    {
        // "eyJmb28iOiJiYXIifQ" is base64url of {"foo":"bar"}: JSON, but no "alg".
        Assert.DoesNotContain(Found("eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop"), f => f.Label == "jwt");
    }

    [Fact]
    public void A_private_key_block_is_one_span_and_a_block_still_streaming_runs_to_the_end()
    {
        const string whole = "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\nthanks";
        var (label, value) = Assert.Single(Found(whole));
        Assert.Equal("private_key", label);
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", value, StringComparison.Ordinal);
        Assert.EndsWith("-----END RSA PRIVATE KEY-----", value, StringComparison.Ordinal);

        const string partial = "here:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA";
        var span = Assert.Single(Detector.Classify(partial).Spans);
        Assert.Equal(partial.Length, span.Start + span.Length);
    }

    [Theory]
    [InlineData("password: Tr0ub4dor&3", "password", "Tr0ub4dor&3")]
    [InlineData("\"client_secret\": \"9f8e7d6c5b4a39281706\"", "api_key", "9f8e7d6c5b4a39281706")]
    [InlineData("postgres://admin:s3cr3tPass@db.internal:5432/app", "password", "s3cr3tPass")]
    [InlineData("curl -H 'Authorization: Bearer abcdef0123456789abcdef0123'", "bearer_token", "abcdef0123456789abcdef0123")]
    public void Finds_assigned_passwords_tokens_and_urls_with_passwords(string text, string label, string expected) =>
        Assert.Contains((label, expected), Found(text));

    [Theory]
    [InlineData("password: <your-password>")]
    [InlineData("api_key = ${OPENAI_API_KEY}")]
    [InlineData("password=********")]
    [InlineData("secret: {{ vault.secret }}")]
    [InlineData("postgres://user:changeme@localhost/db")]
    [InlineData("password = true")]
    [InlineData("this is a risk-assessment-document-for-the-board")]
    [InlineData("sk-this-is-not-a-real-key-at-all")]
    [InlineData("How do I reset my password?")]
    [InlineData("AWS's documented sample key AKIAIOSFODNN7EXAMPLE")]
    public void Ignores_placeholders_and_look_alikes(string text) => Assert.Empty(Found(text));
}
