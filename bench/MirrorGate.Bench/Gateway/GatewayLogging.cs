namespace MirrorGate.Bench.Gateway;

/// <summary>How the gateway process logs; both write Serilog's console sink into a pipe this process drains.</summary>
internal enum GatewayLogging
{
    /// <summary>Warning and above (the access log is off): the main configuration measured.</summary>
    Warning,

    /// <summary>Information: one access-log line per request, as a default deployment logs.</summary>
    Information,
}
