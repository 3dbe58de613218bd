namespace MirrorGate.Silo.Storage;

/// <summary>Result of a conditional write: the new version, or a conflict that changed nothing.</summary>
public readonly record struct StorageWriteResult(StorageWriteOutcome Outcome, long Version)
{
    public static StorageWriteResult Conflict { get; } = new(StorageWriteOutcome.Conflict, 0);

    public bool Succeeded => Outcome == StorageWriteOutcome.Written;

    public static StorageWriteResult Written(long version) => new(StorageWriteOutcome.Written, version);
}

public enum StorageWriteOutcome
{
    Written,
    Conflict,
}
