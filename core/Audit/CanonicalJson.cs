using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RpsServerless.Core.Audit;

/// <summary>
/// The canonical JSON text that audit hashes are computed over. Byte for byte:
/// <list type="bullet">
/// <item>UTF-8, no byte-order mark, no whitespace between tokens;</item>
/// <item>object members sorted by name in ordinal (UTF-16 code unit) order; array elements in their order;</item>
/// <item>strings in double quotes; <c>"</c> and <c>\</c> escaped as <c>\"</c> and <c>\\</c>; U+0000–U+001F as
/// <c>\u00xx</c> with lowercase hex; every other character written as itself in UTF-8 (no other escapes);</item>
/// <item>numbers exactly as the source JSON wrote them; <c>true</c>, <c>false</c>, <c>null</c>.</item>
/// </list>
/// The same string rules write the audit record itself (<see cref="AuditChain.CanonicalBytes"/>).
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical bytes of a JSON value.</summary>
    public static byte[] Bytes(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>SHA-256, lowercase hex, of <see cref="Bytes"/>: the before/after hash of an entity state.</summary>
    public static string Sha256(JsonElement value) => Convert.ToHexStringLower(SHA256.HashData(Bytes(value)));

    /// <summary>False for strings holding a lone surrogate, which have no UTF-8 form and so no canonical bytes.</summary>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static void Write(IBufferWriter<byte> output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                foreach (var member in value.EnumerateObject()) members.Add(member);
                members.Sort(static (x, y) => string.CompareOrdinal(x.Name, y.Name));
                Raw(output, "{"u8);
                for (var m = 0; m < members.Count; m++)
                {
                    if (m > 0) Raw(output, ","u8);
                    WriteString(output, members[m].Name);
                    Raw(output, ":"u8);
                    Write(output, members[m].Value);
                }
                Raw(output, "}"u8);
                break;
            case JsonValueKind.Array:
                Raw(output, "["u8);
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem) Raw(output, ","u8);
                    firstItem = false;
                    Write(output, item);
                }
                Raw(output, "]"u8);
                break;
            case JsonValueKind.String:
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                // A number token is ASCII and has no escapes: its raw bytes are the text the source wrote.
                Raw(output, JsonMarshal.GetRawUtf8Value(value));
                break;
            case JsonValueKind.True:
                Raw(output, "true"u8);
                break;
            case JsonValueKind.False:
                Raw(output, "false"u8);
                break;
            default:
                Raw(output, "null"u8);
                break;
        }
    }

    /// <summary>A string by the rules above: the runs between characters that need escaping go out as UTF-8 directly.</summary>
    internal static void WriteString(IBufferWriter<byte> output, string value)
    {
        Raw(output, "\""u8);
        var text = value.AsSpan();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('"' or '\\' or < ' ')) continue;
            Raw(output, text[start..i]);
            switch (c)
            {
                case '"': Raw(output, "\\\""u8); break;
                case '\\': Raw(output, "\\\\"u8); break;
                default:
                    Span<byte> escape = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex[c >> 4], Hex[c & 0xF]];
                    Raw(output, escape);
                    break;
            }
            start = i + 1;
        }
        Raw(output, text[start..]);
        Raw(output, "\""u8);
    }

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    internal static void Raw(IBufferWriter<byte> output, string text) => Raw(output, text.AsSpan());

    /// <summary>Characters as UTF-8 (a lone surrogate, which has no UTF-8 form, as U+FFFD).</summary>
    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return;
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Raw(IBufferWriter<byte> output, ReadOnlySpan<byte> utf8) => output.Write(utf8);
}
