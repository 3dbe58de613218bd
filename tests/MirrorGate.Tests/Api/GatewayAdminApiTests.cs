using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Users;
using MirrorGate.Tests.Infrastructure;
using MirrorGate.UpstreamSim;

namespace MirrorGate.Tests.Api;

/// <summary>
/// chatgpt-gateway's admin set (<c>/api/*</c>, seed 002 and research "Seed C") through the real HTTP
/// surface: the password guard, log in and out, mirror tokens, account import, use counts and the
/// no-login link.
/// </summary>
public sealed class GatewayAdminApiTests
{
    /// <summary>Every way of getting the password wrong: none, a wrong one, a longer one, the right one without <c>Bearer</c>.</summary>
    private static readonly string?[] WrongAuthorizations =
    [
        null, "Bearer wrong-password", "Bearer " + GatewayApp.AdminPassword + "x", "Basic " + GatewayApp.AdminPassword, "Bearer",
    ];

    private static readonly string[] AdminPaths = ["/api/login", "/api/logout", "/api/get-mirror-token", "/api/get-user-info", "/api/get-user-use-count", "/api/get-chatgpt-use-count"];

    [Fact]
    public async Task Every_admin_endpoint_refuses_a_missing_or_wrong_password_with_401_and_a_message()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = await app.AddPooledAccountAsync("guarded@example.com");
        app.Simulator.ResetCallCounts();
        using var client = app.CreateClient();

        foreach (var path in AdminPaths)
        {
            foreach (var authorization in WrongAuthorizations)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(ValidBodyFor(path, account)) };
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                using var response = await client.SendAsync(request);

