using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MirrorGate.Upstream.Sms;

public static class SmsServiceCollectionExtensions
{
    /// <summary>Binds <see cref="SmsOptions"/> and registers the <see cref="ISmsSender"/> it names (see <see cref="SmsOptions.Sender"/>).</summary>
    public static IHostApplicationBuilder AddSmsSender(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SmsOptions.SectionName);
        builder.Services.AddOptions<SmsOptions>().Bind(section)
            .Validate(o => o.Sender is null or "" or "Log" or "Http" or "None", "Sms:Sender must be Log, Http or None.")
            .Validate(o => o.Sender != "Http" || (o.Url is { IsAbsoluteUri: true } && !string.IsNullOrEmpty(o.ApiKey)), "Sms:Sender=Http needs an absolute Sms:Url and Sms:ApiKey.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Sms:Timeout must be positive.")
            .ValidateOnStart();
        var sender = section[nameof(SmsOptions.Sender)] is { Length: > 0 } configured ? configured
            : builder.Environment.IsDevelopment() || builder.Configuration.GetValue<bool>("Demo") ? "Log" : "None";
        switch (sender)
        {
            case "Http":
                builder.Services.AddHttpClient<ISmsSender, HttpSmsSender>();
                break;
            case "Log":
                builder.Services.AddSingleton<ISmsSender, LogSmsSender>();
                break;
            default:
                builder.Services.AddSingleton<ISmsSender, NoSmsSender>();
                break;
        }

        return builder;
    }
}
