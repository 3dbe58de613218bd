using System.Diagnostics.CodeAnalysis;

namespace MirrorGate.Upstream.ChatGpt;

/// <summary>The outcome of an upstream call: a value, or the reason there is none. Expected failures are values, not exceptions.</summary>
public readonly record struct UpstreamResult<T>
{
    private UpstreamResult(T? value, UpstreamFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    /// <summary>True when <see cref="Value"/> holds the answer.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Failure is null;

    /// <summary>The answer, when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>Why the call failed, when not <see cref="IsSuccess"/>.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>A success.</summary>
    public static UpstreamResult<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static UpstreamResult<T> Fail(UpstreamFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(default, failure);
    }
}
