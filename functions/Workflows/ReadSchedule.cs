using Microsoft.AspNetCore.Http;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>The api.md schedule: visits with windows and statuses as of today at the site, reminders with their stored status.</summary>
public sealed record ScheduleBody(
    string ParticipantId,
    string Arm,
    DateOnly AllocatedOn,
    string ProtocolVersion,
    IReadOnlyList<ScheduledVisit> Visits,
    IReadOnlyList<ReminderBody> Reminders);

public sealed record ReminderBody(string ReminderId, string VisitId, ReminderKind Kind, DateTimeOffset DueAt, ReminderStatus Status);

/// <summary><c>GET /api/participants/{participantId}/schedule</c>.</summary>
public sealed class ReadSchedule(ParticipantFiles files, IReminderStore reminders, TimeProvider time)
{
    public async Task<ApiResponse> RunAsync(HttpContext context, string participantId, CancellationToken cancellationToken)
    {
        var file = await files.LoadAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (file is null) return ParticipantNotFound(context, participantId);
        var schedule = ScheduleBuilder.Build(file.Protocol, file.Timeline, file.Today(time.GetUtcNow()));
        return ApiResponse.Ok(await ViewAsync(schedule, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The schedule with each reminder's status from table <c>Reminders</c>. A reminder the schedule wants but that the
    /// queue handler has not stored yet is shown pending: it will be, within moments. Only the reminders the release
    /// timer may already have taken are read; one due later is pending by construction (<see cref="ReminderBuckets.MayBeReleased"/>),
    /// which spares a point read per future reminder on every schedule read — most of a participant's, for years.
    /// </summary>
    public async Task<ScheduleBody> ViewAsync(ParticipantSchedule schedule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var releasable = schedule.Reminders.Where(r => ReminderBuckets.MayBeReleased(r.DueAt, now)).ToList();
        var statuses = await reminders.StatusesAsync(releasable, cancellationToken).ConfigureAwait(false);
        var reminderBodies = schedule.Reminders
            .OrderBy(r => r.DueAt).ThenBy(r => r.ReminderId, StringComparer.Ordinal)
            .Select(r => new ReminderBody(r.ReminderId, r.VisitId, r.Kind, r.DueAt,
                statuses.TryGetValue(r.ReminderId, out var status) ? status : ReminderStatus.Pending))
            .ToList();
        return new ScheduleBody(schedule.ParticipantId, schedule.Arm, schedule.AllocatedOn, schedule.ProtocolVersion, schedule.Visits, reminderBodies);
    }

    internal static ApiResponse ParticipantNotFound(HttpContext context, string participantId) =>
        Security.AccessProblems.NotFound(context); // the same 404 as a participant of a site out of the caller's scope
}
