using System.Buffers;
using System.Security.Cryptography;
using System.Text;
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
                Raw(output, "{");
                var first = true;
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    if (!first) Raw(output, ",");
                    first = false;
                    WriteString(output, member.Name);
                    Raw(output, ":");
                    Write(output, member.Value);
                }
                Raw(output, "}");
                break;
            case JsonValueKind.Array:
                Raw(output, "[");
                var firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem) Raw(output, ",");
                    firstItem = false;
                    Write(output, item);
                }
                Raw(output, "]");
                break;
            case JsonValueKind.String:
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                Raw(output, value.GetRawText());
                break;
            case JsonValueKind.True:
                Raw(output, "true");
                break;
            case JsonValueKind.False:
                Raw(output, "false");
                break;
            default:
                Raw(output, "null");
                break;
        }
    }

    internal static void WriteString(IBufferWriter<byte> output, string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case < ' ': text.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        Raw(output, text.Append('"').ToString());
    }

    internal static void Raw(IBufferWriter<byte> output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        output.Write(bytes);
    }
}
