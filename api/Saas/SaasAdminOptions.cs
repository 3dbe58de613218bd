namespace MirrorGate.Api.Saas;

/// <summary>
/// SoruxGPT's admin API <c>/adminapi/*</c> (configuration section <c>SaasAdmin</c>; the environment variable
/// <c>ADMINAPI</c> sets the secret too and wins).
/// </summary>
public sealed class SaasAdminOptions
{
    public const string SectionName = "SaasAdmin";
    public const string SecretVariable = "ADMINAPI";

    /// <summary>The value every request must carry in its <c>adminapi</c> header. Empty turns the API off.</summary>
    /// <value>Empty by default.</value>
    public string? Secret { get; set; }

    /// <summary>Plan tier of a new activation code that names none.</summary>
    /// <value><c>plus</c> by default.</value>
    public string DefaultPlan { get; set; } = "plus";
}
