namespace RpsServerless.Core.Scheduling;

/// <summary>What storage must do to turn the reminder set it holds into the one the schedule now wants.</summary>
/// <param name="ToAdd">Reminders with ids storage does not hold: new visits and visits that moved.</param>
/// <param name="ToUpdate">Same id, different content (e.g. a label or text changed by an amendment).</param>
/// <param name="ToCancel">Held reminders the schedule no longer wants (the visit moved, was done, missed or cancelled).
/// Whole reminders, so storage can find each row by its due date.</param>
public sealed record ReminderChanges(
    IReadOnlyList<Reminder> ToAdd,
    IReadOnlyList<Reminder> ToUpdate,
    IReadOnlyList<Reminder> ToCancel)
{
    public bool IsEmpty => ToAdd.Count == 0 && ToUpdate.Count == 0 && ToCancel.Count == 0;
}

public static class ReminderDiff
{
    /// <summary>
    /// Compares by <see cref="Reminder.ReminderId"/>. Ids are derived from participant, visit, kind and due instant,
    /// so a moved visit shows up as its old reminders cancelled and new ones added: replaced, never duplicated.
    /// </summary>
    public static ReminderChanges Between(IReadOnlyCollection<Reminder> previous, IReadOnlyCollection<Reminder> next)
    {
        var held = new Dictionary<string, Reminder>(previous.Count, StringComparer.Ordinal);
        foreach (var r in previous) held[r.ReminderId] = r;

        var toAdd = new List<Reminder>();
        var toUpdate = new List<Reminder>();
        var wanted = new HashSet<string>(next.Count, StringComparer.Ordinal);
        foreach (var r in next)
        {
            if (!wanted.Add(r.ReminderId)) continue;
            if (!held.TryGetValue(r.ReminderId, out var old)) toAdd.Add(r);
            else if (old != r) toUpdate.Add(r);
        }

        var toCancel = new List<Reminder>();
        foreach (var r in previous)
            if (!wanted.Contains(r.ReminderId) && held.Remove(r.ReminderId)) toCancel.Add(r); // Remove: each id once
        return new ReminderChanges(toAdd, toUpdate, toCancel);
    }
}
