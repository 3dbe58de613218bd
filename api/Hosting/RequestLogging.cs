using Serilog;

namespace MirrorGate.Api.Hosting;

public static class RequestLogging
{
    /// <summary>
    /// One access-log event per request (method, path, status, time). Every event a request causes carries its
    /// request id through ASP.NET Core's own log scope. Tokens never reach it: only the path is logged, never
    /// headers or query strings.
    /// </summary>
    public static IApplicationBuilder UseMirrorGateRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "{RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms";
        });
}
