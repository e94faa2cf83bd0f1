using AgentDb.Server.Network.Auth;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network.Auth;

public sealed class ApiKeyStoreTests
{
    private static readonly ApiKeyStore s_store = new(
    [
        new ApiKey("reader", "reader-key-0123456789", AccessRole.Read),
        new ApiKey("root", "root-key-0123456789", AccessRole.Admin),
    ]);

    [Fact]
    public void KnownKey_AuthenticatesWithItsRole()
    {
        Assert.True(s_store.TryAuthenticate("root-key-0123456789", out var key, out _));
        Assert.Equal(("root", AccessRole.Admin), (key.Name, key.Role));
    }

    [Theory]
    [InlineData(null, "this server requires an API key in HELLO")]
    [InlineData("", "this server requires an API key in HELLO")]
    [InlineData("root-key-012345678", "invalid API key")]
    [InlineData("ROOT-KEY-0123456789", "invalid API key")]
    public void UnknownOrMissingKey_IsRefused(string? secret, string reason)
    {
        Assert.False(s_store.TryAuthenticate(secret, out _, out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void WithoutKeys_EveryoneIsAnonymousAdmin()
    {
        Assert.False(ApiKeyStore.Disabled.IsEnabled);
        Assert.True(ApiKeyStore.Disabled.TryAuthenticate(null, out var key, out _));
        Assert.Equal(("anonymous", AccessRole.Admin), (key.Name, key.Role));
    }
}
