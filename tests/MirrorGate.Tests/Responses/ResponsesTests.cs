using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Api.Responses;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI library.

namespace MirrorGate.Tests.Responses;

/// <summary><c>/v1/responses</c> on the ChatGPT web path, with the official OpenAI .NET Responses client and raw HTTP.</summary>
public sealed class ResponsesTests(ResponsesGateway gateway) : IClassFixture<ResponsesGateway>
{
    private static readonly string[] StreamOrder =
    [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
    ];

    [Fact]
    public async Task A_whole_response_answers_the_input_with_the_instructions_sent_as_a_system_message()
    {
        var prompt = "Whole response " + Guid.NewGuid();
        var options = new CreateResponseOptions("auto", [ResponseItem.CreateUserMessageItem(prompt)]) { Instructions = "Answer like a pirate." };

        ResponseResult response = await ResponsesGateway.Client(gateway.App).CreateResponseAsync(options);

        Assert.Equal(SimReplies.For(prompt, 1), response.GetOutputText());
        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal("auto", response.Model);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.True(response.Usage.OutputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);

        Assert.True(ResponseIds.TryRead(response.Id, out var conversationId, out _));
        var upstream = gateway.App.Simulator.GetConversation(conversationId)!;
        Assert.Contains(upstream.Messages, m => m.Role == "system" && m.Text == "Answer like a pirate.");
        Assert.Contains(upstream.Messages, m => m.Role == "user" && m.Text == prompt);
    }

