using System.Buffers.Text;
using System.Text;

namespace MirrorGate.Tests.Upstream;

/// <summary>Builds token-shaped values for tests.</summary>
internal static class TestTokens
{
    public static string Jwt(string payloadJson, string headerJson = """{"alg":"RS256","typ":"JWT"}""") =>
        Segment(headerJson) + "." + Segment(payloadJson) + ".c2lnbmF0dXJl";

    public static string SessionJwe() =>
        Segment("""{"alg":"dir","enc":"A256GCM"}""") + "..aXZpdml2aXZpdg.Y2lwaGVydGV4dA.dGFndGFndGFn";

    public static string Segment(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
