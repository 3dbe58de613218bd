namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>
/// The users of one phone number (key: the number as given, trimmed). A number may belong to several users (of
/// several orgs), which is why phone login may answer <c>choose</c>. Registration happens here, so two logins of a new
/// number at once register one user, not two.
/// </summary>
[Alias("mg.IPhoneIndexGrain")]
public interface IPhoneIndexGrain : IGrainWithStringKey
{
    /// <summary>The users of this number, oldest first.</summary>
    Task<IReadOnlyList<PlatformUser>> GetUsersAsync();

    /// <summary>
    /// The number's users; when it has none, first registers one (username and mobile = the number, its own new customer
    /// org), as the original's phone login does.
    /// </summary>
    Task<PhoneRegistration> RegisterIfNewAsync(DateTimeOffset now);

    /// <summary>Adds another user to this number (an org admin adding a member, or a test setting up several accounts).</summary>
    Task<PlatformUser> AddUserAsync(string username, string orgId, string? nickName, DateTimeOffset now);
}

/// <summary>The number's users after <see cref="IPhoneIndexGrain.RegisterIfNewAsync"/>; <paramref name="Registered"/> when the first was just created.</summary>
[GenerateSerializer, Immutable, Alias("mg.PhoneRegistration")]
public sealed record PhoneRegistration([property: Id(0)] IReadOnlyList<PlatformUser> Users, [property: Id(1)] bool Registered);
