using System.Threading.Channels;
using MirrorGate.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.TokenFiles;

/// <summary>
/// Reads the token files at start, after every change (a <see cref="FileSystemWatcher"/>, debounced) and every
/// <see cref="TokenFilesOptions.RescanInterval"/>, because watchers miss events on some file systems (network and
/// container mounts) and cannot be created at all when the host is out of inotify instances.
/// </summary>
internal sealed partial class TokenFileWatcher(
    TokenFileLoader loader,
    IOptions<TokenFilesOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<TokenFileWatcher> logger) : BackgroundService
{
    // A change only needs noticing, not counting: one pending signal stands for any number of events.
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private FileSystemWatcher? _watcher;
    private bool _watcherFailureLogged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Upstream exchanges can be slow: the node serves while the files load instead of waiting for them.
        await Task.Yield();
        LogReading(logger, settings.FullDirectory);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                EnsureWatcher(settings);
                await loader.LoadAsync(stoppingToken);
                await WaitForChangeAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed read must not stop the node (a background service's exception stops the host); the next
                // re-scan tries again. Only the type is logged: nothing here may carry a token into the log.
                LogScanFailed(logger, ex.GetType().Name);
                await Task.Delay(settings.RescanInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>Returns after a change has settled for <see cref="TokenFilesOptions.Debounce"/>, or when the re-scan is due.</summary>
    private async Task WaitForChangeAsync(TokenFilesOptions settings, CancellationToken stoppingToken)
    {
        using var rescan = new CancellationTokenSource(settings.RescanInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, rescan.Token);
        try
        {
            await _changes.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return;
        }

        do
        {
            await Task.Delay(settings.Debounce, time, stoppingToken);
        }
        while (_changes.Reader.TryRead(out _));
    }

    private void EnsureWatcher(TokenFilesOptions settings)
    {
        var directory = settings.FullDirectory;
        if (_watcher is not null || !Directory.Exists(directory))
        {
            // No folder yet: the re-scan looks again, and watches it once it exists.
            return;
        }

        var paths = settings.Files.Select(f => Path.GetFullPath(Path.Combine(directory, f.FileName))).ToHashSet(StringComparer.Ordinal);
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, e) => SignalIf(paths, e.FullPath);
            watcher.Created += (_, e) => SignalIf(paths, e.FullPath);
            watcher.Renamed += (_, e) => SignalIf(paths, e.FullPath);

            // A lost event (buffer overflow) may have been one of ours: read everything again.
            watcher.Error += (_, _) => _changes.Writer.TryWrite(true);
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            if (!_watcherFailureLogged)
            {
                _watcherFailureLogged = true;
                LogWatcherFailed(logger, directory, ex.Message);
            }
        }
    }

    private void SignalIf(HashSet<string> paths, string changed)
    {
        if (paths.Contains(changed))
        {
            _changes.Writer.TryWrite(true);
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading token files in {Directory}")]
    private static partial void LogReading(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for token file changes ({Reason}); the files are read again every re-scan interval")]
    private static partial void LogWatcherFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the token files failed ({ExceptionType}); trying again at the next re-scan")]
    private static partial void LogScanFailed(ILogger logger, string exceptionType);
}
