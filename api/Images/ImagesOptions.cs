namespace MirrorGate.Api.Images;

/// <summary><c>POST /v1/images/generations</c> through the conversation's image tool; configuration section <c>Images</c>.</summary>
public sealed class ImagesOptions
{
    public const string SectionName = "Images";

    /// <summary>The largest <c>n</c>: each image is a whole conversation of its own, as AUR makes them.</summary>
    /// <value>10 by default (AUR's cap).</value>
    public int MaxImages { get; set; } = 10;

    /// <summary>How often the conversation is read back when the stream named no image (research §6.2).</summary>
    /// <value>2 seconds by default (AUR polls every 2 s).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the conversation is polled for an image before the request fails (504).</summary>
    /// <value>90 seconds by default (AUR: 45 polls every 2 s).</value>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a <c>response_format: url</c> link works; after that it answers 403.</summary>
    /// <value>1 hour by default (OpenAI's image URLs last 60 minutes).</value>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The catalog model the image conversations run on, and whose limit each image uses.</summary>
    /// <value><c>auto</c> by default (AUR and the CAP2 capture send <c>auto</c>).</value>
    public string AccountModel { get; set; } = "auto";
}
