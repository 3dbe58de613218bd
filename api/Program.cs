using MirrorGate.Api.Admin;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.Demo;
using MirrorGate.Api.Hosting;
using MirrorGate.Api.OpenAi;

var builder = WebApplication.CreateBuilder(args);
builder.AddMirrorGateLogging();
builder.AddDemoMode();
builder.AddMirrorGate();

var app = builder.Build();
app.UseMirrorGateRequestLogging();
app.MapRootEndpoints();
app.MapOpenAiApi();
app.MapBackendApi();
app.MapGatewayAdminApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
