using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class BearerShapeTests
{
    [Fact]
    public void An_rs256_jwt_is_an_access_token()
    {
        var token = TestTokens.Jwt("""{"exp":1}""");

        Assert.StartsWith("eyJhbGciOiJSUzI1NiI", token);
        Assert.Equal(BearerKind.AccessToken, BearerShape.Classify(token));
    }

    [Fact]
    public void A_dir_jwe_is_a_session_token()
    {
        var token = TestTokens.SessionJwe();

        Assert.StartsWith("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..", token);
        Assert.Equal(BearerKind.SessionToken, BearerShape.Classify(token));
    }

    [Theory]
    [InlineData("rt_Ab3-Cd4_Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3")]
    [InlineData("0123456789abcdefghij")]                        // exactly 20 characters
    [InlineData("v1.MjAyNS0wMS0wMVQwMDowMDowMFo.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")] // old opaque auth0 style
    public void Long_opaque_values_are_refresh_tokens(string token) =>
        Assert.Equal(BearerKind.RefreshToken, BearerShape.Classify(token));

    [Theory]
    [InlineData("6f1c2b9e-5a4d-4c3b-9e8f-7a6b5c4d3e2f")]
    [InlineData("6F1C2B9E-5A4D-4C3B-9E8F-7A6B5C4D3E2F")]
    public void A_uuid_is_a_device_id(string token) =>
        Assert.Equal(BearerKind.DeviceId, BearerShape.Classify(token));

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("0123456789abcdefghi")]                          // 19 characters
    [InlineData("has a space in the middle of it here")]
    [InlineData("eyJub3QiOiJ2YWxpZA.eyJ4IjoxfQ.c2ln")]            // JOSE-looking header without "alg"
    [InlineData("eyJ!!!!.not-base64.at-all-really-no")]           // JOSE-looking but undecodable
    public void Everything_else_is_unknown(string token) =>
        Assert.Equal(BearerKind.Unknown, BearerShape.Classify(token));
}
