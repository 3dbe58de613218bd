using System.Collections.Immutable;
using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Grains.Rbac;

/// <summary>
/// The users of one phone number. Registration of a new number is decided here, one call at a time, so a number gets
/// one automatic account however many logins race; the user's own grain is written before the index names it, so the
/// index never names a user that does not exist.
/// </summary>
[GrainType("platform-phone")]
public sealed class PhoneIndexGrain([PersistentState("platform-phone")] IPersistentState<PhoneIndexState> state) : Grain, IPhoneIndexGrain
{
    private string Phone => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<PlatformUser>> GetUsersAsync() => LoadUsersAsync();

    public async Task<PhoneRegistration> RegisterIfNewAsync(DateTimeOffset now)
    {
        if (!state.State.UserIds.IsEmpty)
        {
            return new PhoneRegistration(await LoadUsersAsync(), Registered: false);
        }

        // As the original registers: username and mobile are the number, the user is active ("0"), in a customer org of its own.
        var user = await AddAsync(Phone, PlatformIds.New(), null, now);
        return new PhoneRegistration([user], Registered: true);
    }

    public Task<PlatformUser> AddUserAsync(string username, string orgId, string? nickName, DateTimeOffset now) => AddAsync(username, orgId, nickName, now);

    private async Task<PlatformUser> AddAsync(string username, string orgId, string? nickName, DateTimeOffset now)
    {
        var id = PlatformIds.New();
        var user = await GrainFactory.GetGrain<IPlatformUserGrain>(id).CreateAsync(new PlatformUser(id, username, orgId, nickName, Phone, now));
        state.State = state.State with { UserIds = state.State.UserIds.Add(id) };
        await state.WriteStateAsync();
        return user;
    }

    private async Task<IReadOnlyList<PlatformUser>> LoadUsersAsync()
    {
        var users = await Task.WhenAll(state.State.UserIds.Select(id => GrainFactory.GetGrain<IPlatformUserGrain>(id).GetAsync()));
        return [.. users.OfType<PlatformUser>()];
    }
}

public sealed record PhoneIndexState
{
    public ImmutableArray<string> UserIds { get; init; } = [];
}
