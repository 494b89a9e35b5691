using CsCheck;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Core.Tests.Statistics;

/// <summary>Rules that hold for every sample, not only the reference datasets.</summary>
public class SurvivalAnalysisPropertyTests
{
    // Small whole-day times so that ties between and within arms are common.
    private static readonly Gen<(int Arm, int Time, bool Event)[]> Subjects =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 25], Gen.Bool).Array[1, 60];

    [Fact]
    public void Survival_NeverRisesAndStaysInsideItsInterval() =>
        Subjects.Sample(subjects =>
        {
            foreach (var curve in SurvivalAnalysis.Analyse(Build(subjects, ["A", "B", "C"])).Curves)
            {
                var previous = 1.0;
                foreach (var row in curve.Table)
                {
                    Assert.InRange(row.Survival, 0, previous);
                    if (row.Survival > 0)
                        Assert.InRange(row.Survival, row.Lower!.Value - 1e-12, row.Upper!.Value + 1e-12);
                    previous = row.Survival;
                }
                Assert.Equal(curve.Subjects, curve.Table.Sum(r => r.Events + r.Censored));
            }
        });

    [Fact]
    public void Results_DoNotDependOnSubjectOrderOrWhichArmSortsFirst() =>
        Subjects.Sample(subjects =>
        {
            var forward = SurvivalAnalysis.Analyse(Build(subjects, ["A", "B", "C"]));
            // Reversed input and reversed names: survdiff leaves out a different arm, the χ² must not change.
            var reversed = SurvivalAnalysis.Analyse(Build(subjects.Reverse().ToArray(), ["Z", "Y", "X"]));
            Assert.Equal(forward.LogRank is null, reversed.LogRank is null);
            if (forward.LogRank is { } test)
            {
                Assert.Equal(test.DegreesOfFreedom, reversed.LogRank!.DegreesOfFreedom);
                Assert.InRange(reversed.LogRank.ChiSquare, test.ChiSquare - 1e-9 * (1 + test.ChiSquare),
                    test.ChiSquare + 1e-9 * (1 + test.ChiSquare));
            }
            Assert.Equal(forward.Curves.Select(c => c.Table), reversed.Curves.Reverse().Select(c => c.Table));
        });

    private static SurvivalSample Build((int Arm, int Time, bool Event)[] subjects, string[] names)
    {
        var sample = new SurvivalSample();
        foreach (var (arm, time, isEvent) in subjects) sample.Add(names[arm], time, isEvent);
        return sample;
    }
}
