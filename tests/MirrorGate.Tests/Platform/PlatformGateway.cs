using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MirrorGate.SmsSim;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Platform;

/// <summary>
/// One gateway on a real loopback socket (so requests come from 127.0.0.1, which allow-lists and rate limits read),
/// sending SMS codes through the HTTP sender to an in-process SMS simulator, on a clock the tests move. Shared by a
/// test class; each test uses phone numbers of its own.
/// </summary>
public class PlatformGateway : IAsyncLifetime
{
    public SmsSimulator Sms { get; private set; } = null!;

    public GatewayApp App { get; private set; } = null!;

    public ManualTimeProvider Time { get; } = new();

    /// <summary>Settings of this gateway beyond the SMS sender's.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Rbac:AddressHourlyLimit"] = "100000" };

    public async Task InitializeAsync()
    {
        Sms = await SmsSimulator.StartAsync();
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Sms:Sender"] = "Http",
            ["Sms:Url"] = Sms.SendUrl.ToString(),
            ["Sms:ApiKey"] = Sms.ApiKey,
        };
        App = await GatewayApp.StartAsync(settings, time: Time, kestrel: true);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Sms.DisposeAsync();
    }

    /// <summary>A mobile number no other test uses.</summary>
    public static string NewPhone() => "13" + RandomNumberGenerator.GetInt32(0, 1_000_000_000).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A client that keeps cookies (each its own jar); <paramref name="authorization"/> is a whole header value, e.g. <c>Bearer …</c>.</summary>
    public HttpClient Client(string? authorization = null)
    {
        var client = App.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        return client;
    }

    /// <summary>Asks for a code for <paramref name="phone"/>; returns the <c>key</c> and the code the SMS provider received.</summary>
    public async Task<(string Key, string Code)> SendCodeAsync(string phone, HttpClient? client = null)
    {
        using var own = client is null ? Client() : null;
        var answer = await (client ?? own!).GetDspyAsync($"/rbac/gen_sms_code.dspy?cellphone={phone}");
        Assert.True(answer["status"]!.GetValue<string>() == "ok", answer.ToJsonString());
        return (answer["data"]!["key"]!.GetValue<string>(), Sms.LastCode(phone));
    }

    /// <summary>Logs <paramref name="phone"/> in (registering it when new) on <paramref name="client"/>; returns the answer's data.</summary>
    public async Task<JsonObject> LoginAsync(string phone, HttpClient client)
    {
        var (key, code) = await SendCodeAsync(phone, client);
        var answer = await client.PostDspyAsync("/rbac/phone_login.dspy", new { cellphone = phone, key, sms_code = code });
        Assert.True(answer["status"]!.GetValue<string>() == "ok", answer.ToJsonString());
        return answer["data"]!.AsObject();
    }

    /// <summary>A logged-in client of a new user, with its session token and user row.</summary>
    public async Task<(HttpClient Client, string Token, JsonObject User)> NewUserAsync()
    {
        var client = Client();
        var data = await LoginAsync(NewPhone(), client);
        return (client, data["token"]!.GetValue<string>(), data["user"]!.AsObject());
    }

    /// <summary>Lets a test send a new code to a number it used a moment ago (past the per-phone interval).</summary>
    public void PassPhoneInterval() => Time.Advance(TimeSpan.FromSeconds(61));
}

internal static class DspyCalls
{
    public static async Task<JsonObject> GetDspyAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await BodyAsync(response);
    }

    public static async Task<JsonObject> PostDspyAsync(this HttpClient client, string path, object json)
    {
        using var response = await client.PostAsJsonAsync(path, json);
        return await BodyAsync(response);
    }

    public static async Task<JsonObject> PostFormAsync(this HttpClient client, string path, params (string Name, string Value)[] fields)
    {
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        return await BodyAsync(response);
    }

    /// <summary>Every .dspy answer is HTTP 200 with the outcome in the body.</summary>
    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static string Status(this JsonObject answer) => answer["status"]!.GetValue<string>();

    public static string Message(this JsonObject answer) => answer["data"]!["message"]!.GetValue<string>();
}
