using Microsoft.Extensions.Logging;

namespace RpsServerless.Functions.Diagnostics;

/// <summary>Log scopes with stable property names, so every line of one invocation or one case can be found.</summary>
public static class LogScopes
{
    public const string InvocationId = nameof(InvocationId);
    public const string FunctionName = nameof(FunctionName);
    public const string ScreeningId = nameof(ScreeningId);
    public const string ParticipantId = nameof(ParticipantId);
    public const string SiteId = nameof(SiteId);
    public const string ReminderId = nameof(ReminderId);
    public const string NotificationId = nameof(NotificationId);

    public static IDisposable? BeginInvocation(this ILogger logger, string functionName, string invocationId) =>
        logger.BeginScope(new Dictionary<string, object>
        {
            [FunctionName] = functionName,
            [InvocationId] = invocationId,
        });

    public static IDisposable? BeginScreening(this ILogger logger, string screeningId) =>
        logger.BeginScope(new Dictionary<string, object> { [ScreeningId] = screeningId });

    public static IDisposable? BeginParticipant(this ILogger logger, string participantId) =>
        logger.BeginScope(new Dictionary<string, object> { [ParticipantId] = participantId });

    public static IDisposable? BeginReminder(this ILogger logger, string reminderId, string participantId) =>
        logger.BeginScope(new Dictionary<string, object> { [ReminderId] = reminderId, [ParticipantId] = participantId });

    public static IDisposable? BeginNotification(this ILogger logger, string notificationId, string siteId) =>
        logger.BeginScope(new Dictionary<string, object> { [NotificationId] = notificationId, [SiteId] = siteId });
}
