namespace MirrorGate.Tests.Grains;

/// <summary>
/// The grain-cluster tests start three silos (or two clusters) each: they run one at a time, so that on a small
/// machine no test's timing depends on how many others happen to be deploying silos beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GrainClusterCollection
{
    public const string Name = "Grain clusters";
}
