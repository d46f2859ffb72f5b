using Tailor.Gateway.Keys;

namespace Tailor.Tests.Gateway;

public sealed class ApiKeysTests
{
    [Fact]
    public void A_created_key_parses_back_to_its_id_and_verifies_and_a_changed_secret_does_not()
    {
        var (record, key) = ApiKeys.Create("alice", DateTimeOffset.UnixEpoch, requestsPerMinute: 60, tokenQuota: 1000);

        Assert.StartsWith("tlr_" + record.Id + "_", key, StringComparison.Ordinal);
        Assert.True(ApiKeys.TryParse(key, out var id, out var secret));
        Assert.Equal(record.Id, id);
        Assert.True(ApiKeys.Verify(record, secret));
        Assert.False(ApiKeys.Verify(record, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A')));
        Assert.DoesNotContain(secret, Convert.ToBase64String(record.SecretHash), StringComparison.Ordinal);
        Assert.Equal(32, record.SecretHash.Length);
        Assert.Equal((60, 1000L), (record.RequestsPerMinute, record.TokenQuota));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sk-proj-abcdef")]
    [InlineData("tlr_short_x")]
    [InlineData("tlr_ABCDEFGHIJKL_0123456789012345678901234567890123456789012")]
    public void Strings_that_are_not_Tailor_keys_do_not_parse(string? presented) =>
        Assert.False(ApiKeys.TryParse(presented, out _, out _));

    [Fact]
    public void Keys_are_unique()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeys.Create("x", DateTimeOffset.UnixEpoch).Key).ToHashSet();
        Assert.Equal(200, keys.Count);
    }
}
