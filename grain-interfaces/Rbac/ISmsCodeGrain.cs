namespace MirrorGate.GrainInterfaces.Rbac;

/// <summary>
/// One SMS code sent to one phone (key: the <c>key</c> that <c>gen_sms_code</c> answers and <c>phone_login</c> brings
/// back). Holds only a keyed hash of the code. A code expires, is spent by the login it completes, and locks after a
/// number of wrong tries; its one activation decides each try, so tries on many nodes cannot exceed the number.
/// </summary>
[Alias("mg.ISmsCodeGrain")]
public interface ISmsCodeGrain : IGrainWithStringKey
{
    /// <summary>Stores a new code; false when this key was used before (keys are random, so only on a collision).</summary>
    Task<bool> IssueAsync(SmsCodeIssue issue);

    /// <summary>
    /// Checks <paramref name="codeHash"/> for <paramref name="phone"/>. A wrong code counts towards the lock-out; a right
    /// one is spent when <paramref name="spend"/> (a login completes), and stays usable otherwise (the answer was
    /// <c>choose</c>, and the user is about to pick an account with the same code).
    /// </summary>
    Task<SmsCodeCheck> CheckAsync(string phone, string codeHash, bool spend, DateTimeOffset now);

    /// <summary>Forgets the code (its sending failed).</summary>
    Task DiscardAsync();
}

[GenerateSerializer, Immutable, Alias("mg.SmsCodeIssue")]
public sealed record SmsCodeIssue(
    [property: Id(0)] string Phone,
    [property: Id(1)] string CodeHash,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] int MaxWrongAttempts);

[Alias("mg.SmsCodeCheck")]
public enum SmsCodeCheck
{
    Accepted,

    /// <summary>Wrong code, or a key that is unknown, spent, or for another number.</summary>
    Rejected,

    Expired,

    /// <summary>Too many wrong tries: the code no longer works, even when right.</summary>
    LockedOut,
}
