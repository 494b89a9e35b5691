using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using RpsServerless.Core.Audit;

namespace RpsServerless.Core.Tests.Audit;

/// <summary>
/// The canonical writer against the documented rules written out the plain way (a string built per token, then
/// UTF-8): the same bytes for random documents — control characters, quotes, backslashes, non-ASCII and surrogate
/// pairs in names and values, numbers as written, nesting.
/// </summary>
public class CanonicalJsonTests
{
    private static readonly string[] Awkward =
        ["\"", "\\", "\u0000", "\u0001", "\n", "\u001f", " ", "~", "é", "中", "\ud83d\ude00", "a", "Z", "0", "{", "]", ",", ":", "\u007f"];

    [Fact]
    public void RandomDocuments_GiveTheBytesOfTheDocumentedRules()
    {
        Gen.Int.Sample(seed =>
        {
            var element = JsonSerializer.SerializeToElement(Document(new Random(seed), depth: 0));
            Assert.Equal(Reference(element), CanonicalJson.Bytes(element));
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void NumbersAsWritten_EscapesAsDocumented()
    {
        var element = JsonDocument.Parse("""{"b":"x\"\\\u0007\u00e9y","a":[1.50,-0,1e3,2E-7]}""").RootElement;
        Assert.Equal(Reference(element), CanonicalJson.Bytes(element));
        Assert.Equal("{\"a\":[1.50,-0,1e3,2E-7],\"b\":\"x\\\"\\\\\\u0007éy\"}", Encoding.UTF8.GetString(CanonicalJson.Bytes(element)));
    }

    private static JsonNode? Document(Random random, int depth)
    {
        string Text() => string.Concat(Enumerable.Range(0, random.Next(8)).Select(_ => Awkward[random.Next(Awkward.Length)]));
        switch (depth >= 3 ? random.Next(4) : random.Next(6))
        {
            case 0: return JsonValue.Create(Text());
            case 1: return JsonValue.Create(random.Next(-1000, 1000) / 8.0);
            case 2: return random.Next(2) == 0 ? JsonValue.Create(true) : null;
            case 3: return JsonValue.Create(random.NextInt64());
            case 4:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--) array.Add(Document(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(5); i > 0; i--) obj[Text() + i] = Document(random, depth + 1);
                return obj;
        }
    }

    /// <summary>The rules of <see cref="CanonicalJson"/> as first written: a string per token.</summary>
    private static byte[] Reference(JsonElement value)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(value);
        return output.WrittenSpan.ToArray();

        void Raw(string s) => output.Write(Encoding.UTF8.GetBytes(s));

        void String(string s)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in s)
                sb.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    < ' ' => "\\u00" + ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
                    _ => c.ToString(),
                });
            Raw(sb.Append('"').ToString());
        }

        void Write(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    Raw("{");
                    var first = true;
                    foreach (var m in e.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                    {
                        if (!first) Raw(",");
                        first = false;
                        String(m.Name);
                        Raw(":");
                        Write(m.Value);
                    }
                    Raw("}");
                    break;
                case JsonValueKind.Array:
                    Raw("[");
                    var firstItem = true;
                    foreach (var item in e.EnumerateArray())
                    {
                        if (!firstItem) Raw(",");
                        firstItem = false;
                        Write(item);
                    }
                    Raw("]");
                    break;
                case JsonValueKind.String: String(e.GetString()!); break;
                case JsonValueKind.Number: Raw(e.GetRawText()); break;
                case JsonValueKind.True: Raw("true"); break;
                case JsonValueKind.False: Raw("false"); break;
                default: Raw("null"); break;
            }
        }
    }
}
