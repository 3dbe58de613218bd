namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>One platform user (key: the user id, a 21-character id as the original's <c>getID()</c> makes).</summary>
[Alias("mg.IPlatformUserGrain")]
public interface IPlatformUserGrain : IGrainWithStringKey
{
    /// <summary>Stores a new user; a user that exists already is returned unchanged (creation is idempotent).</summary>
    Task<PlatformUser> CreateAsync(PlatformUser user);

    /// <summary>Null when no such user exists.</summary>
    Task<PlatformUser?> GetAsync();

    /// <summary>Records a successful login at <paramref name="at"/> (the original's <c>last_login</c>); null when no such user exists.</summary>
    Task<PlatformUser?> RecordLoginAsync(DateTimeOffset at);
}
