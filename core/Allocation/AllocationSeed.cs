using System.Diagnostics;
using System.Security.Cryptography;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// The secret that makes the allocation sequence unpredictable (protocol.md §4): read from a seed file or Key Vault as
/// hexadecimal or base64 text, never stored in the repository. Whoever holds it can regenerate every allocation, so it
/// never appears in <see cref="ToString"/>, the debugger or any exception message.
/// </summary>
[DebuggerDisplay("AllocationSeed (concealed)")]
public sealed class AllocationSeed
{
    /// <summary>256 bits: the HMAC-SHA256 key strength; a shorter seed would be the weakest link.</summary>
    public const int MinimumBytes = 32;

    // Longer keys gain nothing (HMAC hashes keys over 64 bytes down to 32); the cap only stops a wrong file being read.
    public const int MaximumBytes = 64;

    private readonly byte[] _key;

    private AllocationSeed(byte[] key)
    {
        _key = key;
        DrawKey = DrawKey.OneShot(key);
    }

    /// <summary>The key bytes, for the commitment only.</summary>
    internal byte[] Key => _key;

    /// <summary>The seed as the key of the allocation draw streams.</summary>
    internal DrawKey DrawKey { get; }

    public int Length => _key.Length;

    /// <exception cref="FormatException">Shorter than <see cref="MinimumBytes"/>, too long, or a placeholder.</exception>
    public static AllocationSeed FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < MinimumBytes)
            throw new FormatException($"The allocation seed has {bytes.Length} bytes; at least {MinimumBytes} are required.");
        if (bytes.Length > MaximumBytes)
            throw new FormatException($"The allocation seed has {bytes.Length} bytes; at most {MaximumBytes} are accepted.");
        // All bytes equal (zeros, 0xFF…) is a placeholder someone forgot to replace, not a secret.
        if (bytes.IndexOfAnyExcept(bytes[0]) < 0)
            throw new FormatException("The allocation seed repeats one byte value: it is a placeholder, not a random secret.");
        return new AllocationSeed(bytes.ToArray());
    }

    /// <summary>
    /// Reads seed text: hexadecimal (upper or lower case) when it consists of hex digits only, else base64. Surrounding
    /// whitespace (a file's final newline) is ignored. Error messages describe the text, never repeat it.
    /// </summary>
    /// <exception cref="FormatException">Neither hex nor base64, or the decoded seed is not acceptable.</exception>
    public static AllocationSeed Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
            throw new FormatException("The allocation seed text is empty.");

        // Hex wins when the text could be either: a hex seed is the documented format, and every hex digit is also a
        // base64 character, so the other order would misread every hex seed.
        var buffer = new byte[Math.Max(trimmed.Length, 1)];
        try
        {
            int written;
            if (IsHex(trimmed))
            {
                if (trimmed.Length % 2 != 0)
                    throw new FormatException("The allocation seed looks hexadecimal but has an odd number of digits.");
                Convert.FromHexString(trimmed, buffer, out _, out written);
            }
            else if (!Convert.TryFromBase64Chars(trimmed, buffer, out written))
            {
                throw new FormatException("The allocation seed is neither hexadecimal nor base64 text.");
            }
            return FromBytes(buffer.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>A fresh seed from the operating system's CSPRNG, for go-live set-up and tests.</summary>
    public static AllocationSeed Generate(int bytes = MinimumBytes) => FromBytes(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Lower-case hex, for writing a newly generated seed to its secret store. Never log it.</summary>
    public string ToHexText() => Convert.ToHexStringLower(_key);

    public override string ToString() => "AllocationSeed (concealed)";

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}
