using System.Globalization;

namespace RpsServerless.Functions.Storage.Participants;

/// <summary>
/// Study ids of participants: <c>NATARS-{siteId}-{nnnn}</c>, numbered per site from 1 (api.md example
/// <c>NATARS-PKUIH-0007</c>). The site is part of the id so a participant is found in its site's partition without
/// an index, and a caller's site scope can be checked from the id alone.
/// </summary>
public static class ParticipantIds
{
    public static string Format(string trialAcronym, string siteId, int numberAtSite) =>
        string.Create(CultureInfo.InvariantCulture, $"{trialAcronym}-{siteId}-{numberAtSite:0000}");

    /// <summary>The site id inside a well-formed participant id; false for anything else.</summary>
    public static bool TrySiteOf(string participantId, out string siteId)
    {
        siteId = "";
        var parts = participantId.Split('-');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length < 4
            || !parts[1].All(char.IsAsciiLetterOrDigit) || !parts[2].All(char.IsAsciiDigit))
            return false;
        siteId = parts[1];
        return true;
    }
}
