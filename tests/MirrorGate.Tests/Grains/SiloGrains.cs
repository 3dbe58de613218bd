using MirrorGate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MirrorGate.Tests.Grains;

/// <summary>Calling grains from inside the silos themselves, and finding where an activation lives.</summary>
internal static class SiloGrains
{
    /// <summary>Each running silo's own grain factory, so calls enter the cluster at every silo, not through one gateway.</summary>
    public static IGrainFactory[] Factories(this GrainCluster cluster) =>
        [.. cluster.Cluster.Silos.Select(silo => cluster.Cluster.Factory(silo))];

    public static IGrainFactory Factory(this InProcessTestCluster cluster, InProcessSiloHandle silo) =>
        cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IGrainFactory>();

    /// <summary>The grain's current activation in <paramref name="cluster"/> (fails the test when there is none).</summary>
    public static IGrainContext Activation(this InProcessTestCluster cluster, IAddressable grain)
    {
        Assert.True(cluster.TryGetGrainContext(grain.GetGrainId(), out var context), $"{grain.GetGrainId()} has no activation.");
        return context;
    }
}
