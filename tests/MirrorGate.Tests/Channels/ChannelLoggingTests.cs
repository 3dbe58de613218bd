using System.Net;
using System.Net.Http.Json;
using MirrorGate.OpenAiSim;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Channels;

/// <summary>A channel key reaches no log line: not when added, used, refused (an upstream quoting it back), tested or listed.</summary>
public sealed class ChannelLoggingTests
{
    [Fact]
    public async Task No_channel_key_reaches_the_log_while_key_ids_do()
    {
        using var folder = new TempDirectory();
        var logFile = Path.Combine(folder.Path, "gateway.json");
        const string good = "sk-logged-good-0123456789abcdef";
        const string dead = "sk-logged-dead-0123456789abcdef";
        await using (var sim = await OpenAiSimulator.StartAsync())
        await using (var app = await GatewayApp.StartAsync(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel"] = "Debug",
            ["Serilog:WriteTo:0:Name"] = "File",
            ["Serilog:WriteTo:0:Args:path"] = logFile,
            ["Serilog:WriteTo:0:Args:formatter"] = "Serilog.Formatting.Json.JsonFormatter, Serilog",
        }))
        {
            sim.AddKey(good);
            sim.AddKey(dead);
            using var admin = app.CreateClient(GatewayApp.AdminPassword);
            var added = await admin.PostAsJsonAsync("/api/channels", new { id = "logged", name = "logged", base_url = sim.BaseUrl.ToString(), keys = new[] { dead, good }, models = new[] { "logged-model" } });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);

            // The first key is refused with a message quoting it in full; the request fails over to the second.
            sim.InjectFault(dead, new OpenAiFault(OpenAiFaultKind.Unauthorized));
            sim.InjectFault(good, new OpenAiFault(OpenAiFaultKind.ServerError, Times: 1));
            using var client = app.CreateClient(GatewayApp.ServiceKey);
            for (var i = 0; i < 3; i++)
            {
                await client.PostAsJsonAsync("/v1/chat/completions", new { model = "logged-model", stream = i == 1, messages = new[] { new { role = "user", content = "hi" } } });
            }

            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "logged-model", messages = new[] { new { role = "user", content = "hi" } } })).StatusCode);
            await admin.PostAsJsonAsync("/api/channels/logged/test", new { });
            var listed = await admin.GetStringAsync("/api/channels");
            Assert.DoesNotContain(good, listed, StringComparison.Ordinal);
            Assert.DoesNotContain(dead, listed, StringComparison.Ordinal);
        }

        var log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("ch:logged:0", log, StringComparison.Ordinal);
        Assert.DoesNotContain(good, log, StringComparison.Ordinal);
        Assert.DoesNotContain(dead, log, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", log, StringComparison.Ordinal);
    }
}
