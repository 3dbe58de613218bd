using MirrorGate.Api.Auth;
using MirrorGate.Api.OpenAi;

namespace MirrorGate.Api.Files;

/// <summary>
/// Resolves the file ids a request's messages name, and the account they bind the turn to: a file lives on one
/// upstream account, so a turn that uses it must run there (no failover to another). An id the gateway did not issue,
/// or one held where this caller may not go (another account than the caller's own, a pooled file for a caller's own
/// token, or the reverse), is answered 404 as OpenAI answers an unknown file; files on two accounts at once are a 400.
/// </summary>
public sealed class FileReferences(FileIds ids)
{
    private static readonly IReadOnlyDictionary<string, FileRecord> NoFiles = new Dictionary<string, FileRecord>();

    public (IReadOnlyDictionary<string, FileRecord> Files, string? AccountId, IResult? Error) Resolve(Caller caller, IEnumerable<ChatMessage> messages)
    {
        // Every chat turn comes through here and almost none names a file: that case allocates nothing.
        if (!messages.Any(m => m.FileIds.Count > 0))
        {
            return (NoFiles, null, null);
        }

        var named = messages.SelectMany(m => m.FileIds).Distinct(StringComparer.Ordinal).ToList();

        if (caller.Credential is { IsAnonymous: true })
        {
            return (null!, null, OpenAiErrors.Result(StatusCodes.Status403Forbidden, FilesHandler.LoginRequired, "missing_access_token"));
        }

        var files = new Dictionary<string, FileRecord>(StringComparer.Ordinal);
        string? accountId = null;
        foreach (var id in named)
        {
            if (ids.Read(id) is not { } file || !MayUse(caller, file))
            {
                return (null!, null, NotFound(id));
            }

            if (files.Count > 0 && file.AccountId != accountId)
            {
                return (null!, null, OpenAiErrors.Result(StatusCodes.Status400BadRequest,
                    "The files of one request must have been uploaded to the same upstream account; upload them again together.", "files_on_different_accounts", "file_id"));
            }

            accountId = file.AccountId;
            files[id] = file;
        }

        return (files, accountId is { Length: > 0 } ? accountId : null, null);
    }

    /// <summary>OpenAI's answer for a file it does not have.</summary>
    public static IResult NotFound(string id) =>
        OpenAiErrors.Result(StatusCodes.Status404NotFound, $"No such File object: {id}", "file_not_found", "file_id");

    private static bool MayUse(Caller caller, FileRecord file) => caller.Kind is CallerKind.Direct
        ? file.AccountId.Length == 0
        : file.AccountId.Length > 0 && (caller.AccountId is not { } own || own == file.AccountId);
}
