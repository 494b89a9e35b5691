namespace RpsServerless.Core.Statistics;

/// <summary>
/// The log-rank test of equal survival across k ≥ 2 groups, equal to R's <c>survdiff(Surv(time, status) ~ group)</c>
/// (rho = 0): χ² = (O − E)ᵀ V⁻¹ (O − E) over the groups with expected events but one, on that many degrees of freedom.
/// </summary>
public sealed record LogRankTest(double ChiSquare, int DegreesOfFreedom, double P)
{
    /// <summary>
    /// Observed and expected events and their covariance, summed over the distinct event times of the pooled sample.
    /// </summary>
    internal sealed class Accumulator(int groups)
    {
        private readonly double[] _observed = new double[groups];
        private readonly double[] _expected = new double[groups];
        private readonly double[,] _variance = new double[groups, groups];

        /// <param name="atRisk">Per group, subjects at risk just before the time.</param>
        /// <param name="events">Per group, events at the time.</param>
        public void AddEventTime(ReadOnlySpan<int> atRisk, ReadOnlySpan<int> events, int totalAtRisk, int totalEvents)
        {
            double n = totalAtRisk, d = totalEvents;
            // Hypergeometric covariance of the events split; a time where one subject is at risk adds none.
            var spread = totalAtRisk > 1 ? d * (n - d) / (n * n * (n - 1)) : 0.0;
            for (var g = 0; g < _observed.Length; g++)
            {
                _observed[g] += events[g];
                if (atRisk[g] == 0) continue;
                _expected[g] += d * atRisk[g] / n;
                if (spread == 0) continue;
                for (var h = 0; h < _observed.Length; h++)
                    _variance[g, h] += spread * atRisk[g] * ((g == h ? n : 0) - atRisk[h]);
            }
        }

        /// <summary>
        /// The test, or null where it does not exist: fewer than two groups with expected events (survdiff drops groups
        /// with none), or a singular covariance, on which R's <c>solve</c> stops.
        /// </summary>
        public LogRankTest? Complete()
        {
            var tested = Enumerable.Range(0, _expected.Length).Where(g => _expected[g] > 0).ToArray();
            if (tested.Length < 2) return null;

            // One group is redundant (the O − E sum to zero); like survdiff, leave out the first.
            var size = tested.Length - 1;
            var matrix = new double[size, size];
            var difference = new double[size];
            for (var i = 0; i < size; i++)
            {
                difference[i] = _observed[tested[i + 1]] - _expected[tested[i + 1]];
                for (var j = 0; j < size; j++) matrix[i, j] = _variance[tested[i + 1], tested[j + 1]];
            }

            var solution = Solve(matrix, (double[])difference.Clone());
            if (solution is null) return null;
            var chiSquare = 0.0;
            for (var i = 0; i < size; i++) chiSquare += solution[i] * difference[i];
            return new LogRankTest(chiSquare, size, ChiSquareDistribution.UpperTail(chiSquare, size));
        }

        // Gaussian elimination with partial pivoting, as LAPACK's dgesv behind R's solve(); null on an exactly zero pivot.
        private static double[]? Solve(double[,] a, double[] b)
        {
            var n = b.Length;
            for (var column = 0; column < n; column++)
            {
                var pivot = column;
                for (var row = column + 1; row < n; row++)
                    if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column])) pivot = row;
                if (a[pivot, column] == 0) return null;
                if (pivot != column)
                {
                    for (var k = 0; k < n; k++) (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k]);
                    (b[column], b[pivot]) = (b[pivot], b[column]);
                }
                for (var row = column + 1; row < n; row++)
                {
                    var factor = a[row, column] / a[column, column];
                    if (factor == 0) continue;
                    for (var k = column; k < n; k++) a[row, k] -= factor * a[column, k];
                    b[row] -= factor * b[column];
                }
            }
            var x = new double[n];
            for (var row = n - 1; row >= 0; row--)
            {
                var sum = b[row];
                for (var k = row + 1; k < n; k++) sum -= a[row, k] * x[k];
                x[row] = sum / a[row, row];
            }
            return x;
        }
    }
}
