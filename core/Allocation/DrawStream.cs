using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// A deterministic stream of random draws: HMAC-SHA256 in counter mode keyed by the secret seed. Each stream is named
/// by (protocol version, method, scope, index), so every stratum's block k and every minimisation draw is an
/// independent stream that an auditor holding the seed can regenerate on its own, without replaying anything else.
/// Never <c>System.Random</c>: its state can be reconstructed from a few outputs.
/// </summary>
/// <remarks>
/// Byte layout, for an auditor re-implementing it. HMAC message for output block <c>c</c> (c = 0, 1, 2 …):
/// <code>
///   ASCII "RPS-ALLOCATION-DRAWS-v1"
///   u16 big-endian byte length + UTF-8 of the protocol version   e.g. "NATARS-1.0"
///   u16 big-endian byte length + UTF-8 of the method              e.g. "permuted_blocks"
///   u16 big-endian byte length + UTF-8 of the scope               the stratum ("DDLPS"), or "trial" for minimisation
///   u64 big-endian index                                          block number k, or the allocation number
///   u32 big-endian counter c
/// </code>
/// Each 32-byte HMAC output is read front to back in big-endian words. A draw never straddles two outputs: when a
/// draw needs more bytes than the current output has left, the rest is discarded and output c+1 is computed.
/// <list type="bullet">
/// <item>An integer in [0, n): the next u32 word x; if x ≥ 2³² − (2³² mod n) it is rejected and the next word drawn
/// (no modulo bias); else x mod n. A draw from a range of one value (n = 1) reads nothing.</item>
/// <item>A uniform number in [0, 1): the next u64 word shifted right by 11, times 2⁻⁵³ (exact in a double).</item>
/// </list>
/// The struct is mutable and allocation-free (the simulation draws millions of values): keep it in a local and pass
/// it by <c>ref</c>.
/// </remarks>
internal struct DrawStream
{
    public const int OutputBytes = 32;
    private const int MaxMessageBytes = 256;
    private static ReadOnlySpan<byte> Label => "RPS-ALLOCATION-DRAWS-v1"u8;

    private readonly DrawKey _key;
    private MessageBuffer _message;
    private readonly int _counterOffset;
    private OutputBuffer _output;
    private int _used;
    private uint _counter;

    public DrawStream(DrawKey key, string protocolVersion, string method, string scope, long index)
    {
        _key = key;
        Span<byte> message = _message;
        Label.CopyTo(message);
        var at = Label.Length;
        at = WriteField(message, at, protocolVersion);
        at = WriteField(message, at, method);
        at = WriteField(message, at, scope);
        BinaryPrimitives.WriteUInt64BigEndian(message[at..], checked((ulong)index));
        _counterOffset = at + sizeof(ulong);
        _used = OutputBytes; // nothing computed yet: the first draw computes output 0
        _counter = 0;
    }

    /// <summary>The number of HMAC outputs computed so far (for tests of the layout).</summary>
    public readonly uint OutputsComputed => _counter;

    /// <summary>An unbiased integer in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exclusiveMax, 1);
        if (exclusiveMax == 1) return 0;
        while (true)
        {
            if (TryMapUnbiased(NextUInt32(), exclusiveMax, out var value)) return value;
        }
    }

    /// <summary>A uniform number in [0, 1) with 53 random bits.</summary>
    public double NextUnit() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Maps a uniform 32-bit word to [0, n) without bias, or rejects it: the top 2³² mod n words would make the small
    /// values more likely than the large ones.
    /// </summary>
    internal static bool TryMapUnbiased(uint word, int n, out int value)
    {
        const ulong range = 1UL << 32;
        var acceptBelow = range - range % (ulong)n;
        value = (int)(word % (uint)n);
        return word < acceptBelow;
    }

    /// <summary>Fills <paramref name="destination"/> with raw stream bytes, whole outputs at a time (derived keys).</summary>
    public void NextBytes(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i += OutputBytes)
        {
            Refill();
            var chunk = Math.Min(OutputBytes, destination.Length - i);
            ((ReadOnlySpan<byte>)_output)[..chunk].CopyTo(destination[i..]);
            _used = OutputBytes;
        }
    }

    private uint NextUInt32()
    {
        if (_used + sizeof(uint) > OutputBytes) Refill();
        var word = BinaryPrimitives.ReadUInt32BigEndian(((ReadOnlySpan<byte>)_output)[_used..]);
        _used += sizeof(uint);
        return word;
    }

    private ulong NextUInt64()
    {
        if (_used + sizeof(ulong) > OutputBytes) Refill();
        var word = BinaryPrimitives.ReadUInt64BigEndian(((ReadOnlySpan<byte>)_output)[_used..]);
        _used += sizeof(ulong);
        return word;
    }

    private void Refill()
    {
        Span<byte> message = _message;
        BinaryPrimitives.WriteUInt32BigEndian(message[_counterOffset..], _counter++);
        _key.Compute(message[..(_counterOffset + sizeof(uint))], _output);
        _used = 0;
    }

    private static int WriteField(Span<byte> message, int at, string value)
    {
        // Room for the index and the counter must remain after every field.
        var room = MaxMessageBytes - at - sizeof(ushort) - sizeof(ulong) - sizeof(uint);
        if (Encoding.UTF8.GetByteCount(value) > Math.Min(room, ushort.MaxValue))
            throw new ArgumentException($"The draw stream name part '{value}' is too long.", nameof(value));
        var length = Encoding.UTF8.GetBytes(value, message[(at + sizeof(ushort))..]);
        BinaryPrimitives.WriteUInt16BigEndian(message[at..], (ushort)length);
        return at + sizeof(ushort) + length;
    }

    [InlineArray(MaxMessageBytes)]
    private struct MessageBuffer
    {
        private byte _element0;
    }

    [InlineArray(OutputBytes)]
    private struct OutputBuffer
    {
        private byte _element0;
    }
}
