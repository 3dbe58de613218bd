using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class AccessTokenClaimsTests
{
    [Fact]
    public void Reads_the_nested_auth_and_profile_claims()
    {
        var token = TestTokens.Jwt("""
            {"exp":1767225600,"iat":1766361600,
             "https://api.openai.com/auth":{"chatgpt_account_id":"acc-1","chatgpt_user_id":"user-1","user_id":"user-legacy","chatgpt_plan_type":"plus"},
             "https://api.openai.com/profile":{"email":"a@example.com"},
             "chatgpt_plan_type":"free"}
            """);

        Assert.True(AccessTokenClaims.TryParse(token, out var claims));
        Assert.Equal(
            new AccessTokenClaims(DateTimeOffset.FromUnixTimeSeconds(1767225600), "acc-1", "user-1", "plus", "a@example.com"),
            claims);
    }

    [Fact]
    public void Falls_back_to_the_top_level_plan_and_to_user_id()
    {
        var token = TestTokens.Jwt("""{"https://api.openai.com/auth":{"user_id":"user-2"},"chatgpt_plan_type":"team"}""");

        Assert.True(AccessTokenClaims.TryParse(token, out var claims));
        Assert.Equal("team", claims.PlanType);
        Assert.Equal("user-2", claims.UserId);
        Assert.Null(claims.ExpiresAt);
        Assert.Null(claims.AccountId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.!!!.sig")]
    public void Rejects_what_is_not_a_jwt(string token) =>
        Assert.False(AccessTokenClaims.TryParse(token, out _));

    [Fact]
    public void Rejects_a_payload_that_is_not_an_object() =>
        Assert.False(AccessTokenClaims.TryParse(TestTokens.Jwt("[1,2]"), out _));
}
