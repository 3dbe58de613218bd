namespace MirrorGate.Tests.Simulator;

/// <summary>One server-sent event as read off the wire.</summary>
internal sealed record SseEvent(string? Name, string Data);
