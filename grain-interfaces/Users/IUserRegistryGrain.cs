namespace MirrorGate.GrainInterfaces.Users;

/// <summary>
/// A set of user names for the admin lists, one grain per set: <see cref="Key"/>, the users that hold activation codes;
/// <see cref="DirectoryKey"/>, every mirror-API user (the console's user list); <see cref="PlatformKey"/>, every
/// platform user id. Written when a user is created or a code issued, never on a request's path. One grain holds a
/// whole set: fine for the thousands of users a reseller has, not for millions (docs/console-data.md).
/// </summary>
[Alias("mg.IUserRegistryGrain")]
public interface IUserRegistryGrain : IGrainWithStringKey
{
    const string Key = "users";

    const string DirectoryKey = "directory";

    const string PlatformKey = "platform-users";

    Task AddAsync(string userName);

    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Up to <paramref name="limit"/> names after <paramref name="after"/> in ordinal order, those starting with <paramref name="prefix"/> only when given.</summary>
    Task<IReadOnlyList<string>> PageAsync(string? prefix, string? after, int limit);
}
