using System.Collections.Concurrent;

namespace MirrorGate.Tests.Infrastructure;

/// <summary>Counts the grain calls a silo receives, by method name and by interface and method (an incoming call filter).</summary>
public sealed class GrainMethodCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Calls of methods of this name, on any grain.</summary>
    public int Count(string method) => _counts.GetValueOrDefault(method);

    /// <summary>Calls of one interface's method.</summary>
    public int Count<TGrainInterface>(string method) => _counts.GetValueOrDefault(typeof(TGrainInterface).FullName + "." + method);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _counts.AddOrUpdate(context.MethodName, 1, static (_, n) => n + 1);
        if (context.InterfaceMethod?.DeclaringType is { } declaring)
        {
            _counts.AddOrUpdate(declaring.FullName + "." + context.MethodName, 1, static (_, n) => n + 1);
        }

        return context.Invoke();
    }
}
