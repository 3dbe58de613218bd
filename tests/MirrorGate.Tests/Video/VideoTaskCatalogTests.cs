using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Videos;
using MirrorGate.Grains.Videos;
using MirrorGate.Silo.Storage;
using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static MirrorGate.Tests.Video.VideoGateway;

namespace MirrorGate.Tests.Video;

/// <summary>A gateway whose video task catalog is recorded (and can be told to refuse a write), polling every 100 ms.</summary>
public sealed class RecordedCatalogVideoGateway() : VideoGateway(
    new Dictionary<string, string?> { ["VideoTasks:PollPeriod"] = "00:00:00.100", ["VideoTasks:ResumePeriod"] = "00:00:01" },
    static services => services
        .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1))
        .AddSingleton<IVideoTaskCatalog>(sp => new RecordingVideoTaskCatalog(sp.GetRequiredService<StateStore>().VideoTaskCatalog)))
{
    public RecordingVideoTaskCatalog Catalog => (RecordingVideoTaskCatalog)App.Services.GetRequiredService<IVideoTaskCatalog>();
}

/// <summary>
/// The searchable copy of a video task (docs/console-data.md): its settled row is written even when the store refused
/// it once, and polls that only move the progress write no row.
/// </summary>
public sealed class VideoTaskCatalogTests(RecordedCatalogVideoGateway gateway) : IClassFixture<RecordedCatalogVideoGateway>
{
    [Fact]
    public async Task A_settled_row_the_catalog_refused_once_is_written_again_and_the_list_shows_the_task_charged()
    {
        var (org, session) = await gateway.CustomerAsync(20m);
        gateway.Catalog.RefuseFirstSettledRow(org);

        var last = (await InferAsync(session, new { llmid = TextModel, prompt = "listed after a refusal", duration = 2, resolution = "540p" }))[^1];
        var taskId = last["taskid"]!.GetValue<string>();
        Assert.Equal("SUCCEEDED", last["status"]!.GetValue<string>());

        using var admin = gateway.App.CreateClient(GatewayApp.AdminPassword);
        JsonArray rows = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            rows = (await admin.GetFromJsonAsync<JsonObject>($"/api/video-tasks?org={org}"))!["rows"]!.AsArray();
            return rows.Count == 1 && rows[0]!["settlement"]!.GetValue<string>() == "charged";
        }, $"the list shows task {taskId} charged");

        Assert.Equal(1, gateway.Catalog.Refused(taskId));
        Assert.Equal(("SUCCEEDED", "success"), (rows[0]!["status"]!.GetValue<string>(), rows[0]!["state"]!.GetValue<string>()));
        Assert.Equal(VideoSettlement.Charged, gateway.Catalog.Written(taskId)[^1].Settlement);
        await gateway.AssertLedgerAsync(org, 19.6m);
    }

    [Fact]
    public async Task Polls_that_only_move_the_progress_write_no_row()
    {
        // Long enough steps that the 100 ms polls see processing at 0 and then at 50.
        gateway.Vidu.StepDelay = TimeSpan.FromSeconds(1);
        var (_, session) = await gateway.CustomerAsync(20m);

        var lines = await InferAsync(session, new { llmid = TextModel, prompt = "progress only", duration = 2, resolution = "540p" });
        var taskId = lines[^1]["taskid"]!.GetValue<string>();
        Assert.Equal("SUCCEEDED", lines[^1]["status"]!.GetValue<string>());
        var progress = lines.Where(l => l["state"]!.GetValue<string>() == "processing" && l["progress"] is not null).Select(l => l["progress"]!.GetValue<int>()).Distinct().ToList();
        Assert.True(progress.Count >= 2, $"the task moved its progress while processing (saw {string.Join(", ", progress)})");

        await Eventually.WaitUntilAsync(() => gateway.Catalog.Written(taskId) is [.., { Settlement: VideoSettlement.Charged }], $"task {taskId} wrote its settled row");
        var written = gateway.Catalog.Written(taskId);
        var shown = written.Select(r => (r.Status, r.State, r.Settlement, r.Error)).ToList();
        Assert.Single(shown, r => r.State == "processing");
        Assert.All(shown.Zip(shown.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        Assert.Equal((VideoStatus.Succeeded, "success", VideoSettlement.Held, (string?)null), shown[^2]);
    }
}
