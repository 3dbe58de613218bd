using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MirrorGate.Api.Auth;
using MirrorGate.Api.Chat;
using MirrorGate.Api.OpenAi;
using MirrorGate.Grains.Hosting;
using MirrorGate.Grains.Models;
using MirrorGate.Upstream.ChatGpt.Files;

namespace MirrorGate.Api.Files;

/// <summary>
/// <c>POST /v1/files</c> (multipart <c>file</c> and <c>purpose</c>, as Aurora takes it): the upstream's three-step upload
/// on an account that can take it, failing over to the next before anything reached the client, answered as OpenAI's
/// file object. The id names the account that holds the file (<see cref="FileIds"/>), so a chat turn or response that
/// uses it runs on that account. Uploads take no use of a limit (Aurora counts none).
/// </summary>
public sealed partial class FilesHandler(
    ModelCatalog models,
    ConversationDispatcher dispatcher,
    IChatGptFiles files,
    FileIds ids,
    IOptionsMonitor<FilesOptions> options,
    [FromKeyedServices(GatewayClock.Key)] TimeProvider time,
    ILogger<FilesHandler> logger)
{
    /// <summary>Aurora's answer to a free (device id) caller, with its code.</summary>
    public const string LoginRequired = "Files API requires a logged-in ChatGPT access token.";

    /// <summary>The purposes OpenAI's file API takes.</summary>
    private static readonly string[] Purposes = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"];

    /// <summary>Room for the multipart framing and the <c>purpose</c> field around the file.</summary>
    private const long FormOverhead = 64 * 1024;

    public async Task<IResult> UploadAsync(HttpContext context, Caller caller)
    {
        if (caller.Credential is { IsAnonymous: true })
        {
            return OpenAiErrors.Result(StatusCodes.Status403Forbidden, LoginRequired, "missing_access_token");
        }

        var settings = options.CurrentValue;
        var request = context.Request;
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("The request must be multipart/form-data with a 'file' and a 'purpose'.", null);
        }

        var limit = settings.MaxBytes + FormOverhead;
        if (request.ContentLength > limit)
        {
            return TooLarge(settings.MaxBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit }, context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(settings.MaxBytes)
                : Invalid("The form could not be read: " + ex.Message, null);
        }

        var purpose = form["purpose"].ToString();
        if (purpose.Length == 0)
        {
            return Invalid("Missing required parameter: 'purpose'.", "purpose");
        }

        if (!Purposes.Contains(purpose, StringComparer.Ordinal))
        {
            return Invalid($"Invalid value for 'purpose': '{purpose}'. Supported values are: {string.Join(", ", Purposes.Select(p => $"'{p}'"))}.", "purpose", "invalid_value");
        }

        if (form.Files.GetFile("file") is not { } file)
        {
            return Invalid("Missing required parameter: 'file'.", "file");
        }

        if (file.Length > settings.MaxBytes)
        {
            return TooLarge(settings.MaxBytes);
        }

        if (file.Length == 0)
        {
            return Invalid("Invalid file: the file is empty.", "file", "empty_file");
        }

        var name = Path.GetFileName(file.FileName);
        var extension = FileTypes.Extension(name);
        if (name.Length == 0 || !settings.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return Invalid($"Invalid file format for '{name}'. Supported formats: {string.Join(", ", settings.AllowedExtensions)}.", "file", "unsupported_file_type");
        }

        if (!models.TryGet(settings.AccountModel, out var model))
        {
            return OpenAiErrors.Result(StatusCodes.Status503ServiceUnavailable, $"The model '{settings.AccountModel}' that uploads run on is not in this gateway's catalog.", "model_not_found");
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, context.RequestAborted);
        }

        var mimeType = FileTypes.MimeType(extension, file.ContentType);
        var size = mimeType.StartsWith("image/", StringComparison.Ordinal) ? FileTypes.ImageSize(bytes) : null;
        var upload = new FileUpload(name, mimeType, FileTypes.UseCase(extension, mimeType), bytes, size?.Width, size?.Height);
        var (uploaded, accountId, failure) = await dispatcher.CallAsync(caller, model, null, (credential, ct) => files.UploadAsync(credential, upload, ct), context.RequestAborted);
        if (failure is not null)
        {
            LogUploadFailed(logger, caller.LogId, failure.Code);
            return OpenAiErrors.From(failure);
        }

        var record = new FileRecord(accountId ?? string.Empty, uploaded!.FileId, name, bytes.LongLength, mimeType, size?.Width, size?.Height, time.GetUtcNow().ToUnixTimeSeconds(), purpose);
        LogUploaded(logger, caller.LogId, accountId ?? "own token", bytes.LongLength);
        return Results.Json(FileObject(ids.Issue(record), record));
    }

    /// <summary>OpenAI's file object.</summary>
    public static object FileObject(string id, FileRecord record) => new
    {
        id,
        @object = "file",
        bytes = record.Size,
        created_at = record.CreatedAt,
        expires_at = (long?)null,
        filename = record.Name,
        purpose = record.Purpose,
        status = "processed",
        status_details = (string?)null,
    };

    private static IResult Invalid(string message, string? param, string code = "invalid_request_error") =>
        OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, code, param);

    private static IResult TooLarge(long max) =>
        OpenAiErrors.Result(StatusCodes.Status413PayloadTooLarge, $"File too large: this gateway accepts files of at most {max} bytes.", "file_too_large", "file");

    [LoggerMessage(Level = LogLevel.Information, Message = "File of {Caller} uploaded on {Account} ({Bytes} bytes)")]
    private static partial void LogUploaded(ILogger logger, string caller, string account, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File upload of {Caller} failed: {Code}")]
    private static partial void LogUploadFailed(ILogger logger, string caller, string code);
}
