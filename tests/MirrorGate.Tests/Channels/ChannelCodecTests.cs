using System.Net.Http.Headers;
using System.Text;
using MirrorGate.Api.Channels;
using Microsoft.AspNetCore.Http;

namespace MirrorGate.Tests.Channels;

/// <summary>The byte-level pieces of the relay: reset durations, the request body's edits, usage read from split chunks.</summary>
public sealed class ChannelCodecTests
{
    [Theory]
    [InlineData("1s", 1_000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("120ms", 120)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("20us", 0.02)]
    [InlineData("17", 17_000)]
    [InlineData("0.5", 500)]
    public void Reset_durations_read_as_OpenAI_writes_them(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RateLimitReset.ParseDuration(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("")]
    [InlineData("-3")]
    public void Unreadable_durations_are_none(string text) => Assert.Null(RateLimitReset.ParseDuration(text));

    [Fact]
    public void The_exhausted_limit_decides_and_retry_after_wins()
    {
        using var response = new HttpResponseMessage();
        response.Headers.Add("x-ratelimit-reset-requests", "6m0s");
        response.Headers.Add("x-ratelimit-remaining-requests", "10");
        response.Headers.Add("x-ratelimit-reset-tokens", "120ms");
        response.Headers.Add("x-ratelimit-remaining-tokens", "0");
        Assert.Equal(TimeSpan.FromMilliseconds(120), RateLimitReset.From(response.Headers, DateTimeOffset.UnixEpoch));

        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(9));
        Assert.Equal(TimeSpan.FromSeconds(9), RateLimitReset.From(response.Headers, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("{\"model\":\"a\",\"stream\":true}", "{\"stream_options\":{\"include_usage\":true},\"model\":\"b\",\"stream\":true}")]
    [InlineData("{\"stream\":true,\"stream_options\":{\"include_usage\":false},\"model\":\"a\"}", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\":\"b\"}")]
    [InlineData("{\"stream\":true,\"stream_options\":{},\"model\":\"a\"}", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\":\"b\"}")]
    [InlineData("{\"stream\":true,\"stream_options\":{\"x\":1},\"model\":\"a\"}", "{\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1},\"model\":\"b\"}")]
    [InlineData("{\"stream\":true,\"stream_options\":null,\"model\":\"a\"}", "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"model\":\"b\"}")]
    [InlineData("{ \"model\" : \"a\" , \"stream\" : false }", "{ \"model\" : \"b\" , \"stream\" : false }")]
    public async Task The_body_changes_only_in_the_model_and_the_usage_request(string body, string sent)
    {
        using var request = await ReadAsync(body);
        Assert.Null(request.Problem);
        Assert.Equal("a", request.Model);

        using var content = request.ContentFor("b", askUsage: true);

        Assert.Equal(sent, await content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount(sent), content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("[1]", "JSON object")]
    [InlineData("{\"model\":1}", "'model'")]
    [InlineData("{\"messages\":[]}", "'model'")]
    [InlineData("{\"model\":\"a\",\"model\":\"b\"}", "twice")]
    [InlineData("{\"model\":\"a\"", "not valid JSON")]
    public async Task Bodies_the_gateway_cannot_route_say_why(string body, string why)
    {
        using var request = await ReadAsync(body);
        Assert.Contains(why, request.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_is_found_however_the_answer_is_cut_into_chunks()
    {
        var answer = Encoding.UTF8.GetBytes("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"a \\\"usage\\\": {} b\"},\"usage\":{\"prompt_tokens\":1}}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46,\"prompt_tokens_details\":{\"cached_tokens\":5}}}");
        foreach (var size in new[] { 1, 2, 3, 7, 64, answer.Length })
        {
            using var scanner = new UsageScanner();
            for (var at = 0; at < answer.Length; at += size)
            {
                var end = Math.Min(answer.Length, at + size);
                scanner.Feed(answer.AsSpan(at, end - at), final: end == answer.Length);
            }

            Assert.True(scanner.Found, $"chunks of {size}");
            Assert.Equal(12, scanner.PromptTokens);
            Assert.Equal(34, scanner.CompletionTokens);
        }
    }

    [Fact]
    public void A_responses_event_carries_its_usage_one_level_down_and_a_usage_chunk_has_no_choices()
    {
        var completed = UsageScanner.ScanWhole("{\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}}"u8);
        Assert.Equal((3, 4), (completed.PromptTokens, completed.CompletionTokens));
        Assert.False(completed.ChoicesEmpty);

        var chunk = UsageScanner.ScanWhole("{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}"u8);
        Assert.True(chunk.ChoicesEmpty);
        Assert.False(UsageScanner.ScanWhole("{\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":1}}"u8).ChoicesEmpty);
    }

    private static async Task<ChannelRequest> ReadAsync(string body)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        var (request, _, problem) = await ChannelRequest.ReadAsync(context.Request, 1 << 20, CancellationToken.None);
        Assert.True(request is not null, problem);
        return request;
    }
}
