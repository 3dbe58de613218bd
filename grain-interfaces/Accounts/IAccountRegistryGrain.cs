using MirrorGate.GrainInterfaces.Runtime;

namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// The list of pooled account ids (one grain, key <see cref="Key"/>), read by each node's pool at
/// start. Small and rarely written: accounts are added by operators, not by requests.
/// </summary>
public interface IAccountRegistryGrain : IGrainWithStringKey
{
    const string Key = "pool";

    Task AddAsync(string accountId);

    Task RemoveAsync(string accountId);

    Task<IReadOnlyList<string>> ListAsync();
}
