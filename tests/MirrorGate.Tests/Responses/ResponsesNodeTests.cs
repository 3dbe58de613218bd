using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Responses;

/// <summary><c>/v1/responses</c> on the ChatGPT web path through the official <c>openai</c> npm package (tests/js/responses.mjs).</summary>
public sealed class ResponsesNodeTests(ResponsesGateway gateway) : IClassFixture<ResponsesGateway>
{
    [Fact]
    public async Task The_npm_openai_package_creates_streams_continues_and_retrieves_responses()
    {
        var seen = await NpmOpenAi.RunAsync("responses.mjs", new Uri(gateway.App.BaseAddress, "/v1").ToString(), GatewayApp.ServiceKey, "auto");
        Assert.Equal(SimReplies.For("Node whole response", 1), seen["whole"]!.GetValue<string>());
        Assert.True(seen["wholeUsage"]!["total_tokens"]!.GetValue<int>() > 0);

        // The streamed turn continued the first one (previous_response_id): it is the conversation's second user turn.
        Assert.Equal(SimReplies.For("Node streamed response", 2), seen["streamed"]!.GetValue<string>());
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            seen["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(seen["streamed"]!.GetValue<string>(), seen["retrieved"]!.GetValue<string>());
        Assert.Equal(404, seen["missingStatus"]!.GetValue<int>());
    }
}
