using System.Security.Cryptography;
using System.Text;
using MirrorGate.GrainInterfaces.Rbac;

namespace MirrorGate.Grains.Rbac;

/// <summary>
/// One SMS code. Every try is decided and stored before it is answered, so the lock-out holds across nodes and
/// restarts. A spent code is cleared from storage: a spent key then reads as unknown, which is rejected the same way.
/// </summary>
[GrainType("platform-sms-code")]
public sealed class SmsCodeGrain([PersistentState("platform-sms-code")] IPersistentState<SmsCodeState> state) : Grain, ISmsCodeGrain
{
    public async Task<bool> IssueAsync(SmsCodeIssue issue)
    {
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new SmsCodeState { Issue = issue };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<SmsCodeCheck> CheckAsync(string phone, string codeHash, bool spend, DateTimeOffset now)
    {
        if (state.State.Issue is not { } issue || !string.Equals(issue.Phone, phone, StringComparison.Ordinal))
        {
            return SmsCodeCheck.Rejected;
        }

        if (state.State.WrongAttempts >= issue.MaxWrongAttempts)
        {
            return SmsCodeCheck.LockedOut;
        }

        if (now >= issue.ExpiresAt)
        {
            return SmsCodeCheck.Expired;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(issue.CodeHash), Encoding.ASCII.GetBytes(codeHash)))
        {
            state.State = state.State with { WrongAttempts = state.State.WrongAttempts + 1 };
            await state.WriteStateAsync();
            return state.State.WrongAttempts >= issue.MaxWrongAttempts ? SmsCodeCheck.LockedOut : SmsCodeCheck.Rejected;
        }

        if (spend)
        {
            await state.ClearStateAsync();
            state.State = new SmsCodeState();
            DeactivateOnIdle();
        }

        return SmsCodeCheck.Accepted;
    }

    public async Task DiscardAsync()
    {
        await state.ClearStateAsync();
        state.State = new SmsCodeState();
    }
}

public sealed record SmsCodeState
{
    public SmsCodeIssue? Issue { get; init; }

    public int WrongAttempts { get; init; }
}
