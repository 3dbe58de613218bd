namespace MirrorGate.GrainInterfaces.Accounts;

/// <summary>
/// The list of pooled account ids (one grain, key <see cref="Key"/>), read when a node fills its pool view.
/// Small and rarely written: accounts are added by operators, not by requests, and never on a request's path.
/// </summary>
[Alias("mg.IAccountRegistryGrain")]
public interface IAccountRegistryGrain : IGrainWithStringKey
{
    const string Key = "pool";

    Task AddAsync(string accountId);

    Task RemoveAsync(string accountId);

    Task<IReadOnlyList<string>> ListAsync();
}
