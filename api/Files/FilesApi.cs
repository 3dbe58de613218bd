using MirrorGate.Api.Auth;
using MirrorGate.Api.OpenAi;

namespace MirrorGate.Api.Files;

/// <summary>
/// <c>/v1/files</c> inside the OpenAI group (its prefix, switch and bearer filter): <c>POST</c> uploads; <c>GET /files/{id}</c>
/// answers the file object the id carries, for an id this caller may use. Listing and deleting are not offered (the
/// gateway keeps no table of files, and the web backend's library is the account owner's).
/// </summary>
public static class FilesApi
{
    public static RouteGroupBuilder MapFiles(this RouteGroupBuilder api)
    {
        api.MapPost("/files", (HttpContext context, FilesHandler handler) => handler.UploadAsync(context, (Caller)context.Items[typeof(Caller)]!));
        api.MapGet("/files/{id}", (HttpContext context, string id, FileReferences references) =>
        {
            var caller = (Caller)context.Items[typeof(Caller)]!;
            var (files, _, error) = references.Resolve(caller, [new ChatMessage("user", string.Empty) { FileIds = [id] }]);
            return error ?? (files.Count == 1 ? Results.Json(FilesHandler.FileObject(id, files[id])) : FileReferences.NotFound(id));
        });
        return api;
    }
}
