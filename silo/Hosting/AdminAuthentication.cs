using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MirrorGate.Silo.Hosting;

/// <summary>
/// The operator's sign-in for pages the gateway serves to people (the Orleans dashboard): the admin password
/// (<c>ADMIN_PASSWORD</c> or <c>Gateway:AdminPassword</c>) as <c>Authorization: Bearer …</c>, or as the password of
/// HTTP Basic authentication, which a browser asks for by itself. Compared in constant time. Without a configured
/// password nobody gets in.
/// </summary>
public static class AdminAuthentication
{
    public const string Scheme = "MirrorGateAdmin";
    public const string Policy = "MirrorGateAdmin";

    /// <summary>The challenge that makes a browser ask for the password.</summary>
    public const string Challenge = "Basic realm=\"MirrorGate\", charset=\"UTF-8\"";

    /// <summary>The password an <c>Authorization</c> header gives, as a bearer or as HTTP Basic's password; null when it gives none.</summary>
    public static string? PasswordIn(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim()
        : header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? BasicPassword(header[6..].Trim())
        : null;

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // No default scheme: only the endpoints that require the policy run this handler, not every API request.
        // The scheme machinery without AddAuthentication(), which also starts ASP.NET's data protection: a key ring
        // (XML stack loaded, a key file written) that nothing here uses, since the scheme issues no cookie or payload.
        services.AddAuthenticationCore();
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, Handler>(Scheme, _ => { });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddSingleton(new AdminPassword(AdminPassword.From(configuration)));
        return services;
    }

    /// <summary>The configured admin password; the seeds' <c>ADMIN_PASSWORD</c> wins over the section.</summary>
    public sealed record AdminPassword(string? Value)
    {
        public static string? From(IConfiguration configuration) =>
            configuration["ADMIN_PASSWORD"] is { Length: > 0 } fromEnvironment ? fromEnvironment
            : configuration["Gateway:AdminPassword"] is { Length: > 0 } fromSection ? fromSection
            : null;

        public bool Matches(string given) =>
            Value is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(Value));

        public override string ToString() => "AdminPassword { *** }";
    }

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AdminPassword password)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (PasswordIn(Request.Headers.Authorization.ToString()) is not { } given)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(password.Matches(given)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], AdminAuthentication.Scheme)), AdminAuthentication.Scheme))
                : AuthenticateResult.Fail("Wrong admin password."));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = Challenge;
            return Task.CompletedTask;
        }
    }
}
