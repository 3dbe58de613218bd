using System.Text;

namespace MirrorGate.Upstream.ChatGpt.Streaming.Delta;

/// <summary>
/// A JSON string that grows by <c>append</c> in amortised constant time. The string form is cached, so fixed
/// fields (role, status…) cost nothing to read per event, and the answer text is read as suffixes only.
/// </summary>
internal sealed class DeltaText : DeltaNode
{
    private StringBuilder? _builder;
    private string? _value;

    public DeltaText(string value)
    {
        _value = value;
    }

    public int Length => _builder?.Length ?? _value!.Length;

    public string Value => _value ??= _builder!.ToString();

    public void Append(string text)
    {
        if (_builder is null)
        {
            _builder = new StringBuilder(_value, Math.Max(256, _value!.Length + text.Length));
        }

        _builder.Append(text);
        _value = null;
    }

    public void Truncate(int length)
    {
        if (length >= 0 && length < Length)
        {
            if (_builder is null)
            {
                _value = _value![..length];
            }
            else
            {
                _builder.Length = length;
                _value = null;
            }
        }
    }

    /// <summary>The text from <paramref name="start"/> on, without materialising the whole string.</summary>
    public string Substring(int start) =>
        _value is { } value ? value[start..] : _builder!.ToString(start, _builder.Length - start);
}
