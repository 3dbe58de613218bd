using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MirrorGate.Upstream.ChatGpt;

namespace MirrorGate.Tests.Upstream;

public sealed class ChatGptRegistrationTests
{
    [Fact]
    public void Binds_the_section_and_registers_a_singleton_client_and_a_clock()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatGpt:Flow"] = "Legacy",
            ["ChatGpt:BackendBaseUrl"] = "http://127.0.0.1:5099",
            ["ChatGpt:RequestTimeout"] = "00:00:05",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddChatGptUpstream(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ChatGptOptions>>().Value;
        Assert.Equal(ChatGptFlow.Legacy, options.Flow);
        Assert.Equal(new Uri("http://127.0.0.1:5099"), options.BackendBaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RequestTimeout);
        Assert.Equal(new Uri("https://auth.openai.com"), options.AuthBaseUrl);    // defaults stay
        Assert.Same(provider.GetRequiredService<IChatGptClient>(), provider.GetRequiredService<IChatGptClient>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void Keeps_an_already_registered_clock()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.UnixEpoch);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);

        using var provider = services.AddChatGptUpstream(new ConfigurationBuilder().Build()).BuildServiceProvider();

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }
}
