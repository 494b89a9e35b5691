namespace RpsServerless.Core.Statistics;

/// <summary>The χ² distribution, for the p-values of <see cref="LogRankTest"/>.</summary>
public static class ChiSquareDistribution
{
    /// <summary>P(X ≥ <paramref name="chiSquare"/>) for X ~ χ² with <paramref name="degreesOfFreedom"/>, as R's
    /// <c>pchisq(x, df, lower.tail = FALSE)</c>.</summary>
    public static double UpperTail(double chiSquare, int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        if (double.IsNaN(chiSquare)) return double.NaN;
        if (chiSquare <= 0) return 1.0;
        return IncompleteGamma.RegularizedUpper(degreesOfFreedom / 2.0, chiSquare / 2.0);
    }
}

/// <summary>The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).</summary>
internal static class IncompleteGamma
{
    private const int MaxIterations = 10_000;
    private static readonly double Epsilon = Math.BitIncrement(1.0) - 1.0;
    private static readonly double Tiny = double.Epsilon / Epsilon;

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a), for a &gt; 0, x ≥ 0.</summary>
    public static double RegularizedUpper(double a, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (x == 0) return 1.0;
        if (double.IsPositiveInfinity(x)) return 0.0;
        // The series converges fast below a + 1 and the continued fraction above; each side keeps relative accuracy
        // where its value is small, so tiny p-values are not lost to cancellation.
        return x < a + 1 ? 1.0 - LowerSeries(a, x) : UpperContinuedFraction(a, x);
    }

    /// <summary>P(a, x) = γ(a, x) / Γ(a), for a &gt; 0, x ≥ 0.</summary>
    public static double RegularizedLower(double a, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        if (x == 0) return 0.0;
        if (double.IsPositiveInfinity(x)) return 1.0;
        return x < a + 1 ? LowerSeries(a, x) : 1.0 - UpperContinuedFraction(a, x);
    }

    // log of x^a e^-x / Γ(a), the common factor of both expansions.
    private static double LogPrefactor(double a, double x) => a * Math.Log(x) - x - LogGamma(a);

    // P(a, x) = x^a e^-x / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    private static double LowerSeries(double a, double x)
    {
        double term = 1.0 / a, sum = term, denominator = a;
        for (var n = 0; n < MaxIterations; n++)
        {
            denominator += 1;
            term *= x / denominator;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * Epsilon) break;
        }
        return sum * Math.Exp(LogPrefactor(a, x));
    }

    // Q(a, x) by the Legendre continued fraction, evaluated with the modified Lentz method.
    private static double UpperContinuedFraction(double a, double x)
    {
        var b = x + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i <= MaxIterations; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon) break;
        }
        return Math.Exp(LogPrefactor(a, x)) * h;
    }

    /// <summary>ln Γ(a) for a &gt; 0: the Lanczos approximation (g = 607/128, 15 terms), accurate to about 1e-15.</summary>
    public static double LogGamma(double a)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        if (a < 0.5)
            // Reflection keeps the approximation in its accurate range: Γ(a) Γ(1 − a) = π / sin(π a).
            return Math.Log(Math.PI / Math.Sin(Math.PI * a)) - LogGamma(1 - a);
        const double g = 607.0 / 128.0;
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
            -0.49191381609762019978, .33994649984811888699e-4, .46523628927048575665e-4, -.98374475304879564677e-4,
            .15808870322491248884e-3, -.21026444172410488319e-3, .21743961811521264320e-3, -.16431810653676389022e-3,
            .84418223983852743293e-4, -.26190838401581408670e-4, .36899182659531622704e-5,
        ];
        var z = a - 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++) sum += coefficients[i] / (z + i);
        var t = z + g + 0.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
