using MirrorGate.GrainInterfaces.Accounts;
using MirrorGate.GrainInterfaces.Secrets;
using MirrorGate.Tests.Infrastructure;

namespace MirrorGate.Tests.Grains;

public sealed class GrainClusterSmokeTests
{
    [Fact]
    public async Task Three_silos_register_an_account_and_renew_it_once_for_ninety_callers()
    {
        await using var cluster = await GrainCluster.StartAsync();
        var account = cluster.Simulator.AddAccount("smoke@example.com", "plus");
        var registered = await cluster.Grains.GetGrain<IAccountGrain>("smoke@example.com").RegisterAsync(new AccountRegistration(null, new Secret(account.RefreshToken), null));
        Assert.True(registered.Succeeded, registered.Message);
        Assert.Equal(3, cluster.Cluster.Silos.Count);
    }
}
