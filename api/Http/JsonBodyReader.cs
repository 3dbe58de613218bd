using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MirrorGate.Api.Hosting;
using Microsoft.Extensions.Options;

namespace MirrorGate.Api.Http;

/// <summary>
/// Reads a JSON object body with a size cap, so every API family can answer malformed or oversize
/// input in its own error shape instead of the framework's.
/// </summary>
public sealed class JsonBodyReader(IOptionsMonitor<GatewayApiOptions> options)
{
    // Duplicate names are refused at parse time: left to JsonObject, they throw ArgumentException on
    // first access (a 500), and no answer to "which 'model' did you mean" would be right anyway.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public async Task<BodyRead> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = options.CurrentValue.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return BodyRead.Fail(BodyProblem.TooLarge, $"The request body is larger than {limit} bytes.");
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await request.Body.ReadAsync(memory, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return BodyRead.Fail(BodyProblem.TooLarge, $"The request body is larger than {limit} bytes.");
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The transport could not read the body (a bad chunk size, a body over the server's own limit).
            return BodyRead.Fail(ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? BodyProblem.TooLarge : BodyProblem.Malformed, "The request body could not be read: " + ex.Message);
        }

        // Some clients (Windows PowerShell among them) start UTF-8 bodies with a byte order mark, which
        // the framework's own JSON readers skip; the span parser does not.
        var json = buffer.WrittenSpan;
        if (json.StartsWith(Utf8ByteOrderMark))
        {
            json = json[Utf8ByteOrderMark.Length..];
        }

        if (json.IsEmpty)
        {
            return BodyRead.Fail(BodyProblem.Malformed, "The request body is empty; send a JSON object.");
        }

        try
        {
            var node = JsonNode.Parse(json, documentOptions: DocumentOptions);
            return node is JsonObject body
                ? BodyRead.Ok(body)
                : BodyRead.Fail(BodyProblem.Malformed, "The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            return BodyRead.Fail(BodyProblem.Malformed, $"The request body is not valid JSON: {ex.Message}");
        }
    }
}

/// <summary>
/// Reads the fields of a form (<c>multipart/form-data</c> or URL-encoded) or a JSON object body, for APIs whose
/// originals take either (SoruxGPT's admin API documents form-data; its scripts often send JSON). Form values become
/// JSON strings; an empty body is an empty object.
/// </summary>
public sealed class FieldsReader(JsonBodyReader json, IOptionsMonitor<GatewayApiOptions> options)
{
    public async Task<BodyRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any())
                ? BodyRead.Ok([])
                : await json.ReadObjectAsync(request, cancellationToken);
        }

        var limit = options.CurrentValue.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return BodyRead.Fail(BodyProblem.TooLarge, $"The request body is larger than {limit} bytes.");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = (int)Math.Min(limit, int.MaxValue) }, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return BodyRead.Fail(ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } ? BodyProblem.TooLarge : BodyProblem.Malformed,
                "The form could not be read: " + ex.Message);
        }

        var body = new JsonObject();
        foreach (var (name, values) in form)
        {
            if (values.Count > 1)
            {
                return BodyRead.Fail(BodyProblem.Malformed, $"The form field '{name}' is given {values.Count} times; give it once.");
            }

            body[name] = values.ToString();
        }

        return BodyRead.Ok(body);
    }
}

/// <summary>A parsed body, or what was wrong with it.</summary>
public sealed record BodyRead(JsonObject? Body, BodyProblem Problem, string? Message)
{
    public static BodyRead Ok(JsonObject body) => new(body, BodyProblem.None, null);

    public static BodyRead Fail(BodyProblem problem, string message) => new(null, problem, message);
}

public enum BodyProblem
{
    None,
    Malformed,
    TooLarge,
}
