using System.Security.Cryptography;

namespace RpsServerless.Functions.Storage.Screenings;

/// <summary>
/// Screening ids: <c>scr_{ulid}_{siteId}</c>, e.g. <c>scr_01JF4Q8M3ZK2V7R9T6W8Y0A1BC_PKUIH</c>.
/// The ULID (48-bit millisecond time, then 80 random bits, Crockford base32) makes ids sortable by submission time
/// and is the RowKey in the site's partition of table <c>Screenings</c>, so the site log reads in submission order
/// with a plain range query. The site is part of the id so <c>GET /api/screenings/{id}</c> is a point read (no index
/// row, no scan), as participant ids carry their site too; a caller's site scope can be checked from the id alone.
/// </summary>
public static class ScreeningIds
{
    public const string Prefix = "scr_";
    public const int UlidLength = 26;
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Format(string ulid, string siteId) => $"{Prefix}{ulid}_{siteId}";

    /// <summary>Splits a well-formed id; false for anything else (which the API answers with 404, never 400 or 500).</summary>
    public static bool TryParse(string? screeningId, out string ulid, out string siteId)
    {
        ulid = siteId = "";
        if (screeningId is null || screeningId.Length < Prefix.Length + UlidLength + 2 || screeningId.Length > 100 ||
            !screeningId.StartsWith(Prefix, StringComparison.Ordinal) || screeningId[Prefix.Length + UlidLength] != '_')
            return false;
        var candidateUlid = screeningId.Substring(Prefix.Length, UlidLength);
        var candidateSite = screeningId[(Prefix.Length + UlidLength + 1)..];
        if (!IsUlid(candidateUlid) || !candidateSite.All(char.IsAsciiLetterOrDigit))
            return false;
        ulid = candidateUlid;
        siteId = candidateSite;
        return true;
    }

    public static bool IsUlid(string text) => text.Length == UlidLength && text.All(c => Crockford.Contains(c, StringComparison.Ordinal));

    /// <summary>
    /// A new ULID for <paramref name="now"/>. Monotonic within the process: two ids in the same millisecond differ
    /// by an increment of the random part, so one instance never writes two screenings out of order.
    /// </summary>
    public sealed class Generator
    {
        private readonly Lock _gate = new();
        private long _lastMs = -1;
        private readonly byte[] _random = new byte[10];

        public string Next(DateTimeOffset now)
        {
            var ms = Math.Max(0, now.ToUnixTimeMilliseconds());
            Span<byte> bytes = stackalloc byte[16];
            lock (_gate)
            {
                if (ms > _lastMs)
                {
                    _lastMs = ms;
                    RandomNumberGenerator.Fill(_random);
                }
                else
                {
                    // Same (or an earlier, if the clock stepped back) millisecond: keep order by incrementing.
                    for (var i = _random.Length - 1; i >= 0 && ++_random[i] == 0; i--) { }
                }
                for (var i = 0; i < 6; i++)
                    bytes[i] = (byte)(_lastMs >> (8 * (5 - i)));
                _random.CopyTo(bytes[6..]);
            }
            return Encode(bytes);
        }

        private static string Encode(ReadOnlySpan<byte> bytes)
        {
            // 128 bits → 26 base32 digits, most significant first (the first digit holds the top 3 bits).
            var value = new UInt128(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
            Span<char> chars = stackalloc char[UlidLength];
            for (var i = UlidLength - 1; i >= 0; i--)
            {
                chars[i] = Crockford[(int)(value & 31)];
                value >>= 5;
            }
            return new string(chars);
        }
    }
}
