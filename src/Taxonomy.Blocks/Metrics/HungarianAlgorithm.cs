namespace Taxonomy.Blocks.Metrics;

/// <summary>
/// Minimum-cost assignment (Kuhn–Munkres with row and column potentials, O(rows² · columns)).
/// Clustering accuracy uses it to find the best one-to-one mapping of clusters to labels.
/// </summary>
public static class HungarianAlgorithm
{
    /// <summary>
    /// Assigns each row a distinct column so that the summed cost is minimal.
    /// Rectangular matrices are fine: with more rows than columns, the rows left over get -1.
    /// </summary>
    /// <returns>For each row, its column, or -1 if it was left unassigned.</returns>
    public static int[] Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        foreach (var value in cost)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"Costs must be finite, but the matrix contains {value}.", nameof(cost));
            }
        }

        // The potentials method needs rows <= columns; a tall matrix is solved as its transpose.
        if (rows <= columns)
        {
            return SolveWide(rows, columns, (r, c) => cost[r, c]);
        }

        var columnToRow = SolveWide(columns, rows, (r, c) => cost[c, r]);
        var assignment = Enumerable.Repeat(-1, rows).ToArray();
        for (var column = 0; column < columns; column++)
        {
            assignment[columnToRow[column]] = column;
        }
        return assignment;
    }

    /// <summary>Total cost of an assignment returned by <see cref="Solve"/>; unassigned rows cost nothing.</summary>
    public static double TotalCost(double[,] cost, int[] assignment)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(assignment);
        var total = 0.0;
        for (var row = 0; row < assignment.Length; row++)
        {
            if (assignment[row] >= 0)
            {
                total += cost[row, assignment[row]];
            }
        }
        return total;
    }

    // Arrays are 1-based; index 0 is a virtual column used as the root of each augmenting search.
    private static int[] SolveWide(int rows, int columns, Func<int, int, double> cost)
    {
        var rowPotential = new double[rows + 1];
        var columnPotential = new double[columns + 1];
        var rowOfColumn = new int[columns + 1];   // 0 = column free
        var previousColumn = new int[columns + 1];

        for (var row = 1; row <= rows; row++)
        {
            // Grow a tree of tight edges from `row` until it reaches a free column (Dijkstra on reduced costs).
            rowOfColumn[0] = row;
            var column = 0;
            var minSlack = Enumerable.Repeat(double.PositiveInfinity, columns + 1).ToArray();
            var inTree = new bool[columns + 1];
            do
            {
                inTree[column] = true;
                var treeRow = rowOfColumn[column];
                var delta = double.PositiveInfinity;
                var nextColumn = 0;
                for (var j = 1; j <= columns; j++)
                {
                    if (inTree[j])
                    {
                        continue;
                    }
                    var reduced = cost(treeRow - 1, j - 1) - rowPotential[treeRow] - columnPotential[j];
                    if (reduced < minSlack[j])
                    {
                        minSlack[j] = reduced;
                        previousColumn[j] = column;
                    }
                    if (minSlack[j] < delta)
                    {
                        delta = minSlack[j];
                        nextColumn = j;
                    }
                }
                for (var j = 0; j <= columns; j++)
                {
                    if (inTree[j])
                    {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    }
                    else
                    {
                        minSlack[j] -= delta;
                    }
                }
                column = nextColumn;
            }
            while (rowOfColumn[column] != 0);

            // Flip the augmenting path back to the root.
            do
            {
                var previous = previousColumn[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            }
            while (column != 0);
        }

        var assignment = new int[rows];
        for (var j = 1; j <= columns; j++)
        {
            if (rowOfColumn[j] != 0)
            {
                assignment[rowOfColumn[j] - 1] = j - 1;
            }
        }
        return assignment;
    }
}
