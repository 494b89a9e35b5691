using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

public class SiteClockTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void EightOClockInShanghai_IsMidnightUtcTheSameDay() =>
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), SiteClock.ToUtc(D("2026-12-06"), new TimeOnly(8, 0), Shanghai));

    [Fact]
    public void TodayAtTheSite_IsTheShanghaiDateNotTheUtcDate() =>
        Assert.Equal(D("2026-12-06"), SiteClock.Today(Natars.Protocol, "PKUIH", new DateTimeOffset(2026, 12, 5, 16, 30, 0, TimeSpan.Zero)));

    [Fact]
    public void WallClockTimeSkippedByDstStart_IsReadAfterTheJump()
    {
        // 2026-03-08 02:30 does not exist in New York (02:00 EST -> 03:00 EDT): 07:30Z, i.e. 03:30 EDT.
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero), SiteClock.ToUtc(D("2026-03-08"), new TimeOnly(2, 30), NewYork));
    }

    [Fact]
    public void WallClockTimeRepeatedAtDstEnd_IsItsFirstOccurrence()
    {
        // 2026-11-01 01:30 happens twice in New York; the first is 01:30 EDT = 05:30Z.
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), SiteClock.ToUtc(D("2026-11-01"), new TimeOnly(1, 30), NewYork));
    }
}
