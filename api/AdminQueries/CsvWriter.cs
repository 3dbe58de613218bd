using System.Globalization;
using System.Text;

namespace MirrorGate.Api.AdminQueries;

/// <summary>
/// RFC 4180 CSV, one row at a time onto a stream (UTF-8, CRLF). A text cell is quoted when it holds a comma, a quote
/// or a line break (quotes doubled); one that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or a carriage return: OWASP's "CSV injection" list) is prefixed with <c>'</c>, so a
/// user name or a refund reason typed by anyone opens as text. Numbers the gateway formats itself are written as
/// they are (a negative amount stays a number).
/// </summary>
public sealed class CsvWriter(Stream stream)
{
    /// <summary>The rows since the last flush; written out asynchronously (a response body refuses synchronous writes).</summary>
    private readonly StringBuilder _buffer = new();
    private bool _rowStarted;

    public CsvWriter Text(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            _buffer.Append('"');
            _buffer.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            _buffer.Append('"');
        }
        else
        {
            _buffer.Append(value);
        }

        return this;
    }

    public CsvWriter Number(decimal value)
    {
        Separator();
        _buffer.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public CsvWriter Number(long value)
    {
        Separator();
        _buffer.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>An instant as ISO 8601 UTC with milliseconds.</summary>
    public CsvWriter Time(DateTimeOffset value)
    {
        Separator();
        _buffer.Append(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return this;
    }

    public CsvWriter Header(params string[] names)
    {
        foreach (var name in names)
        {
            Text(name);
        }

        return EndRow();
    }

    public CsvWriter EndRow()
    {
        _buffer.Append("\r\n");
        _rowStarted = false;
        return this;
    }

    /// <summary>Sends what is buffered (once per page of rows, so memory holds one page, never the whole export).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length > 0)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_buffer.ToString()), cancellationToken);
            _buffer.Clear();
        }

        await stream.FlushAsync(cancellationToken);
    }

    private void Separator()
    {
        if (_rowStarted)
        {
            _buffer.Append(',');
        }

        _rowStarted = true;
    }
}
