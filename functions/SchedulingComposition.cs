using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Functions.Storage.Notifications;
using RpsServerless.Functions.Storage.Scheduling;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions;

/// <summary>
/// The schedule, reminders and notifications part of the object graph (called from <see cref="Composition.AddRpsServerless"/>).
/// <see cref="Storage.Participants.IParticipantDirectory"/> is registered by the allocation part, which writes participants.
/// </summary>
public static class SchedulingComposition
{
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddSingleton<IScheduleStore, TableScheduleStore>();
        services.AddSingleton<IReminderStore, TableReminderStore>();
        services.AddSingleton<ISiteVisitIndex, TableSiteVisitIndex>();
        services.AddSingleton<IParticipantStatusStore, TableParticipantStatusStore>();
        services.AddSingleton<IParticipantHistoryReader, TableParticipantHistory>();
        services.AddSingleton<INotificationInbox, TableNotificationInbox>();

        services.AddSingleton<ParticipantFiles>();
        services.AddSingleton<ReadSchedule>();
        services.AddSingleton<RecordVisit>();
        services.AddSingleton<RecordParticipantStatus>();
        services.AddSingleton<RebuildSchedule>();
        services.AddSingleton<ReadWorklist>();
        services.AddSingleton<ReleaseReminders>();
        services.AddSingleton<DeliverNotification>();
        services.AddSingleton<ReadInbox>();
        return services;
    }
}
