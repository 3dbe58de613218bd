using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MirrorGate.Tests.Api;
using MirrorGate.Tests.Infrastructure;
using OpenAI;
using OpenAI.Audio;

namespace MirrorGate.Tests.Speech;

/// <summary><c>/v1/audio/speech</c> through ChatGPT's read-aloud, with the official .NET and npm clients and raw HTTP.</summary>
public sealed class SpeechTests(SpeechGateway gateway) : IClassFixture<SpeechGateway>
{
    /// <summary>The simulator's audio: the format's magic bytes, then "MGSIM voice=… format=…", then the text.</summary>
    private static (string Voice, string Format, string Text) Decode(byte[] audio)
    {
        var lines = Encoding.UTF8.GetString(audio).Split('\n', 3);
        var fields = lines[1].Split(' ');
        return (fields[1]["voice=".Length..], fields[2]["format=".Length..], lines[2]);
    }

    private AudioClient Audio(GatewayApp app) => new("tts-1", new ApiKeyCredential(GatewayApp.ServiceKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(app.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(app.CreateClient()),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    [Theory]
    [InlineData("mp3", "mp3", new byte[] { (byte)'I', (byte)'D', (byte)'3' })]
    [InlineData("opus", "opus", new byte[] { (byte)'O', (byte)'g', (byte)'g', (byte)'S' })]
    [InlineData("aac", "aac", new byte[] { 0xFF, 0xF1 })]
    [InlineData("flac", "aac", new byte[] { 0xFF, 0xF1 })]
    [InlineData("wav", "aac", new byte[] { 0xFF, 0xF1 })]
    [InlineData("pcm", "aac", new byte[] { 0xFF, 0xF1 })]
    public async Task The_official_dotnet_client_gets_audio_in_each_format_with_the_unsupported_ones_as_aac(string asked, string served, byte[] magic)
    {
        var format = new GeneratedSpeechFormat(asked);
        var audio = (await Audio(gateway.App).GenerateSpeechAsync($"Hello in {asked}", GeneratedSpeechVoice.Alloy, new SpeechGenerationOptions { ResponseFormat = format })).Value.ToArray();

        Assert.Equal(magic, audio[..magic.Length]);
        var (voice, upstreamFormat, text) = Decode(audio);
        Assert.Equal("cove", voice);
        Assert.Equal(served, upstreamFormat);
        Assert.Equal($"Hello in {asked}", text);
    }

    [Theory]
    [InlineData("shimmer", "juniper")]
    [InlineData("onyx", "orbit")]
    [InlineData("ECHO", "ember")]
    [InlineData("glimmer", "glimmer")]
    [InlineData("vale", "vale")]
    [InlineData("no-such-voice", "cove")]
    public async Task OpenAI_voices_map_to_ChatGPT_voices_and_ChatGPT_voices_pass(string asked, string upstream)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "voices", voice = asked, response_format = "mp3" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(upstream, Decode(await response.Content.ReadAsByteArrayAsync()).Voice);
    }

    [Fact]
    public async Task Without_a_format_the_answer_is_aac_as_Aurora_answers()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "default format", voice = "alloy" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/aac", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("aac", Decode(await response.Content.ReadAsByteArrayAsync()).Format);
    }

    [Fact]
    public async Task chatgpt_gateway_form_GET_with_a_ChatGPT_voice_and_input_in_the_query_answers_audio()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.GetAsync("/v1/audio/speech?voice=maple&input=" + Uri.EscapeDataString("你好, gateway"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (voice, format, text) = Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(("maple", "aac", "你好, gateway"), (voice, format, text));
    }

    [Fact]
    public async Task The_helper_conversation_holds_the_input_and_is_hidden_afterwards()
    {
        var input = "hide me " + Guid.NewGuid().ToString("N");
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input, voice = "fable", response_format = "opus" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sim = gateway.App.Simulator;
        var helper = sim.HiddenConversationIds().Select(sim.GetConversation).Single(c => c!.Messages.Any(m => m.Text == input))!;
        Assert.Equal(SpeechGateway.Email, helper.OwnerEmail);
        Assert.All(helper.Messages.Where(m => m.Role != "system"), m => Assert.Equal(("assistant", input), (m.Role, m.Text)));
    }

    [Theory]
    [InlineData("{\"model\":\"tts-1\",\"voice\":\"alloy\"}", "input")]
    [InlineData("{\"model\":\"tts-1\",\"input\":\"\",\"voice\":\"alloy\"}", "input")]
    [InlineData("{\"model\":\"tts-1\",\"input\":42,\"voice\":\"alloy\"}", "input")]
    [InlineData("{\"model\":\"tts-1\",\"input\":\"x\",\"voice\":[\"alloy\"]}", "voice")]
    [InlineData("{\"model\":7,\"input\":\"x\"}", "model")]
    [InlineData("{\"model\":\"tts-1\",\"input\":\"x\",\"response_format\":\"ogg\"}", "response_format")]
    [InlineData("{\"model\":\"tts-1\",\"input\":\"x\",\"response_format\":true}", "response_format")]
    public async Task Bad_input_gets_a_400_naming_the_field_and_nothing_goes_upstream(string body, string param)
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        var before = gateway.App.Simulator.CallCount("f/conversation");
        using var response = await client.PostAsync("/v1/audio/speech", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(before, gateway.App.Simulator.CallCount("f/conversation"));
    }

    [Fact]
    public async Task Too_long_input_and_broken_JSON_get_400s()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey);
        using var tooLong = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = new string('a', 4097), voice = "alloy" });
        using var broken = await client.PostAsync("/v1/audio/speech", new StringContent("{\"input\":", Encoding.UTF8, "application/json"));
        using var noInput = await client.GetAsync("/v1/audio/speech?voice=cove");

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("string_above_max_length", (await tooLong.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noInput.StatusCode);
        Assert.Equal("input", (await noInput.JsonAsync())["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_free_device_id_is_refused_with_403_before_anything_goes_upstream()
    {
        using var client = gateway.App.CreateClient(GatewayApp.ServiceKey + " " + Guid.NewGuid());
        using var response = await client.PostAsJsonAsync("/v1/audio/speech", new { model = "tts-1", input = "free", voice = "alloy" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal("missing_access_token", error["code"]!.GetValue<string>());
        Assert.Contains("logged-in ChatGPT access token", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_npm_openai_package_gets_speech_in_each_format()
    {
        var seen = await NpmOpenAi.RunAsync("speech.mjs", new Uri(gateway.App.BaseAddress, "/v1").ToString(), GatewayApp.ServiceKey);
        Assert.Equal(("49443304", "audio/mpeg"), Head(seen["mp3"]!));
        Assert.Equal(("4f676753", "audio/ogg"), Head(seen["opus"]!));
        foreach (var format in new[] { "aac", "flac", "wav", "pcm" })
        {
            Assert.Equal("audio/aac", seen[format]!["contentType"]!.GetValue<string>());
            Assert.StartsWith("fff1", seen[format]!["head"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal($"MGSIM voice=maple format=aac\nRead this in {format}", seen[format]!["text"]!.GetValue<string>());
        }

        static (string, string) Head(JsonNode node) => (node["head"]!.GetValue<string>(), node["contentType"]!.GetValue<string>());
    }
}
