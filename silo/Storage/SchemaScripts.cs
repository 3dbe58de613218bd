using System.Globalization;

namespace MirrorGate.Silo.Storage;

/// <summary>The schema migrations of one dialect: the embedded <c>Schema/{dialect}/NNN_*.sql</c> files, in order.</summary>
public static class SchemaScripts
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> For(string dialect)
    {
        var prefix = $"MirrorGate.Schema.{dialect}.";
        var assembly = typeof(SchemaScripts).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^".sql".Length];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (int.Parse(name[..3], CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }
}
