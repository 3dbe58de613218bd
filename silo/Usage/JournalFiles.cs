using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using MirrorGate.GrainInterfaces.Usage;

namespace MirrorGate.Silo.Usage;

/// <summary>One of a usage journal's own files (<see cref="UsageJournal"/>), locked while it is open: an append offset, and lines of one record each.</summary>
internal sealed class JournalSegment(string path) : IDisposable
{
    private SafeFileHandle? _handle;
    private long _length;
    private bool _keep;

    public string Path => path;

    // Locked (not shared) from its creation on: other stores on the database file leave it alone.
    public void Create() => _handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_handle!, bytes, _length);
        _length += bytes.Length;
    }

    public void Clear()
    {
        RandomAccess.SetLength(_handle!, 0);
        _length = 0;
    }

    /// <summary>Leave the file in place when closing if it holds records (an empty one is deleted still).</summary>
    public void Keep() => _keep = _length > 0;

    public void Dispose()
    {
        if (_handle is null)
        {
            return;
        }

        if (!_keep)
        {
            File.Delete(path);
        }

        _handle.Dispose();
        _handle = null;
    }
}

/// <summary>A journal file no live store holds: its whole lines; the bytes after the last line end are torn.</summary>
internal sealed class JournalOrphan(string path, SafeFileHandle handle) : IDisposable
{
    public List<UsageRecord> Records { get; } = [];

    public long TornBytes { get; private set; }

    public int BadLines { get; private set; }

    /// <summary>
    /// The file's records, or null when a live store holds it, or when it is empty and new (a store may have just
    /// created it and not yet locked it: an empty file is deleted only once it is a minute old).
    /// </summary>
    public static JournalOrphan? TryRead(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var length = RandomAccess.GetLength(handle);
        if (length == 0 && File.GetLastWriteTimeUtc(path) > DateTime.UtcNow.AddMinutes(-1))
        {
            handle.Dispose();
            return null;
        }

        var orphan = new JournalOrphan(path, handle);
        orphan.Read(length);
        return orphan;
    }

    public void Delete() => File.Delete(path);

    public void Dispose() => handle.Dispose();

    private void Read(long length)
    {
        var bytes = new byte[length];
        var content = bytes.AsSpan(0, RandomAccess.Read(handle, bytes, 0));
        var end = content.LastIndexOf((byte)'\n') + 1;
        TornBytes = content.Length - end;
        var whole = content[..end];
        while (!whole.IsEmpty)
        {
            var line = whole.IndexOf((byte)'\n');
            try
            {
                Records.Add(JournalLine.Read(whole[..line]));
            }
            catch (JsonException)
            {
                // Not written by an append cut short (only the last line can be): the disk changed it. Counted, logged.
                BadLines++;
            }

            whole = whole[(line + 1)..];
        }
    }
}
