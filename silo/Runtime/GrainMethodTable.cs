using System.Collections.Concurrent;
using System.Reflection;

namespace MirrorGate.Silo.Runtime;

/// <summary>
/// Turns an interface method into a typed invoker once, so a grain call costs one dictionary lookup
/// and one delegate call instead of a generic-method construction per call.
/// </summary>
internal static class GrainMethodTable
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainReference, MethodInfo, object?[]?, object>> Invokers = new();

    private static readonly MethodInfo InvokeTypedMethod =
        typeof(GrainReference).GetMethod(nameof(GrainReference.InvokeAsync), BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static readonly MethodInfo InvokeUntypedMethod =
        typeof(GrainReference).GetMethod(nameof(GrainReference.InvokeVoidAsync), BindingFlags.Instance | BindingFlags.NonPublic)!;

    /// <summary>Rejects contracts the runtime cannot run: every method must return Task or Task&lt;T&gt;.</summary>
    public static void Validate(Type interfaceType)
    {
        foreach (var method in interfaceType.GetMethods().Concat(interfaceType.GetInterfaces().SelectMany(i => i.GetMethods())))
        {
            var returnType = method.ReturnType;
            var ok = returnType == typeof(Task) || (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>));
            if (!ok)
            {
                throw new ArgumentException($"Grain method {interfaceType.Name}.{method.Name} must return Task or Task<T>.");
            }
        }
    }

    public static Func<GrainReference, MethodInfo, object?[]?, object> InvokerFor(MethodInfo method) =>
        Invokers.GetOrAdd(method, static m =>
        {
            if (m.ReturnType == typeof(Task))
            {
                return InvokeUntypedMethod.CreateDelegate<Func<GrainReference, MethodInfo, object?[]?, object>>();
            }

            var typed = InvokeTypedMethod.MakeGenericMethod(m.ReturnType.GetGenericArguments()[0]);
            return typed.CreateDelegate<Func<GrainReference, MethodInfo, object?[]?, object>>();
        });
}
