using System.Buffers;
using System.Text.Json;
using MirrorGate.GrainInterfaces.Usage;

namespace MirrorGate.Silo.Usage;

/// <summary>
/// One usage record as one line of the usage journal: a JSON object (its strings escaped, so it never holds a line
/// break) and <c>\n</c>. The time is kept as Unix milliseconds, as the ledger's table keeps it.
/// </summary>
internal static class JournalLine
{
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true };

    // A line is written per request: one writer per thread, reset to each output (callers finish a line before they
    // await anything, so a thread never has two lines under way).
    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public static void Write(IBufferWriter<byte> output, UsageRecord record)
    {
        var json = t_json ??= new Utf8JsonWriter(output, Options);
        json.Reset(output);
        json.WriteStartObject();
        json.WriteString("id"u8, record.RequestId);
        json.WriteNumber("at"u8, record.At.ToUnixTimeMilliseconds());
        json.WriteString("model"u8, record.Model);
        json.WriteString("account"u8, record.AccountId);
        json.WriteString("user"u8, record.UserName);
        json.WriteString("node"u8, record.NodeId);
        json.WriteNumber("prompt"u8, record.PromptTokens);
        json.WriteNumber("completion"u8, record.CompletionTokens);
        json.WriteEndObject();
        json.Flush();

        output.Write("\n"u8);
    }

    /// <summary>The record of one whole line (without its <c>\n</c>); throws <see cref="JsonException"/> for anything else.</summary>
    public static UsageRecord Read(ReadOnlySpan<byte> line)
    {
        try
        {
            return Parse(line);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            // A value of the wrong kind or size ("at" a string, "prompt" past int): not a line this class wrote.
            throw new JsonException("Not a usage journal line.", ex);
        }
    }

    private static UsageRecord Parse(ReadOnlySpan<byte> line)
    {
        var json = new Utf8JsonReader(line);
        string? id = null, model = null, account = null, user = null, node = null;
        long at = 0;
        int prompt = 0, completion = 0;
        Expect(json.Read() && json.TokenType == JsonTokenType.StartObject);
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var name = json.GetString();
            Expect(json.Read());
            switch (name)
            {
                case "id": id = json.GetString(); break;
                case "at": at = json.GetInt64(); break;
                case "model": model = json.GetString(); break;
                case "account": account = json.GetString(); break;
                case "user": user = json.GetString(); break;
                case "node": node = json.GetString(); break;
                case "prompt": prompt = json.GetInt32(); break;
                case "completion": completion = json.GetInt32(); break;
                default: json.Skip(); break;
            }
        }

        Expect(id is not null && model is not null && node is not null);
        return new UsageRecord(id!, DateTimeOffset.FromUnixTimeMilliseconds(at), model!, account, user, node!, prompt, completion);
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("Not a usage journal line.");
        }
    }
}
