namespace MirrorGate.Bench.Targets;

/// <summary>One way of getting a chat turn answered: through the gateway, or by the upstream client directly.</summary>
internal interface ITurnTarget
{
    string Name { get; }

    /// <summary>Runs one whole turn (to the end of the answer) and checks it; throws when the answer is wrong.</summary>
    ValueTask RunAsync(Scenario scenario, CancellationToken cancellationToken);
}
