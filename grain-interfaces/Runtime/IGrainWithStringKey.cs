namespace MirrorGate.GrainInterfaces.Runtime;

/// <summary>
/// Marks a grain contract addressed by a string key, as Orleans' <c>IGrainWithStringKey</c> does.
/// Every method of such an interface returns <see cref="Task"/> or <see cref="Task{TResult}"/> and
/// ends in <c>Async</c>; the runtime runs one call at a time per key.
/// </summary>
public interface IGrainWithStringKey;
