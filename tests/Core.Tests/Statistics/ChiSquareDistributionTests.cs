using RpsServerless.Core.Statistics;

namespace RpsServerless.Core.Tests.Statistics;

public class ChiSquareDistributionTests
{
    // R 4.2.2: sprintf("%.17g", pchisq(x, df, lower.tail = FALSE))
    [Theory]
    [InlineData(1, 1e-10, 0.99999202115439212)]
    [InlineData(1, 0.5, 0.47950012218695348)]
    [InlineData(1, 1, 0.31731050786291415)]
    [InlineData(1, 3.84, 0.050043521248705224)]
    [InlineData(1, 10, 0.0015654022580025519)]
    [InlineData(1, 50, 1.5374597944280343e-12)]
    [InlineData(1, 200, 2.0884875837625449e-45)]
    [InlineData(1, 1000, 1.7958327848007259e-219)]
    [InlineData(2, 0.5, 0.77880078307140488)]
    [InlineData(2, 3.84, 0.14660696213035015)]
    [InlineData(2, 50, 1.3887943864964021e-11)]
    [InlineData(3, 1, 0.80125195690120077)]
    [InlineData(3, 10, 0.018566135463043233)]
    [InlineData(3, 1000, 1.7994208765314476e-216)]
    [InlineData(7, 0.5, 0.99944648139042513)]
    [InlineData(7, 10, 0.18857346751345011)]
    [InlineData(7, 200, 1.1477812240142596e-39)]
    public void UpperTail_EqualsPchisqToTwelveDigits(int df, double chiSquare, double expected)
    {
        var p = ChiSquareDistribution.UpperTail(chiSquare, df);
        Assert.InRange(p, expected * (1 - 1e-12), expected * (1 + 1e-12));
    }

    [Fact]
    public void UpperTailAtZero_IsOne() => Assert.Equal(1.0, ChiSquareDistribution.UpperTail(0, 1));

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.5)]
    [InlineData(17.2)]
    public void LowerAndUpperRegularizedGamma_SumToOne(double x)
    {
        foreach (var a in new[] { 0.5, 1.0, 1.5, 4.0, 12.5 })
            Assert.InRange(IncompleteGamma.RegularizedLower(a, x) + IncompleteGamma.RegularizedUpper(a, x), 1 - 1e-14, 1 + 1e-14);
    }

    [Fact]
    public void OneDegreeOfFreedom_IsTheSquareOfANormal()
    {
        // P(χ²₁ ≥ z²) = 2 (1 − Φ(z)); at z = qnorm(0.975) that is 0.05.
        var z = KaplanMeierCurve.ConfidenceZ;
        Assert.InRange(ChiSquareDistribution.UpperTail(z * z, 1), 0.05 - 1e-14, 0.05 + 1e-14);
    }
}
