using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Api;

/// <summary>
/// A chunked body with a bad chunk size (issue 7, item 6, second bug) answers the request exception's own 400 in the
/// family's shape, never 500. Over a real socket: the in-memory test server does not parse chunked encoding.
/// </summary>
public sealed class MalformedChunkedBodyTests
{
    public static TheoryData<string, string, string> Families => new()
    {
        { "/v1/chat/completions", GatewayApp.ServiceKey, "openai" },
        { "/backend-api/conversation", GatewayApp.ServiceKey, "backend" },
        { "/api/login", GatewayApp.AdminPassword, "admin" },
    };

    // A client's broken framing is the client's error: a 500 would page the operator and tell the client to retry as is.
    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_bad_chunk_size_is_400_in_the_family_shape(string path, string bearer, string family)
    {
        await using var app = await GatewayApp.StartAsync(kestrel: true);
        await app.AddPooledAccountAsync("chunked@example.com");
        app.Simulator.ResetCallCounts();

        // A valid first chunk, then a size line that is not hexadecimal.
        var head = $"POST {path} HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nAuthorization: Bearer {bearer}\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var response = await RawHttp.SendAsync(app.BaseAddress, head, Encoding.ASCII.GetBytes("2\r\n{\"\r\nzz\r\nmodel\r\n0\r\n\r\n"));

        Assert.Equal(400, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"].Split(';')[0]);
        var body = JsonNode.Parse(response.Body)!.AsObject();
        var message = (body["error"]?["message"] ?? body["detail"]?["message"] ?? body["message"])!.GetValue<string>();

        // The framing, not the half-sent JSON, is what was refused.
        Assert.Contains("chunk", message, StringComparison.OrdinalIgnoreCase);
        switch (family)
        {
            case "openai":
                Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
                break;
            case "backend":
                Assert.NotNull(body["detail"]!["message"]);
                Assert.Null(body["error"]);
                break;
            default:
                Assert.NotNull(body["message"]);
                Assert.Null(body["error"]);
                Assert.Null(body["detail"]);
                break;
        }

        Assert.Equal(0, app.Simulator.CallCount("f/conversation") + app.Simulator.CallCount("conversation") + app.Simulator.CallCount("me"));
    }
}
