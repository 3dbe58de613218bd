using Microsoft.Extensions.Options;

namespace MirrorGate.Api.FreeAccounts;

/// <summary>Applies <c>FREE_ACCOUNTS</c> (Go's <c>strconv.ParseBool</c> spellings) and <c>FREE_ACCOUNTS_NUM</c>; an unparsable value keeps the default, as Aurora.</summary>
internal sealed class FreeAccountsOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<FreeAccountsOptions>
{
    public void PostConfigure(string? name, FreeAccountsOptions options)
    {
        options.Enabled = configuration["FREE_ACCOUNTS"]?.Trim().ToLowerInvariant() switch
        {
            "1" or "t" or "true" => true,
            "0" or "f" or "false" => false,
            _ => options.Enabled,
        };
        if (int.TryParse(configuration["FREE_ACCOUNTS_NUM"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            options.Count = count;
        }
    }
}
