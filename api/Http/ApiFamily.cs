using MirrorGate.Api.Admin;
using MirrorGate.Api.BackendApi;
using MirrorGate.Api.OpenAi;

namespace MirrorGate.Api.Http;

/// <summary>
/// Which API family an endpoint belongs to, and so which error shape it answers in. Every route group carries one
/// as endpoint metadata, so a failure is shaped by the endpoint that failed, not guessed from its path (the admin
/// set is also served under <c>/{prefix}/api</c>).
/// </summary>
public enum ApiFamily
{
    /// <summary><c>{"error":{"message","type","param","code"}}</c></summary>
    OpenAi,

    /// <summary><c>{"detail":{"message","code"}}</c></summary>
    Backend,

    /// <summary><c>{"message"}</c></summary>
    Admin,

    /// <summary>SoruxGPT's <c>/adminapi</c>: <c>{"code":0,"msg","detail":{"message"}}</c></summary>
    Saas,

    /// <summary>The 元境 platform's <c>*.dspy</c> routes: HTTP 200 with <c>{"status":"error","data":{"message"}}</c></summary>
    Platform,
}

public static class ApiFamilies
{
    /// <summary>The family of the endpoint that handled the request; for a request no endpoint matched, the family its path belongs to.</summary>
    public static ApiFamily Of(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ApiFamilyMetadata>() is { } metadata)
        {
            return metadata.Family;
        }

        var path = context.Request.Path.Value ?? "/";
        return path.EndsWith(".dspy", StringComparison.Ordinal) ? ApiFamily.Platform
            : path.StartsWith("/backend-api/", StringComparison.Ordinal) ? ApiFamily.Backend
            : path.StartsWith("/adminapi/", StringComparison.Ordinal) || path == "/adminapi" ? ApiFamily.Saas
            : path.StartsWith("/api/", StringComparison.Ordinal) || path.Contains("/api/", StringComparison.Ordinal) ? ApiFamily.Admin
            : ApiFamily.OpenAi;
    }

    /// <summary>An error answer in <paramref name="family"/>'s shape.</summary>
    public static IResult Error(ApiFamily family, int status, string message, string code, TimeSpan? retryAfter = null) => family switch
    {
        ApiFamily.Admin => AdminResults.Error(status, message),
        ApiFamily.Saas => Saas.SaasResults.Fail(status, message),
        ApiFamily.Platform => Platform.DspyResults.Error(message),
        ApiFamily.Backend => BackendErrors.Result(status, message, code, retryAfter),
        _ => OpenAiErrors.Result(status, message, code, null, retryAfter),
    };

    /// <summary>Marks every endpoint of <paramref name="builder"/> as belonging to <paramref name="family"/>.</summary>
    public static TBuilder InFamily<TBuilder>(this TBuilder builder, ApiFamily family)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiFamilyMetadata(family));
}

/// <summary>Endpoint metadata naming the <see cref="ApiFamily"/>.</summary>
public sealed record ApiFamilyMetadata(ApiFamily Family);