    [Fact]
    public async Task A_streamed_response_arrives_as_text_deltas_and_ends_completed()
    {
        var prompt = "Streamed response " + Guid.NewGuid();
        var text = new StringBuilder();
        var deltas = 0;
        ResponseResult? completed = null;
        var updates = await ResponsesGateway.Client(gateway.App).CreateResponseStreamingAsync(new CreateResponseOptions("auto", [ResponseItem.CreateUserMessageItem(prompt)]) { StreamingEnabled = true });
        await foreach (var update in updates)
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text.Append(delta.Delta);
                    deltas++;
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        Assert.Equal(SimReplies.For(prompt, 1), text.ToString());
        Assert.True(deltas > 1, $"expected several deltas, saw {deltas}");
        Assert.NotNull(completed);
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.Equal(text.ToString(), completed.GetOutputText());
        Assert.True(completed.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task A_raw_stream_follows_the_Responses_event_order_with_rising_sequence_numbers_and_no_done_marker()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/responses")
        {
            Content = JsonContent.Create(new { model = "auto", input = "Raw stream " + Guid.NewGuid(), stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            return (Name: lines[0]["event: ".Length..], Data: JsonNode.Parse(lines[1]["data: ".Length..])!);
        }).ToList();
        Assert.All(events, e => Assert.Equal(e.Name, e.Data["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data["sequence_number"]!.GetValue<int>()));
        Assert.Equal(StreamOrder, events.Select(e => e.Name).Where((name, i) => i == 0 || name != events[i - 1].Name));
        var id = events[0].Data["response"]!["id"]!.GetValue<string>();
        Assert.Equal(id, events[^1].Data["response"]!["id"]!.GetValue<string>());
        var itemId = events[2].Data["item"]!["id"]!.GetValue<string>();
        Assert.StartsWith("msg_", itemId, StringComparison.Ordinal);
        Assert.All(events.Where(e => e.Name == "response.output_text.delta"), e => Assert.Equal(itemId, e.Data["item_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Previous_response_id_continues_the_same_upstream_conversation_and_the_answer_can_be_read_back()
    {
        var client = ResponsesGateway.Client(gateway.App);
        var first = "First turn " + Guid.NewGuid();
        var second = "Second turn " + Guid.NewGuid();

        ResponseResult one = await client.CreateResponseAsync(new CreateResponseOptions("auto", [ResponseItem.CreateUserMessageItem(first)]));
        ResponseResult two = await client.CreateResponseAsync(new CreateResponseOptions("auto", [ResponseItem.CreateUserMessageItem(second)]) { PreviousResponseId = one.Id });
        ResponseResult readBack = await client.GetResponseAsync(two.Id);

        Assert.Equal(SimReplies.For(second, 2), two.GetOutputText());
        Assert.Equal(one.Id, two.PreviousResponseId);
        Assert.True(ResponseIds.TryRead(one.Id, out var firstConversation, out _));
        Assert.True(ResponseIds.TryRead(two.Id, out var secondConversation, out _));
        Assert.Equal(firstConversation, secondConversation);
        Assert.Equal(ResponsesGateway.Email, gateway.App.Simulator.GetConversation(firstConversation)!.OwnerEmail);
        Assert.Equal(two.Id, readBack.Id);
        Assert.Equal(SimReplies.For(second, 2), readBack.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, readBack.Status);
    }

    [Fact]
    public async Task Input_items_in_the_typed_and_short_forms_are_both_read()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var prompt = "Item parts " + Guid.NewGuid();
        using var response = await client.PostAsJsonAsync("/v1/responses", new JsonObject
        {
            ["model"] = "auto",
            ["input"] = new JsonArray(
                new JsonObject { ["role"] = "developer", ["content"] = "Be brief." },
                new JsonObject
                {
                    ["type"] = "message",
                    ["role"] = "user",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = prompt }),
                }),
        });
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("response", body["object"]!.GetValue<string>());
        Assert.Equal(SimReplies.For(prompt, 1), body["output"]![0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("output_text", body["output"]![0]!["content"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unstored_response_is_neither_readable_nor_continuable()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var created = await client.PostAsJsonAsync("/v1/responses", new { model = "auto", input = "Forget me " + Guid.NewGuid(), store = false });
        var createdBody = await created.JsonAsync();
        var id = createdBody["id"]!.GetValue<string>();

        using var read = await client.GetAsync($"/v1/responses/{id}");
        using var continued = await client.PostAsJsonAsync("/v1/responses", new { model = "auto", input = "and again", previous_response_id = id });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.False(createdBody["store"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal("response_not_found", (await read.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, continued.StatusCode);
        var error = (await continued.JsonAsync())["error"]!;
        Assert.Equal("previous_response_not_found", error["code"]!.GetValue<string>());
        Assert.Equal("previous_response_id", error["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"model\":\"auto\"}", 400, "input")]
    [InlineData("{\"model\":\"auto\",\"input\":42}", 400, "input")]
    [InlineData("{\"model\":\"auto\",\"input\":[]}", 400, "input")]
    [InlineData("{\"model\":\"auto\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"x\"}]}", 400, "input[0].type")]
    [InlineData("{\"model\":\"auto\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}", 400, "input[0].role")]
    [InlineData("{\"model\":\"auto\",\"input\":[{\"role\":\"assistant\",\"content\":\"only me\"}]}", 400, "input")]
    [InlineData("{\"model\":\"auto\",\"input\":\"x\",\"stream\":\"yes\"}", 400, "stream")]
    [InlineData("{\"model\":\"auto\",\"input\":\"x\",\"previous_response_id\":\"resp_bm90LWEtcmVhbC1vbmU\"}", 404, "previous_response_id")]
    [InlineData("{\"model\":\"no-such-model\",\"input\":\"x\"}", 404, "model")]
    public async Task Bad_input_gets_an_OpenAI_error_naming_the_field(string json, int status, string param)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        gateway.App.Simulator.ResetCallCounts();

        using var response = await client.PostAsync("/v1/responses", new StringContent(json, Encoding.UTF8, "application/json"));
        var error = (await response.JsonAsync())["error"]!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("resp_bm90LWEtcmVhbC1vbmU")]
    [InlineData("resp_%2F%2F")]
    [InlineData("not-a-response")]
    public async Task Reading_a_response_that_does_not_exist_is_an_OpenAI_404(string id)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);

        using var response = await client.GetAsync($"/v1/responses/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("response_not_found", (await response.JsonAsync())["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_dotnet_client_sees_a_missing_response_as_a_404()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(() => ResponsesGateway.Client(gateway.App).GetResponseAsync("resp_bm90LWEtcmVhbC1vbmU"));

        Assert.Equal(404, failure.Status);
    }
}
