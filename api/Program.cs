using MirrorGate.Api.Admin;
using MirrorGate.Api.ApiReference;
using MirrorGate.Api.AuthHelpers;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.Console;
using MirrorGate.Api.Demo;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.Observability;
using MirrorGate.Api.OpenAi;
using MirrorGate.Api.Platform;
using MirrorGate.Api.Saas;
using MirrorGate.Api.Voice;
using MirrorGate.Silo.Hosting;

// appsettings.json is read from the app's own folder, so the working directory only decides where ./data is.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddMirrorGateLogging();
builder.AddDemoMode();
builder.AddMirrorGate();
builder.AddMirrorGateObservability();
builder.AddApiReference();

var app = builder.Build();
app.UseMirrorGateRequestLogging();
app.UseMirrorGateObservability();
app.UseMirrorGateErrors();
app.MapRootEndpoints();
app.MapObservability();
app.MapOpenAiApi();
app.MapBackendApi();
app.MapAuthHelpers();
app.MapVoiceApi();
app.MapGatewayAdminApi();
app.MapSaasAdminApi();
app.MapPlatformApi();
app.MapClusterDashboard();
app.MapApiReference();
app.MapConsole();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
