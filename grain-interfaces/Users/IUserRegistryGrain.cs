namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// The names of the users that hold activation codes (one grain, key <see cref="Key"/>), for the admin API's lists.
/// Written when a code is issued, never on a request's path.
/// </summary>
[Alias("mg.IUserRegistryGrain")]
public interface IUserRegistryGrain : IGrainWithStringKey
{
    const string Key = "users";

    Task AddAsync(string userName);

    Task<IReadOnlyList<string>> ListAsync();
}
