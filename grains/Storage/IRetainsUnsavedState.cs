namespace MirrorGate.Grains.Storage;

/// <summary>
/// A grain that may, on purpose, hold state its store has not taken yet. The silo drops any activation whose state
/// write failed, so that memory never runs ahead of storage; the one exception is state that exists nowhere else
/// (a refresh token the upstream has just rotated: the stored one is already spent). While
/// <see cref="HasUnsavedState"/> is true the activation is kept, and the grain keeps retrying the write itself.
/// </summary>
public interface IRetainsUnsavedState
{
    bool HasUnsavedState { get; }
}
