using MirrorGate.Api.TokenFiles;
using MirrorGate.Grains.Hosting;
using MirrorGate.Upstream.ChatGpt;
using MirrorGate.Upstream.Proxies;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.FreeAccounts;

/// <summary>
/// The free device ids, handed out round-robin as anonymous credentials. A generated id the upstream refuses (a 401,
/// or a sentinel that forces a login) is replaced by a fresh one, as Aurora regenerates it; an id from the file stays,
/// since the operator chose it. Ids are not secrets but are logged by their first eight characters only, like a raw
/// device bearer.
/// </summary>
public sealed class FreeDevicePool
{
    private readonly IOptionsMonitor<FreeAccountsOptions> _options;
    private readonly IOptionsMonitor<TokenFilesOptions> _files;
    private readonly TimeProvider _time;
    private readonly ProxyPool _proxies;
    private readonly Lock _gate = new();
    private readonly string[] _generated;
    private string[] _fromFile = [];
    private DateTime? _fileStamp;
    private DateTimeOffset _nextFileCheck = DateTimeOffset.MinValue;
    private long _cursor = -1;

    public FreeDevicePool(IOptionsMonitor<FreeAccountsOptions> options, IOptionsMonitor<TokenFilesOptions> files, ProxyPool proxies, [FromKeyedServices(GatewayClock.Key)] TimeProvider time)
    {
        _proxies = proxies;
        _options = options;
        _files = files;
        _time = time;
        var settings = options.CurrentValue;
        _generated = settings.Enabled ? [.. Enumerable.Range(0, settings.Count).Select(_ => Guid.NewGuid().ToString())] : [];
    }

    /// <summary>The next free device as an anonymous credential; false when there are none.</summary>
    public bool TryNext(out UpstreamCredential credential)
    {
        lock (_gate)
        {
            RefreshFile();
            var total = _generated.Length + _fromFile.Length;
            if (total == 0)
            {
                credential = null!;
                return false;
            }

            var index = (int)((++_cursor & long.MaxValue) % total);
            var device = index < _generated.Length ? _generated[index] : _fromFile[index - _generated.Length];
            // A free id is no account grain, so its proxy is picked here, the same way (stable per id, healthy first).
            var id = "free:" + device[..8];
            credential = new UpstreamCredential(id, null, device, ProxyUrl: _proxies.AssignedTo(id));
            return true;
        }
    }

    /// <summary>The upstream refused this device: a generated one is replaced.</summary>
    public void Refused(UpstreamCredential credential)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_generated, credential.DeviceId);
            if (index >= 0)
            {
                _generated[index] = Guid.NewGuid().ToString();
            }
        }
    }

    private void RefreshFile()
    {
        var now = _time.GetUtcNow();
        if (now < _nextFileCheck)
        {
            return;
        }

        _nextFileCheck = now + _options.CurrentValue.FileCheckInterval;
        var files = _files.CurrentValue;
        var path = Path.Combine(files.FullDirectory, _options.CurrentValue.File);
        var stamp = files.Enabled && System.IO.File.Exists(path) ? System.IO.File.GetLastWriteTimeUtc(path) : (DateTime?)null;
        if (stamp == _fileStamp)
        {
            return;
        }

        _fileStamp = stamp;
        try
        {
            _fromFile = stamp is null ? [] : [.. System.IO.File.ReadAllLines(path)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#') && Guid.TryParse(l, out _))
                .Distinct(StringComparer.OrdinalIgnoreCase)];
        }
        catch (IOException)
        {
            // Being written right now: read again at the next check.
            _fileStamp = null;
        }
    }
}
