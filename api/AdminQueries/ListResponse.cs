using System.Collections.Immutable;
using System.Globalization;
using MirrorGate.GrainInterfaces.Queries;

namespace MirrorGate.Api.AdminQueries;

/// <summary>How one console list reads its rows and shows them: as JSON and as CSV.</summary>
/// <param name="Name">The list's name, which starts the CSV file's name.</param>
/// <param name="Fetch">Reads up to the window's limit of rows, newest first.</param>
/// <param name="Position">A row's keyset position (its time and id), where the page after it starts.</param>
public sealed record ListShape<T>(
    string Name,
    Func<PageWindow, Task<ImmutableArray<T>>> Fetch,
    Func<T, PageAfter> Position,
    Func<T, object> Json,
    string[] Header,
    Action<CsvWriter, T> Csv);

/// <summary>
/// Answers a console list: a page as JSON (<c>{"rows", "next_cursor", "limit"}</c>; <c>next_cursor</c> is null on the
/// last page), or the whole filtered list as CSV. The CSV is read and sent a page of <see cref="ExportPage"/> rows at a
/// time (each flushed before the next is read), so an export of any size holds one page in memory.
/// </summary>
public static class ListResponse
{
    public const int ExportPage = 500;

    public static async Task<IResult> RespondAsync<T>(ListRequest list, ListShape<T> shape, TimeProvider clock, CancellationToken aborted)
    {
        if (!list.Csv)
        {
            // One row more than asked says whether a next page exists without counting the table.
            var page = await shape.Fetch(list.Window(list.After, list.Limit + 1));
            var shown = page.Length > list.Limit ? page[..list.Limit] : page;
            return Results.Json(new
            {
                rows = shown.Select(shape.Json),
                next_cursor = page.Length > list.Limit ? ListRequest.EncodeCursor(shape.Position(shown[^1])) : null,
                limit = list.Limit,
            });
        }

        // The first page is read before anything is sent, so a store that cannot answer still gets its error status.
        var first = await shape.Fetch(list.Window(list.After, ExportPage));
        var file = string.Create(CultureInfo.InvariantCulture, $"{shape.Name}-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv");
        return TypedResults.Stream(async stream =>
        {
            var writer = new CsvWriter(stream);
            writer.Header(shape.Header);
            var rows = first;
            while (true)
            {
                foreach (var row in rows)
                {
                    shape.Csv(writer, row);
                    writer.EndRow();
                }

                await writer.FlushAsync(aborted);
                if (rows.Length < ExportPage)
                {
                    return;
                }

                rows = await shape.Fetch(list.Window(shape.Position(rows[^1]), ExportPage));
            }
        }, "text/csv; charset=utf-8", file);
    }
}
