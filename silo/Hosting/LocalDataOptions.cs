namespace MirrorGate.Silo.Hosting;

/// <summary>Where this node keeps its files (configuration section <c>Silo</c>).</summary>
public sealed class LocalDataOptions
{
    public const string SectionName = "Silo";

    /// <summary>Folder for the embedded database and the generated secrets key, relative to the working directory.</summary>
    /// <value><c>data</c> by default.</value>
    public string DataDirectory { get; set; } = "data";

    /// <summary>File name of the embedded database (grain state, reminders, usage) inside <see cref="DataDirectory"/>.</summary>
    /// <value><c>mirrorgate.db</c> by default.</value>
    public string DatabaseFile { get; set; } = "mirrorgate.db";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));
}
