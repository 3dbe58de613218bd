namespace MirrorGate.Api.OpenAi;

/// <summary>
/// Estimates token counts for <c>usage</c>. The web backend reports no usage and no tokenizer package
/// is available to this project, so this is an estimate, as in every ChatGPT-web gateway: about four
/// characters of Latin text per token, and one token per character of CJK and other wide scripts.
/// </summary>
public static class TokenEstimator
{
    public static int Count(string text)
    {
        var narrow = 0;
        var wide = 0;
        foreach (var c in text)
        {
            if (c < 0x0800)
            {
                narrow++;
            }
            else if (!char.IsLowSurrogate(c))
            {
                wide++;
            }
        }

        return ((narrow + 3) / 4) + wide;
    }

    /// <summary>Prompt tokens with OpenAI's per-message overhead (3 per message, 3 for the reply's priming).</summary>
    public static int CountPrompt(IReadOnlyList<ChatMessage> messages)
    {
        var total = 3;
        foreach (var message in messages)
        {
            total += 3 + Count(message.Text);
        }

        return total;
    }
}
