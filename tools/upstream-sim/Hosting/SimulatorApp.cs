using MirrorGate.SimHosting;
using MirrorGate.UpstreamSim.Accounts;
using MirrorGate.UpstreamSim.Auth;
using MirrorGate.UpstreamSim.Conduit;
using MirrorGate.UpstreamSim.Control;
using MirrorGate.UpstreamSim.Conversations;
using MirrorGate.UpstreamSim.Diagnostics;
using MirrorGate.UpstreamSim.Faults;
using MirrorGate.UpstreamSim.Files;
using MirrorGate.UpstreamSim.Models;
using MirrorGate.UpstreamSim.Sentinel;
using MirrorGate.UpstreamSim.Speech;
using MirrorGate.UpstreamSim.Voice;
using MirrorGate.UpstreamSim.Tokens;

namespace MirrorGate.UpstreamSim.Hosting;

/// <summary>Builds the simulator's web application: one host serving both the chatgpt.com and the
/// auth.openai.com paths, plus the <c>/_sim/</c> control endpoints.</summary>
internal static class SimulatorApp
{
    /// <param name="options">Switches (shared with the caller, so they can change while running).</param>
    /// <param name="args">Command-line arguments (standalone only; read for <c>--urls</c> and logging).</param>
    /// <param name="standalone">Standalone logs to the console; in-process uses <see cref="SimulatorOptions.LoggerFactory"/> or nothing.</param>
    public static WebApplication Build(SimulatorOptions options, string[] args, bool standalone)
    {
        var builder = SimHost.CreateBuilder(typeof(SimulatorApp), args, standalone, options.LoggerFactory);
        AddServices(builder.Services, options);

        var app = builder.Build();
        OAuthTokenEndpoint.Map(app);
        SessionEndpoint.Map(app);
        AccountEndpoints.Map(app);
        ModelEndpoints.Map(app);
        SentinelEndpoints.Map(app);
        ConduitEndpoint.Map(app);
        ConversationEndpoints.Map(app);
        ConversationReadEndpoint.Map(app);
        FileEndpoints.Map(app);
        ControlEndpoints.Map(app);
        SpeechEndpoints.Map(app);
        VoiceEndpoint.Map(app);
        return app;
    }

    private static void AddServices(IServiceCollection services, SimulatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AccountRegistry>();
        services.AddSingleton<AccessTokenBook>();
        services.AddSingleton<RefreshTokenBook>();
        services.AddSingleton<SessionTokenBook>();
        services.AddSingleton<LoginIssuer>();
        services.AddSingleton<CallCounter>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<SentinelStore>();
        services.AddSingleton<ConduitStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<FaultBook>();
        services.AddSingleton<SimulatorControl>();

        services.AddSingleton<OAuthTokenEndpoint>();
        services.AddSingleton<SessionEndpoint>();
        services.AddSingleton<AccountEndpoints>();
        services.AddSingleton<ModelEndpoints>();
        services.AddSingleton<SentinelEndpoints>();
        services.AddSingleton<ConduitEndpoint>();
        services.AddSingleton<ConversationEndpoints>();
        services.AddSingleton<ConversationReadEndpoint>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<FileEndpoints>();
        services.AddSingleton<ControlEndpoints>();
        services.AddSingleton<HiddenConversations>();
        services.AddSingleton<SpeechEndpoints>();
        services.AddSingleton<VoiceEndpoint>();
    }
}
