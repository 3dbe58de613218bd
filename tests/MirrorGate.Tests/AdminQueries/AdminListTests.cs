using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Platform.Rbac;
using MirrorGate.GrainInterfaces.Rbac;
using MirrorGate.GrainInterfaces.Usage;
using MirrorGate.GrainInterfaces.Wallets;
using MirrorGate.Grains.Usage;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.Tests.Platform;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace MirrorGate.Tests.AdminQueries;

/// <summary>
/// The console's admin lists through HTTP (docs/console-data.md): usage, orders, users and platform users, wallet
/// postings and adjustments; filters, keyset pages, CSV, and a 400 in the admin shape for any filter they cannot read.
/// One gateway for the class; each test works on users and orgs of its own.
/// </summary>
public sealed class AdminListTests(LedgerGateway gateway) : IClassFixture<LedgerGateway>
{
    private GatewayApp App => gateway.App;

    [Fact]
    public async Task Usage_of_two_users_chat_requests_filters_by_user_and_exports_the_same_filter_as_csv()
    {
        var email = Unique("acct") + "@example.com";
        await App.AddPooledAccountAsync(email);
        var (alice, bob) = (Unique("alice"), Unique("bob"));
        var aliceChat = App.OpenAiChat("gpt-4o", await App.MirrorTokenAsync(alice, email));
        var bobChat = App.OpenAiChat("gpt-4o", await App.MirrorTokenAsync(bob, email));
        await aliceChat.CompleteChatAsync([new UserChatMessage("one")]);
        await aliceChat.CompleteChatAsync([new UserChatMessage("two")]);
        await bobChat.CompleteChatAsync([new UserChatMessage("three")]);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        JsonArray rows = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            rows = (await admin.GetFromJsonAsync<JsonObject>($"/api/usage?user={alice}"))!["rows"]!.AsArray();
            return rows.Count == 2;
        }, "both of alice's requests are in the usage list");

        Assert.All(rows, r => Assert.Equal(alice, r!["user"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal("gpt-4o", r!["model"]!.GetValue<string>()));
        Assert.True(rows[0]!["at"]!.GetValue<DateTimeOffset>() >= rows[1]!["at"]!.GetValue<DateTimeOffset>(), "newest first");
        Assert.Single((await admin.GetFromJsonAsync<JsonObject>($"/api/usage?user={bob}"))!["rows"]!.AsArray());

        using var csv = await admin.GetAsync($"/api/usage?user={alice}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment", csv.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("request_id,at,user,model,account,node,prompt_tokens,completion_tokens", lines[0]);
        Assert.Equal(rows.Select(r => r!["request_id"]!.GetValue<string>()), lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.Equal(alice, l.Split(',')[2]));

        // Accept: text/csv asks for the same.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/usage?user={bob}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var accepted = await admin.SendAsync(request);
        Assert.Equal(2, (await accepted.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Usage_pages_by_cursor_newest_first_without_repeating_or_losing_a_row()
    {
        var user = Unique("pager");
        var at = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var ledger = App.Services.GetRequiredService<IUsageLedger>();
        await ledger.RecordAsync([.. Enumerable.Range(0, 7).Select(i => new UsageRecord($"{user}-{i}", at.AddSeconds(i % 3), "gpt-4o", null, user, "node", 1, 2))]);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var seen = new List<string>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/usage?user={user}&limit=3" + (cursor is null ? "" : "&cursor=" + cursor)))!;
            var rows = page["rows"]!.AsArray();
            sizes.Add(rows.Count);
            seen.AddRange(rows.Select(r => r!["request_id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal([$"{user}-5", $"{user}-2", $"{user}-4", $"{user}-1", $"{user}-6", $"{user}-3", $"{user}-0"], seen);
    }

    // An export reads page after page (500 rows each) and streams them out: every row once, whatever its size.
    [Fact]
    public async Task A_csv_export_spans_many_store_pages_and_quotes_and_defuses_cells()
    {
        var user = Unique("export");
        var at = new DateTimeOffset(2031, 4, 1, 0, 0, 0, TimeSpan.Zero);
        var ledger = App.Services.GetRequiredService<IUsageLedger>();
        await ledger.RecordAsync([.. Enumerable.Range(0, 1_203).Select(i => new UsageRecord($"{user}-{i:D4}", at.AddMilliseconds(i), "gpt-4o", null, user, "node", i, 0))]);
        await ledger.RecordAsync(new UsageRecord($"{user}-evil", at.AddDays(1), "=HYPERLINK(\"http://x\",\"y\")", "acct,\"quoted\"", user, "node\r\nnext", 0, 0));
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var text = await admin.GetStringAsync($"/api/usage?user={user}&format=csv");

        var lines = text.Split("\r\n");
        Assert.Equal($"{user}-evil,2031-04-02T00:00:00.000Z,{user},\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"acct,\"\"quoted\"\"\",\"node", lines[1]);
        Assert.Equal("next\",0,0", lines[2]);
        var ids = lines.Skip(3).Where(l => l.Length > 0).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(1_203, ids.Count);
        Assert.Equal(1_203, ids.Distinct().Count());
        Assert.Equal($"{user}-1202", ids[0]);
        Assert.Equal($"{user}-0000", ids[^1]);
    }

    [Theory]
    [InlineData("/api/usage?limit=0", "'limit' must be a whole number from 1 to 500.")]
    [InlineData("/api/usage?limit=501", "'limit' must be a whole number from 1 to 500.")]
    [InlineData("/api/usage?limit=ten", "'limit' must be a whole number from 1 to 500.")]
    [InlineData("/api/usage?from=yesterday", "'from' must be a date (2026-12-07) or an instant with its offset (2026-12-07T10:00:00Z).")]
    [InlineData("/api/usage?to=2026-12-07T10:00:00", "'to' must be a date (2026-12-07) or an instant with its offset (2026-12-07T10:00:00Z).")]
    [InlineData("/api/usage?from=2026-12-07&to=2026-12-06", "'to' must be later than 'from'.")]
    [InlineData("/api/usage?cursor=not-a-cursor", "'cursor' is not a cursor this list gave: pass the 'next_cursor' of the page before, unchanged.")]
    [InlineData("/api/usage?format=xml", "'format' must be 'json' or 'csv'.")]
    [InlineData("/api/usage?username=x", "Unknown parameter 'username': this list takes 'user', 'model', 'account', 'from', 'to', 'limit', 'cursor', 'format'.")]
    [InlineData("/api/usage?user=a&user=b", "Parameter 'user' is given 2 times; give it once.")]
    [InlineData("/api/orders?org=a&bogus=1", "Unknown parameter 'bogus': this list takes 'org', 'user', 'model', 'product', 'kind', 'from', 'to', 'limit', 'cursor', 'format'.")]
    [InlineData("/api/video-tasks?status=RUNNING", "'status' must be PENDING, SUCCEEDED or FAILED.")]
    [InlineData("/api/wallets/org-x/postings?limit=-1", "'limit' must be a whole number from 1 to 500.")]
    [InlineData("/api/users?limit=0", "'limit' must be a whole number from 1 to 200.")]
    [InlineData("/api/platform-users?org=x", "Unknown parameter 'org': this list takes 'name', 'after' and 'limit'.")]
    public async Task A_filter_the_list_cannot_read_is_a_400_in_the_admin_shape(string path, string message)
    {
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        using var response = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, (await response.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/usage")]
    [InlineData("/api/orders?format=csv")]
    [InlineData("/api/video-tasks")]
    [InlineData("/api/users")]
    [InlineData("/api/platform-users")]
    [InlineData("/api/wallets/org-x/postings")]
    public async Task The_lists_are_behind_the_admin_password(string path)
    {
        using var anonymous = App.CreateClient();
        using var wrong = App.CreateClient("wrong-password");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Orders_of_every_org_filter_by_org_and_kind_and_export_as_csv()
    {
        var (org, other) = (LedgerGateway.NewOrg(), LedgerGateway.NewOrg());
        await gateway.FundAsync(org, 10m);
        await gateway.FundAsync(other, 1m);
        var wallet = App.Grains.GetGrain<IWalletGrain>(org);
        await wallet.ReserveAsync(org + "-call", 2m);
        await wallet.SettleAsync(org + "-call", new ChargeOrder("user-9", "0", null, "llm-7", "Model Seven", "m-7", "{\"tokens\":3}", 1.25m, 0.5m));
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var all = (await admin.GetFromJsonAsync<JsonObject>($"/api/orders?org={org}"))!["rows"]!.AsArray();
        var paid = (await admin.GetFromJsonAsync<JsonObject>($"/api/orders?org={org}&kind=PAY"))!["rows"]!.AsArray();
        var byUser = (await admin.GetFromJsonAsync<JsonObject>("/api/orders?user=user-9&model=m-7"))!["rows"]!.AsArray();
        var csv = (await admin.GetStringAsync($"/api/orders?org={org}&format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["PAY", "RECHARGE"], all.Select(r => r!["kind"]!.GetValue<string>()));
        var order = Assert.Single(paid)!;
        Assert.Equal(org + "-call", order["order_id"]!.GetValue<string>());
        Assert.Equal(1.25m, order["amount"]!.GetValue<decimal>());
        Assert.Equal(0.5m, order["cost"]!.GetValue<decimal>());
        Assert.Equal("llm-7", order["product"]!.GetValue<string>());
        Assert.Contains(byUser, r => r!["order_id"]!.GetValue<string>() == org + "-call");
        Assert.All(byUser, r => Assert.Equal("user-9", r!["user"]!.GetValue<string>()));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith($"{org}-call,", csv[1], StringComparison.Ordinal);
        Assert.Contains(",PAY,llm-7,Model Seven,m-7,1.25,0.5,", csv[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wallet_adjustment_with_a_reason_moves_the_balance_once_per_key_and_is_posted_with_its_order()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 3m);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var credit = await AdjustAsync(admin, org, new { amount = 2.5m, reason = "goodwill credit", key = "k-1" });
        var retry = await AdjustAsync(admin, org, new { amount = 2.5m, reason = "goodwill credit", key = "k-1" });
        var reused = await AdjustAsync(admin, org, new { amount = 9m, reason = "other", key = "k-1" });
        var debit = await AdjustAsync(admin, org, new { amount = -1.5m, reason = "chargeback", key = "k-2" });

        Assert.Equal((HttpStatusCode.OK, false, 5.5m), (credit.Status, credit.Body["already_applied"]!.GetValue<bool>(), credit.Body["balance"]!.GetValue<decimal>()));
        Assert.Equal((HttpStatusCode.OK, true, 5.5m), (retry.Status, retry.Body["already_applied"]!.GetValue<bool>(), retry.Body["balance"]!.GetValue<decimal>()));
        Assert.Equal(HttpStatusCode.Conflict, reused.Status);
        Assert.Equal((HttpStatusCode.OK, 4m), (debit.Status, debit.Body["balance"]!.GetValue<decimal>()));
        Assert.Equal(4m, (await App.Grains.GetGrain<IWalletGrain>(org).GetBalanceAsync()).Balance);

        var postings = (await admin.GetFromJsonAsync<JsonObject>($"/api/wallets/{org}/postings"))!["rows"]!.AsArray();
        Assert.Equal([("ADJUST-", -1.5m), ("ADJUST", 2.5m), ("RECHARGE", 3m)], postings.Select(p => (p!["kind"]!.GetValue<string>(), p["delta"]!.GetValue<decimal>())));
        var orders = (await admin.GetFromJsonAsync<JsonObject>($"/api/orders?org={org}&kind=ADJUST"))!["rows"]!.AsArray();
        Assert.Equal([-1.5m, 2.5m], orders.Select(o => o!["amount"]!.GetValue<decimal>()));
        var usage = JsonNode.Parse(orders[1]!["usage"]!.GetValue<string>())!;
        Assert.Equal("goodwill credit", usage["reason"]!.GetValue<string>());
        Assert.Equal("admin-api", usage["by"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_debit_below_the_floor_or_a_bad_adjustment_writes_nothing()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 1m);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var tooMuch = await AdjustAsync(admin, org, new { amount = -1.01m, reason = "too much", key = "d-1" });
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.Status);
        Assert.Contains("below its floor", tooMuch.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var body in new object[]
        {
            new { amount = 1m, key = "b-1" },
            new { amount = 1m, reason = "  ", key = "b-2" },
            new { amount = 1m, reason = "no key" },
            new { amount = 0m, reason = "zero", key = "b-3" },
            new { amount = 0.0000001m, reason = "too fine", key = "b-4" },
            new { amount = "5", reason = "a string", key = "b-5" },
            new { amount = 1m, reason = new string('r', 201), key = "b-6" },
        })
        {
            var refused = await AdjustAsync(admin, org, body);
            Assert.True(refused.Status == HttpStatusCode.BadRequest, $"{System.Text.Json.JsonSerializer.Serialize(body)} → {(int)refused.Status}");
            Assert.False(string.IsNullOrEmpty(refused.Body["message"]?.GetValue<string>()));
        }

        Assert.Equal(1m, (await App.Grains.GetGrain<IWalletGrain>(org).GetBalanceAsync()).Balance);
        Assert.Single((await admin.GetFromJsonAsync<JsonObject>($"/api/wallets/{org}/postings"))!["rows"]!.AsArray());
        Assert.Empty((await admin.GetFromJsonAsync<JsonObject>($"/api/orders?org={org}&kind=ADJUST"))!["rows"]!.AsArray());
    }

    [Fact]
    public async Task Mirror_users_are_listed_with_their_limits_and_todays_use_and_page_by_name()
    {
        var prefix = Unique("team") + "-";
        var email = Unique("acct") + "@example.com";
        await App.AddPooledAccountAsync(email);
        var token = await App.MirrorTokenAsync(prefix + "a", email, limits: new[] { new { model_name = "gpt-4o", every_minute = 60, limit_count = 5 } });
        await App.MirrorTokenAsync(prefix + "b", email);
        await App.MirrorTokenAsync(prefix + "c", email);
        await App.OpenAiChat("gpt-4o", token).CompleteChatAsync([new UserChatMessage("hi")]);
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        JsonObject first = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            first = (await admin.GetFromJsonAsync<JsonObject>($"/api/users?name={prefix}&limit=2"))!;
            return first["rows"]![0]!["use_count_today"]!.GetValue<long>() == 1;
        }, "the request is counted in the user list");
        var second = (await admin.GetFromJsonAsync<JsonObject>($"/api/users?name={prefix}&limit=2&after={first["next_after"]!.GetValue<string>()}"))!;

        Assert.Equal([prefix + "a", prefix + "b"], first["rows"]!.AsArray().Select(r => r!["user_name"]!.GetValue<string>()));
        var limit = Assert.Single(first["rows"]![0]!["limits"]!.AsArray())!;
        Assert.Equal(("gpt-4o", 60, 5), (limit["model_name"]!.GetValue<string>(), limit["every_minute"]!.GetValue<int>(), limit["limit_count"]!.GetValue<int>()));
        Assert.Equal([prefix + "c"], second["rows"]!.AsArray().Select(r => r!["user_name"]!.GetValue<string>()));
        Assert.Null(second["next_after"]);
    }

    [Fact]
    public async Task A_platform_user_shows_its_org_wallet_and_api_keys_without_their_secrets()
    {
        var org = LedgerGateway.NewOrg();
        await gateway.FundAsync(org, 7m);
        var phone = "19" + Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var user = await App.Grains.GetGrain<IPhoneIndexGrain>(phone).AddUserAsync(Unique("pu"), org, "Nick", DateTimeOffset.UtcNow);
        var (session, _) = await App.Services.GetRequiredService<PlatformSessions>().StartAsync(user);
        using var platform = App.CreateClient(session);
        var applied = (await (await platform.PostAsJsonAsync("/dapi/apply_apikey.dspy", new { appname = "billing app", allowedips = "127.0.0.1" })).Content.ReadFromJsonAsync<JsonObject>())!;
        var apiKey = applied["data"]!["apikey"]!.GetValue<string>();
        using var admin = App.CreateClient(GatewayApp.AdminPassword);

        var listed = (await admin.GetFromJsonAsync<JsonObject>($"/api/platform-users?name={user.Id}"))!["rows"]!.AsArray();
        using var detail = await admin.GetAsync($"/api/platform-users/{user.Id}");
        var text = await detail.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;

        var row = Assert.Single(listed)!;
        Assert.Equal((org, 7m), (row["org"]!.GetValue<string>(), row["wallet"]!["balance"]!.GetValue<decimal>()));
        Assert.Equal(user.Username, body["user"]!["username"]!.GetValue<string>());
        var key = Assert.Single(body["api_keys"]!.AsArray())!;
        Assert.Equal("billing app", key["name"]!.GetValue<string>());
        Assert.Equal(["127.0.0.1"], key["allowed_ips"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.DoesNotContain(apiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(applied["data"]!["secretkey"]!.GetValue<string>(), text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/platform-users/nobody-here")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> AdjustAsync(HttpClient admin, string org, object body)
    {
        using var response = await admin.PostAsJsonAsync($"/api/wallets/{org}/adjustments", body);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
