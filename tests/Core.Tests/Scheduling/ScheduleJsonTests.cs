using System.Text.Json;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

public class ScheduleJsonTests
{
    [Fact]
    public void Schedule_SerialisesToTheApiShape()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29"), "2026-12-01");

        var json = JsonSerializer.Serialize(schedule, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.Contains("\"allocatedOn\":\"2026-11-29\"", json);
        Assert.Contains("\"protocolVersion\":\"NATARS-1.0\"", json);
        Assert.Contains(
            "{\"visitId\":\"C1D1\",\"kind\":\"chemo_cycle\",\"label\":\"Cycle 1 day 1\",\"targetDate\":\"2026-12-06\"," +
            "\"windowStart\":\"2026-11-29\",\"windowEnd\":\"2026-12-13\",\"status\":\"due\",\"completedOn\":null}", json);
        Assert.Contains(
            "{\"visitId\":\"C2D1\",\"kind\":\"chemo_cycle\",\"label\":\"Cycle 2 day 1\",\"targetDate\":null," +
            "\"windowStart\":null,\"windowEnd\":null,\"status\":\"pending_anchor\",\"completedOn\":null}", json);
        Assert.Contains("\"kind\":\"visit_due\",\"date\":\"2026-12-06\",\"dueAt\":\"2026-12-06T00:00:00+00:00\"", json);
    }
}
