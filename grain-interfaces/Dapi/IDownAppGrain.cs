namespace MirrorGate.GrainInterfaces.Dapi;

/// <summary>One downstream app (key: the app id, the <c>{appid}</c> of a <c>Deerer</c> header).</summary>
[Alias("mg.IDownAppGrain")]
public interface IDownAppGrain : IGrainWithStringKey
{
    /// <summary>Stores the app; false when an app with this id exists already (ids are random, so only on a collision).</summary>
    Task<bool> CreateAsync(DownApp app);

    /// <summary>Null when there is no such app.</summary>
    Task<DownApp?> GetAsync();
}

/// <summary>One API key (key: the keyed lookup hash of the key; the key itself is kept, encrypted, by its app).</summary>
[Alias("mg.IDownApiKeyGrain")]
public interface IDownApiKeyGrain : IGrainWithStringKey
{
    Task BindAsync(DownApiKeyBinding binding);

    /// <summary>Null when no key has this hash.</summary>
    Task<DownApiKeyBinding?> GetAsync();
}

/// <summary>The apps a user applied for (key: the user id), for <c>downapps.dspy</c>.</summary>
[Alias("mg.IDownAppListGrain")]
public interface IDownAppListGrain : IGrainWithStringKey
{
    Task AddAsync(DownAppEntry entry);

    /// <summary>The user's apps, oldest first.</summary>
    Task<IReadOnlyList<DownAppEntry>> ListAsync();
}
