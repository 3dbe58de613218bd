using System.Security.Cryptography;

namespace MirrorGate.Api.OpenAi;

/// <summary>Ids in OpenAI's shape: <c>chatcmpl-</c> and 29 letters or digits.</summary>
public static class ChatCompletionIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => "chatcmpl-" + RandomNumberGenerator.GetString(Alphabet, 29);
}
