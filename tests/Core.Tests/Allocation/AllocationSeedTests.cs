using RpsServerless.Core.Allocation;

namespace RpsServerless.Core.Tests.Allocation;

public class AllocationSeedTests
{
    private static readonly byte[] Bytes = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();
    private static readonly string Hex = Convert.ToHexStringLower(Bytes);
    private static readonly string Base64 = Convert.ToBase64String(Bytes);

    [Fact]
    public void HexAndBase64Text_GiveTheSameSeed()
    {
        var fromHex = AllocationSeed.Parse(Hex + "\n");
        var fromUpperHex = AllocationSeed.Parse("  " + Hex.ToUpperInvariant());
        var fromBase64 = AllocationSeed.Parse(Base64);

        Assert.Equal(Bytes, fromHex.Key);
        Assert.Equal(Bytes, fromUpperHex.Key);
        Assert.Equal(Bytes, fromBase64.Key);
    }

    [Fact]
    public void ToString_NeverRevealsTheSeed()
    {
        var text = AllocationSeed.Parse(Hex).ToString();

        Assert.DoesNotContain(Hex[..8], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Base64[..8], text);
        Assert.Contains("concealed", text);
    }

    [Fact]
    public void SeedShorterThan32Bytes_IsRejectedWithoutRepeatingIt()
    {
        var shortHex = Hex[..62];
        var e = Assert.Throws<FormatException>(() => AllocationSeed.Parse(shortHex));

        Assert.Contains("31 bytes", e.Message);
        Assert.DoesNotContain(shortHex[..8], e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not a seed at all!")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")] // odd number of hex digits
    [InlineData("")]
    public void UnreadableText_IsRejectedWithoutRepeatingIt(string text)
    {
        var e = Assert.Throws<FormatException>(() => AllocationSeed.Parse(text));

        if (text.Length > 0) Assert.DoesNotContain(text[..6], e.Message);
    }

    [Fact]
    public void PlaceholderOfOneRepeatedByte_IsRejected() =>
        Assert.Throws<FormatException>(() => AllocationSeed.Parse(new string('0', 64)));

    [Fact]
    public void GeneratedSeed_RoundTripsThroughItsHexText()
    {
        var seed = AllocationSeed.Generate();
        Assert.Equal(seed.Key, AllocationSeed.Parse(seed.ToHexText()).Key);
    }
}
