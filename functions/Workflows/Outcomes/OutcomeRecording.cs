using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using RpsServerless.Core;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>What the outcome workflows share: record ids, the participant lookup (404) and the date checks.</summary>
public static class OutcomeRecording
{
    /// <summary>
    /// Clocks of site devices and servers drift: an instant this far ahead of the server is still taken as "now",
    /// anything later is in the future and refused.
    /// </summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>A record id that sorts by recording time: <c>{prefix}_{yyyyMMddHHmmssfff}{6 hex}</c>.</summary>
    public static string NewId(string prefix, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{prefix}_{now.UtcDateTime:yyyyMMddHHmmssfff}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");

    /// <summary>The same 404 as a participant of a site out of the caller's scope (<see cref="AccessProblems.NotFound"/>).</summary>
    public static ApiResponse UnknownParticipant(HttpContext context, string participantId) => AccessProblems.NotFound(context);

    /// <summary>The protocol the participant was allocated under (amendments never change an allocated participant's rules).</summary>
    public static ProtocolDefinition ProtocolOf(ParticipantRecord participant) =>
        ProtocolCatalog.TryGet(participant.ProtocolVersion, out var protocol) ? protocol! : ProtocolCatalog.Get();

    /// <summary>A calendar date of the participant's record must lie between the allocation and today at the site.</summary>
    public static IEnumerable<FieldError> CheckDate(string path, DateOnly date, ParticipantRecord participant, DateTimeOffset now)
    {
        var protocol = ProtocolOf(participant);
        var today = protocol.FindSite(participant.SiteId) is not null ? SiteClock.Today(protocol, participant.SiteId, now) : DateOnly.FromDateTime(now.UtcDateTime);
        if (date < participant.AllocatedOn)
            yield return new FieldError(path, $"{Iso(date)} is before the allocation date {Iso(participant.AllocatedOn)}.");
        if (date > today)
            yield return new FieldError(path, $"{Iso(date)} is in the future (today at the site is {Iso(today)}).");
    }

    /// <summary>An instant reported by the site may not be after now (with <see cref="ClockSkewAllowance"/>).</summary>
    public static IEnumerable<FieldError> CheckInstant(string path, DateTimeOffset? instant, DateTimeOffset now)
    {
        if (instant is { } at && at > now + ClockSkewAllowance)
            yield return new FieldError(path, $"{IsoInstant(at)} is in the future (now is {IsoInstant(now)}).");
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string IsoInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
