using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RpsServerless.Core.Allocation;
using static RpsServerless.Core.Tests.Allocation.AllocationTestData;

namespace RpsServerless.Core.Tests.Allocation;

public class DrawStreamTests
{
    [Theory]
    [InlineData(3, uint.MaxValue, false)]      // 2^32 mod 3 = 1: the top word would favour 0
    [InlineData(3, uint.MaxValue - 1, true)]
    [InlineData(6, uint.MaxValue - 3, false)]  // 2^32 mod 6 = 4: the top four words are rejected
    [InlineData(6, uint.MaxValue - 4, true)]
    [InlineData(2, uint.MaxValue, true)]       // a power of two divides 2^32: nothing to reject
    public void WordsThatWouldCauseModuloBias_AreRejected(int n, uint word, bool accepted) =>
        Assert.Equal(accepted, DrawStream.TryMapUnbiased(word, n, out _));

    [Fact]
    public void IntegerDraws_AreUniform()
    {
        // 60,000 draws in [0, 6): each count is Binomial(60000, 1/6), sd ≈ 91; 4 sd keeps a false alarm below 1e-4.
        var stream = new DrawStream(Seed(1).DrawKey, "NATARS-1.0", "test", "uniformity", 0);
        var counts = new int[6];
        for (var i = 0; i < 60_000; i++) counts[stream.NextInt(6)]++;

        Assert.All(counts, c => Assert.InRange(c, 10_000 - 364, 10_000 + 364));
    }

    [Fact]
    public void BlockOne_CanBeRegeneratedFromTheDocumentedByteLayout()
    {
        // An auditor's independent re-implementation of DrawStream's remarks and PermutedBlocks.Fill.
        var seed = Seed(7);
        var protocol = Natars;
        foreach (var stratum in protocol.Allocation.Strata)
        {
            var expected = AuditorBlock(seed.Key, "NATARS-1.0", "permuted_blocks", stratum, 1, [4, 6], ["surgery_only", "neoadjuvant"]);
            Assert.Equal(expected, PermutedBlocks.Block(protocol, seed, stratum, 1));
        }
    }

    private static List<string> AuditorBlock(byte[] key, string version, string method, string scope, long index, int[] sizes, string[] arms)
    {
        var words = AuditorWords(key, version, method, scope, index).GetEnumerator();
        int Draw(int n)
        {
            if (n == 1) return 0;
            while (true)
            {
                words.MoveNext();
                var x = words.Current;
                if (x < (1UL << 32) - (1UL << 32) % (ulong)n) return (int)(x % (uint)n);
            }
        }

        var size = sizes[Draw(sizes.Length)];
        var block = arms.SelectMany(a => Enumerable.Repeat(a, size / arms.Length)).ToList();
        for (var i = size - 1; i > 0; i--)
        {
            var j = Draw(i + 1);
            (block[i], block[j]) = (block[j], block[i]);
        }
        return block;
    }

    private static IEnumerable<uint> AuditorWords(byte[] key, string version, string method, string scope, long index)
    {
        var prefix = new List<byte>(Encoding.ASCII.GetBytes("RPS-ALLOCATION-DRAWS-v1"));
        foreach (var field in new[] { version, method, scope })
        {
            var utf8 = Encoding.UTF8.GetBytes(field);
            prefix.Add((byte)(utf8.Length >> 8));
            prefix.Add((byte)utf8.Length);
            prefix.AddRange(utf8);
        }
        var indexBytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(indexBytes, index);
        prefix.AddRange(indexBytes);
        for (uint counter = 0; ; counter++)
        {
            var counterBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(counterBytes, counter);
            var output = HMACSHA256.HashData(key, prefix.Concat(counterBytes).ToArray());
            for (var at = 0; at < 32; at += 4) yield return BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(at));
        }
    }
}
