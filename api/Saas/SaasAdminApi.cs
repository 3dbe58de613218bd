using MirrorGate.Api.Http;

namespace MirrorGate.Api.Saas;

/// <summary>
/// SoruxGPT SaaS's admin API (seed <c>000</c>; readings of its gaps in research "Seed A", the contract in
/// <c>docs/adminapi.md</c>): accounts, their state, and activation codes, each guarded by the <c>adminapi</c> header.
/// Requests are form-data as documented, URL-encoded or JSON.
/// </summary>
public static partial class SaasAdminApi
{
    public static IEndpointRouteBuilder MapSaasAdminApi(this IEndpointRouteBuilder routes)
    {
        var family = routes.MapGroup("/adminapi").InFamily(ApiFamily.Saas);
        var admin = family.MapGroup(string.Empty).AddEndpointFilter<SaasAdminFilter>().AddEndpointFilter<Audit.AuditFilter>();
        admin.MapPost("/addAccount", AddAccountAsync);
        admin.MapPost("/stateAccount", StateAccountAsync).WithMetadata(Console.ReadsOnly.Instance);
        admin.MapPost("/importConversationBySelf", ImportBySelfAsync);
        admin.MapPost("/importConversationByWeb", ImportByWebAsync);

        // Gateway-defined (the seed's users are activation codes, but it publishes no API to manage them).
        admin.MapPost("/createActivationCode", CreateActivationCodeAsync);
        admin.MapPost("/updateActivationCode", UpdateActivationCodeAsync);
        admin.MapPost("/revokeActivationCode", RevokeActivationCodeAsync);
        admin.MapPost("/listActivationCodes", ListActivationCodesAsync).WithMetadata(Console.ReadsOnly.Instance);

        // The secret is checked before a route is named unknown, so the API's shape is not given away.
        admin.Map("/{**path}", (HttpContext context) =>
            SaasResults.Fail(StatusCodes.Status404NotFound, $"Unknown adminapi route ({context.Request.Method} {context.Request.Path})."));
        return routes;
    }
}