                await AssertMessageAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", $"{path} with Authorization: {authorization ?? "(none)"}");
            }
        }

        AssertNoUpstreamCalls(app);
        Assert.Null(await app.Grains.GetGrain<IUserGrain>("guarded-user").GetSnapshotAsync());

        // The same requests with the right password get past the guard.
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        foreach (var path in AdminPaths)
        {
            using var accepted = await admin.PostAsJsonAsync(path, ValidBodyFor(path, account));
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{path}: {await accepted.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task The_admin_set_is_off_when_no_password_is_configured()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Gateway:AdminPassword"] = "" });
        var account = app.Simulator.AddAccount("off@example.com");

        foreach (var bearer in new[] { GatewayApp.AdminPassword, string.Empty })
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/get-user-info") { Content = JsonContent.Create(new { chatgpt_token = account.RefreshToken }) };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
            using var response = await client.SendAsync(request);

            await AssertMessageAsync(response, HttpStatusCode.Unauthorized, "ADMIN_PASSWORD");
        }

        AssertNoUpstreamCalls(app);
    }

    [Fact]
    public async Task The_ADMIN_PASSWORD_environment_name_sets_the_password_and_wins_over_the_section()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["ADMIN_PASSWORD"] = "from-the-environment" });

        using var envClient = app.CreateClient("from-the-environment");
        using var accepted = await envClient.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "someone" } });
        using var sectionClient = app.CreateClient(GatewayApp.AdminPassword);
        using var refused = await sectionClient.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "someone" } });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(0, (await accepted.JsonAsync())["someone"]!.GetValue<long>());
        await AssertMessageAsync(refused, HttpStatusCode.Unauthorized, "Unauthorized");
    }

    [Fact]
    public async Task Login_returns_a_stable_token_per_user_and_account_that_chats_under_the_given_limits()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount("login@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var limits = new[] { new { model_name = "gpt-4o", every_minute = 60, limit_count = 2 } };

        // Concurrent first logins must still agree on one token.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => LoginAsync(admin, "login-user", account.AccessToken, limits)));
        var first = concurrent[0];
        var again = await LoginAsync(admin, "login-user", account.AccessToken, limits);
        var otherUser = await LoginAsync(admin, "other-login-user", account.AccessToken, limits);

        Assert.StartsWith("mg-", first, StringComparison.Ordinal);
        Assert.Equal(first, again);
        Assert.All(concurrent, token => Assert.Equal(first, token));
        Assert.NotEqual(first, otherUser);

        using var client = app.CreateClient(first);
        using var one = await client.ChatAsync("first under the limit", "gpt-4o");
        using var two = await client.ChatAsync("second under the limit", "gpt-4o");
        using var three = await client.ChatAsync("over the limit", "gpt-4o");
        using var otherModel = await client.ChatAsync("another model is not limited", "auto");

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(SimReplies.For("first under the limit", 1), await one.ContentAsync());
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, three.StatusCode);
        Assert.Equal("model_limit_exceeded", (await three.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, otherModel.StatusCode);
        Assert.Equal(3, app.Simulator.CallCount(SimEndpoints.FConversation, "login@example.com"));
    }

    [Fact]
    public async Task Login_refuses_a_token_that_is_not_an_access_token_without_calling_upstream()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount("login-rt@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var response = await admin.PostAsJsonAsync("/api/login", new { user_name = "rt-user", access_token = account.RefreshToken });

        await AssertMessageAsync(response, HttpStatusCode.BadRequest, "access_token");
        AssertNoUpstreamCalls(app);
    }

    [Fact]
    public async Task Logout_revokes_the_users_tokens_so_the_next_chat_is_refused()
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount("logout@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var loginToken = await LoginAsync(admin, "leaving-user", account.AccessToken, Array.Empty<object>());
        var mirrorToken = await app.MirrorTokenAsync("leaving-user", "logout@example.com");
        using var loginClient = app.CreateClient(loginToken);
        using var mirrorClient = app.CreateClient(mirrorToken);
        using (var before = await loginClient.ChatAsync("before logout"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var logout = await admin.PostAsJsonAsync("/api/logout", new { user_name = "leaving-user" });
        using var afterLogin = await loginClient.ChatAsync("after logout");
        using var afterMirror = await mirrorClient.ChatAsync("after logout");
        using var link = await app.CreateClient().GetAsync("/api/not-login?user_gateway_token=" + Uri.EscapeDataString(loginToken));

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterLogin.StatusCode);
        Assert.Equal("invalid_api_key", (await afterLogin.JsonAsync())["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, afterMirror.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, link.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation));

        // Logging in again issues a new token; the revoked one stays dead.
        var newToken = await LoginAsync(admin, "leaving-user", account.AccessToken, Array.Empty<object>());
        Assert.NotEqual(loginToken, newToken);
        using var fresh = await app.CreateClient(newToken).ChatAsync("back again");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Get_mirror_token_returns_one_stable_token_per_account_each_chatting_on_its_own_account()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("mirror-a@example.com");
        await app.AddPooledAccountAsync("mirror-b@example.com");
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var body = new { user_name = "mirror-user", isolated_session = true, limits = Array.Empty<object>(), chatgpt_list = new[] { "mirror-a@example.com", "mirror-b@example.com" } };

        var first = await PostArrayAsync(admin, "/api/get-mirror-token", body);
        var second = await PostArrayAsync(admin, "/api/get-mirror-token", body);

        Assert.Equal(["mirror-a@example.com", "mirror-b@example.com"], first.Select(e => e!["chatgpt_username"]!.GetValue<string>()));
        var tokens = first.Select(e => e!["mirror_token"]!.GetValue<string>()).ToList();
        Assert.All(tokens, t => Assert.StartsWith("mg-", t, StringComparison.Ordinal));
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Equal(tokens, second.Select(e => e!["mirror_token"]!.GetValue<string>()));

        using var onA = await app.CreateClient(tokens[0]).ChatAsync("for account a");
        using var onB = await app.CreateClient(tokens[1]).ChatAsync("for account b");
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation, "mirror-a@example.com"));
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation, "mirror-b@example.com"));
    }

    [Fact]
    public async Task Get_mirror_token_with_an_unknown_account_is_400_and_changes_nothing()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("known@example.com");
        var token = await app.MirrorTokenAsync("kept-user", "known@example.com", new[] { new { model_name = "auto", every_minute = 60, limit_count = 1 } });
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var existingUser = await admin.PostAsJsonAsync("/api/get-mirror-token", new { user_name = "kept-user", limits = Array.Empty<object>(), chatgpt_list = new[] { "known@example.com", "ghost@example.com" } });
        using var newUser = await admin.PostAsJsonAsync("/api/get-mirror-token", new { user_name = "never-created", chatgpt_list = new[] { "ghost@example.com" } });

        await AssertMessageAsync(existingUser, HttpStatusCode.BadRequest, "ghost@example.com");
        await AssertMessageAsync(newUser, HttpStatusCode.BadRequest, "ghost@example.com");
        Assert.Null(await app.Grains.GetGrain<IUserGrain>("never-created").GetSnapshotAsync());

        // The refused call did not lift kept-user's limit: one chat, then 429.
        using var client = app.CreateClient(token);
        using var allowed = await client.ChatAsync("within the old limit");
        using var limited = await client.ChatAsync("still limited");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Theory]
    [InlineData("refresh")]
    [InlineData("session")]
    [InlineData("access")]
    public async Task Get_user_info_imports_an_account_from_any_token_and_returns_the_current_tokens(string kind)
    {
        await using var app = await GatewayApp.StartAsync();
        var account = app.Simulator.AddAccount($"import-{kind}@example.com", plan: "pro");
        var sent = kind switch
        {
            "refresh" => account.RefreshToken,
            "session" => account.SessionToken,
            _ => account.AccessToken,
        };
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var response = await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = sent });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(account.Email, body["user_info"]!["email"]!.GetValue<string>());
        Assert.Equal("pro", body["user_info"]!["plan_type"]!.GetValue<string>());
        Assert.Equal(account.AccessToken, body["access_token"]!.GetValue<string>());
        switch (kind)
        {
            case "refresh":
                // The simulator rotates refresh tokens: the one sent is spent, the current one comes back.
                Assert.NotEqual(sent, body["refresh_token"]!.GetValue<string>());
                Assert.Equal(account.RefreshToken, body["refresh_token"]!.GetValue<string>());
                Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.OAuthToken));
                break;
            case "session":
                Assert.NotEqual(sent, body["session_token"]!.GetValue<string>());
                Assert.Equal(account.SessionToken, body["session_token"]!.GetValue<string>());
                Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.AuthSession));
                break;
            default:
                Assert.Equal(sent, body["access_token"]!.GetValue<string>());
                Assert.Equal(0, app.Simulator.CallCount(SimEndpoints.OAuthToken));
                Assert.Equal(0, app.Simulator.CallCount(SimEndpoints.AuthSession));
                break;
        }

        // The import put the account in the pool.
        using var chat = await app.CreateClient(GatewayApp.ServiceKey).ChatAsync("served by the import");
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(1, app.Simulator.CallCount(SimEndpoints.FConversation, account.Email));
    }

    [Fact]
    public async Task Get_user_info_with_a_dead_token_is_401_with_token_expired_in_the_message()
    {
        await using var app = await GatewayApp.StartAsync();
        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        var revoked = app.Simulator.AddAccount("revoked@example.com");
        app.Simulator.RevokeAccessTokens(revoked.Email);

        // Importing with a session token rotates it upstream; the original is dead afterwards.
        var rotated = app.Simulator.AddAccount("rotated@example.com");
        var spentSessionToken = rotated.SessionToken;
        (await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = spentSessionToken })).EnsureSuccessStatusCode();

        var deadTokens = new Dictionary<string, string>
        {
            ["unknown refresh token"] = "rt_" + new string('x', 40),
            ["revoked access token"] = revoked.AccessToken,
            ["spent session token"] = spentSessionToken,
        };
        foreach (var (kind, token) in deadTokens)
        {
            using var response = await admin.PostAsJsonAsync("/api/get-user-info", new { chatgpt_token = token });

            await AssertMessageAsync(response, HttpStatusCode.Unauthorized, "token 失效", kind);
        }

        Assert.Null(await app.Grains.GetGrain<IAccountGrain>(AccountIds.ForEmail(revoked.Email)).GetSnapshotAsync());
    }

    [Fact]
    public async Task Get_user_use_count_counts_todays_served_requests_per_user()
    {
        await using var app = await GatewayApp.StartAsync(time: MidHourClock());
        await app.AddPooledAccountAsync("counted@example.com");
        using var busy = app.CreateClient(await app.MirrorTokenAsync("busy-user", "counted@example.com"));
        using var quiet = app.CreateClient(await app.MirrorTokenAsync("quiet-user", "counted@example.com"));
        for (var i = 0; i < 3; i++)
        {
            using var served = await busy.ChatAsync($"request {i}");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var bad = await busy.PostAsync("/v1/chat/completions", new StringContent("{\"model\":\"auto\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var served = await quiet.ChatAsync("just one"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = new[] { "busy-user", "quiet-user", "nobody", " busy-user " } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var counts = await response.JsonAsync();
        Assert.Equal(4, counts.Count);
        Assert.Equal(3, counts["busy-user"]!.GetValue<long>());
        Assert.Equal(3, counts[" busy-user "]!.GetValue<long>());
        Assert.Equal(1, counts["quiet-user"]!.GetValue<long>());
        Assert.Equal(0, counts["nobody"]!.GetValue<long>());
    }

    [Fact]
    public async Task Get_chatgpt_use_count_reports_the_requests_just_served_per_model_in_hourly_buckets()
    {
        await using var app = await GatewayApp.StartAsync(time: MidHourClock());
        await app.AddPooledAccountAsync("usage@example.com");
        await app.AddPooledAccountAsync("idle@example.com");
        using var client = app.CreateClient(await app.MirrorTokenAsync("usage-user", "usage@example.com"));
        foreach (var model in new[] { "auto", "auto", "gpt-4o" })
        {
            using var served = await client.ChatAsync("count me", model);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var admin = app.CreateClient(GatewayApp.AdminPassword);
        using var response = await admin.PostAsJsonAsync("/api/get-chatgpt-use-count", new { chatgpt_list = new[] { "usage@example.com", "idle@example.com" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var usage = body["usage@example.com"]!.AsObject();
        Assert.Equal(["auto", "gpt-4o"], usage.Select(m => m.Key).Order(StringComparer.Ordinal));
        foreach (var (model, expected) in new[] { ("auto", 2L), ("gpt-4o", 1L) })
        {
            var buckets = usage[model]!.AsObject();
            Assert.Equal(Enumerable.Range(1, 24).Select(h => $"last_{h}h"), buckets.Select(b => b.Key));
            Assert.Equal(expected, buckets["last_1h"]!.GetValue<long>());
            Assert.All(buckets.Skip(1), b => Assert.Equal(0, b.Value!.GetValue<long>()));
        }

        Assert.Empty(body["idle@example.com"]!.AsObject());
    }

    [Fact]
    public async Task Not_login_sets_the_token_cookie_and_redirects_home()
    {
        await using var app = await GatewayApp.StartAsync();
        await app.AddPooledAccountAsync("link@example.com");
        var token = await app.MirrorTokenAsync("link-user", "link@example.com");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/not-login?user_gateway_token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"user-gateway-token={token};", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Not_login_with_an_unknown_or_missing_token_is_401_and_sets_no_cookie()
    {
        await using var app = await GatewayApp.StartAsync();
        using var client = app.CreateClient();

        foreach (var query in new[] { "?user_gateway_token=mg-not-a-token-this-gateway-issued", "?user_gateway_token=", string.Empty })
        {
            using var response = await client.GetAsync("/api/not-login" + query);

            Assert.False(response.Headers.Contains("Set-Cookie"), query);
            await AssertMessageAsync(response, HttpStatusCode.Unauthorized, "user_gateway_token", query);
        }
    }

    /// <summary>Per endpoint: bodies that must be refused, and what the message must name.</summary>
    private static readonly Dictionary<string, (string Body, string Named)[]> BadBodies = new()
    {
        ["/api/login"] =
        [
            ("{\"user_name\":\"bad-user\",", "not valid JSON"),
            ("{\"access_token\":\"eyJx.y.z\"}", "'user_name'"),
            ("{\"user_name\":\"bad-user\"}", "'access_token'"),
            ("{\"user_name\":\"bad-user\",\"access_token\":\"eyJx.y.z\",\"limits\":[{\"model_name\":\"auto\",\"every_minute\":60,\"limit_count\":\"5\"}]}", "'limits[0].limit_count'"),
            ("{\"user_name\":\"bad-user\",\"access_token\":\"eyJx.y.z\",\"limits\":[{\"model_name\":\"auto\",\"every_minute\":1.5,\"limit_count\":5}]}", "'limits[0].every_minute'"),
            ("{\"user_name\":\"bad-user\",\"access_token\":\"eyJx.y.z\",\"isolated_session\":1}", "'isolated_session'"),
        ],
        ["/api/logout"] =
        [
            ("", "empty"),
            ("{}", "'user_name'"),
            ("{\"user_name\":\"   \"}", "'user_name'"),
            ("{\"user_name\":7}", "'user_name'"),
            ("{\"user_name\":\"bad-user\",\"user_name\":\"other-user\"}", "Duplicate property 'user_name'"),
        ],
        ["/api/get-mirror-token"] =
        [
            ("[\"user_name\"]", "JSON object"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"limits\":[{\"model_name\":\"auto\",\"every_minute\":0,\"limit_count\":5}]}", "'limits[0].every_minute'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"limits\":[{\"model_name\":\"auto\",\"every_minute\":5,\"limit_count\":-1}]}", "'limits[0].limit_count'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"limits\":[{\"every_minute\":5,\"limit_count\":5}]}", "'limits[0].model_name'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"limits\":[\"gpt-4o\"]}", "'limits[0]'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"limits\":{\"model_name\":\"auto\"}}", "'limits'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":\"a@example.com\"}", "'chatgpt_list'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[\"a@example.com\",null]}", "'chatgpt_list'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[\"\"]}", "'chatgpt_list[0]'"),
            ("{\"user_name\":\"bad-user\"}", "'chatgpt_list'"),
            ("{\"user_name\":\"bad-user\",\"chatgpt_list\":[],\"isolated_session\":\"yes\"}", "'isolated_session'"),
        ],
        ["/api/get-user-info"] =
        [
            ("{}", "'chatgpt_token'"),
            ("{\"chatgpt_token\":42}", "'chatgpt_token'"),
            ("{\"chatgpt_token\":\"short\"}", "'chatgpt_token'"),
        ],
        ["/api/get-user-use-count"] =
        [
            ("{}", "'username_list'"),
            ("{\"username_list\":[\"a\",1]}", "'username_list'"),
            ("{\"username_list\":[\"\"]}", "'username_list[0]'"),
            ("{\"username_list\":[\"a\",\"  \"]}", "'username_list[1]'"),
        ],
        ["/api/get-chatgpt-use-count"] =
        [
            ("{}", "'chatgpt_list'"),
            ("{\"chatgpt_list\":{\"a@example.com\":true}}", "'chatgpt_list'"),
            ("{\"chatgpt_list\":[\"\"]}", "'chatgpt_list[0]'"),
        ],
    };

    // One gateway for every endpoint: nothing here may change state or reach the upstream.
    [Fact]
    public async Task Bad_admin_input_is_400_with_a_message_naming_the_problem()
    {
        await using var app = await GatewayApp.StartAsync();
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        foreach (var (path, bodies) in BadBodies)
        {
            foreach (var (body, named) in bodies)
            {
                using var response = await admin.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

                await AssertMessageAsync(response, HttpStatusCode.BadRequest, named, $"{path} {body}");
            }
        }

        AssertNoUpstreamCalls(app);
        Assert.Null(await app.Grains.GetGrain<IUserGrain>("bad-user").GetSnapshotAsync());
    }

    [Fact]
    public async Task An_oversize_admin_body_is_413_with_a_message()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "256" });
        using var admin = app.CreateClient(GatewayApp.AdminPassword);

        using var response = await admin.PostAsJsonAsync("/api/get-user-use-count", new { username_list = Enumerable.Range(0, 100).Select(i => $"user-{i}") });

        await AssertMessageAsync(response, HttpStatusCode.RequestEntityTooLarge, "256 bytes");
    }

    /// <summary>A body each endpoint would accept, so only the authorization can be at fault.</summary>
    private static object ValidBodyFor(string path, SimAccount account) => path switch
    {
        "/api/login" => new { user_name = "guarded-user", access_token = account.AccessToken, limits = Array.Empty<object>(), isolated_session = true },
        "/api/logout" => new { user_name = "guarded-user" },
        "/api/get-mirror-token" => new { user_name = "guarded-user", chatgpt_list = new[] { account.Email } },
        "/api/get-user-info" => new { chatgpt_token = account.RefreshToken },
        "/api/get-user-use-count" => new { username_list = new[] { "guarded-user" } },
        _ => new { chatgpt_list = new[] { account.Email } },
    };

    private static async Task<string> LoginAsync(HttpClient admin, string userName, string accessToken, object limits)
    {
        using var response = await admin.PostAsJsonAsync("/api/login", new { user_name = userName, access_token = accessToken, limits, isolated_session = true });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login failed: {(int)response.StatusCode} {body}");
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Single(json);
        return json["user-gateway-token"]!.GetValue<string>();
    }

    private static async Task<JsonArray> PostArrayAsync(HttpClient admin, string path, object body)
    {
        using var response = await admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    /// <summary>chatgpt-gateway's error answer: the status and exactly <c>{"message": "…"}</c>.</summary>
    private static async Task AssertMessageAsync(HttpResponseMessage response, HttpStatusCode status, string contained, string? context = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{context} -> {(int)response.StatusCode} {text}";
        Assert.True(response.StatusCode == status, $"expected {(int)status}: {what}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", what);
        var body = JsonNode.Parse(text) as JsonObject;
        Assert.True(body is { Count: 1 } && body["message"]?.GetValueKind() == JsonValueKind.String, $"expected {{\"message\": …}}: {what}");
        Assert.True(body!["message"]!.GetValue<string>().Contains(contained, StringComparison.Ordinal), $"expected the message to contain {contained}: {what}");
    }

    private static void AssertNoUpstreamCalls(GatewayApp app)
    {
        foreach (var endpoint in new[] { SimEndpoints.OAuthToken, SimEndpoints.AuthSession, SimEndpoints.AccountsCheck, SimEndpoints.Me, SimEndpoints.FConversation, SimEndpoints.Conversation })
        {
            Assert.Equal(0, app.Simulator.CallCount(endpoint));
        }
    }

    /// <summary>The gateway's clock pinned to the middle of the current local hour, so hourly and daily buckets cannot roll over mid-test.</summary>
    private static ManualTimeProvider MidHourClock()
    {
        var now = DateTimeOffset.Now;
        return new ManualTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 30, 0, now.Offset));
    }
}
