using System.Buffers.Text;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MirrorGate.GrainInterfaces.Queries;
using Microsoft.Extensions.Primitives;

namespace MirrorGate.Api.AdminQueries;

/// <summary>
/// The query string of a console list (docs/console-data.md): the list's own filters, <c>from</c> / <c>to</c> (an ISO
/// 8601 instant, or a date meaning its UTC midnight; <c>to</c> exclusive), <c>limit</c> (1 to <see cref="MaxLimit"/>),
/// <c>cursor</c> (the <c>next_cursor</c> of the page before) and <c>format</c> (<c>json</c> or <c>csv</c>; an
/// <c>Accept: text/csv</c> asks for CSV too). Any other parameter, or one given twice, is refused: a misspelt filter
/// must not silently list everything.
/// </summary>
public sealed record ListRequest(ImmutableDictionary<string, string> Filters, DateTimeOffset? From, DateTimeOffset? To, PageAfter? After, int Limit, bool Csv)
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 500;

    private static readonly string[] Common = ["from", "to", "limit", "cursor", "format"];

    public string? Filter(string name) => Filters.GetValueOrDefault(name);

    /// <summary>The window of a page: <paramref name="limit"/> rows after <paramref name="after"/>.</summary>
    public PageWindow Window(PageAfter? after, int limit) => new(From, To, after, limit);

    public static bool TryParse(HttpRequest request, IReadOnlyCollection<string> filters, [NotNullWhen(true)] out ListRequest? list, [NotNullWhen(false)] out string? error)
    {
        list = null;
        var values = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
        {
            if (!filters.Contains(name) && !Common.Contains(name))
            {
                error = $"Unknown parameter '{name}': this list takes {string.Join(", ", filters.Concat(Common).Select(f => $"'{f}'"))}.";
                return false;
            }

            if (value.Count != 1)
            {
                error = $"Parameter '{name}' is given {value.Count} times; give it once.";
                return false;
            }

            if (filters.Contains(name) && !string.IsNullOrWhiteSpace(value))
            {
                values[name] = value.ToString().Trim();
            }
        }

        var query = request.Query;
        if (!TryTime(query["from"], "from", out var from, out error) || !TryTime(query["to"], "to", out var to, out error))
        {
            return false;
        }

        if (from is not null && to is not null && to <= from)
        {
            error = "'to' must be later than 'from'.";
            return false;
        }

        var limit = DefaultLimit;
        if (!StringValues.IsNullOrEmpty(query["limit"])
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            error = $"'limit' must be a whole number from 1 to {MaxLimit}.";
            return false;
        }

        PageAfter? after = null;
        if (!StringValues.IsNullOrEmpty(query["cursor"]) && (after = DecodeCursor(query["cursor"].ToString())) is null)
        {
            error = "'cursor' is not a cursor this list gave: pass the 'next_cursor' of the page before, unchanged.";
            return false;
        }

        var format = query["format"].ToString();
        if (format.Length > 0 && format is not ("json" or "csv"))
        {
            error = "'format' must be 'json' or 'csv'.";
            return false;
        }

        var csv = format == "csv" || (format.Length == 0 && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)));
        list = new ListRequest(values.ToImmutable(), from, to, after, limit, csv);
        error = null;
        return true;
    }

    /// <summary>An opaque cursor: the position's UTC ticks and id, base64url. Opaque so a client cannot build one that means something else.</summary>
    public static string EncodeCursor(PageAfter after) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{after.At.UtcTicks}:{after.Id}")));

    private static PageAfter? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0
                && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? new PageAfter(new DateTimeOffset(ticks, TimeSpan.Zero), text[(colon + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool TryTime(StringValues value, string name, out DateTimeOffset? time, [NotNullWhen(false)] out string? error)
    {
        time = null;
        error = null;
        var text = value.ToString().Trim();
        if (text.Length == 0)
        {
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        // An instant must say its offset (Z or ±hh:mm): a bare local time would mean the server's zone.
        var t = text.IndexOf('T', StringComparison.Ordinal);
        var hasOffset = t > 0 && (text.EndsWith('Z') || text.IndexOfAny(['+', '-'], t) > t);
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = $"'{name}' must be a date (2026-12-07) or an instant with its offset (2026-12-07T10:00:00Z).";
        return false;
    }
}
