namespace Taxonomy.Blocks.Projection;

/// <summary>
/// A point-region quadtree over a 2-D map (row-major [n, 2]), with each cell's point count and coordinate sums, for
/// Barnes–Hut summaries. Cells live in flat arrays; a cell's four children are consecutive. A leaf holds one point, or
/// several that coincide (or that share a cell too small to split), chained through <see cref="_nextInLeaf"/>.
/// </summary>
internal sealed class QuadTree
{
    private const int MaxDepth = 64;

    private readonly double[] _map;
    private readonly int[] _nextInLeaf;
    private double[] _centreX = new double[64], _centreY = new double[64], _half = new double[64];
    private double[] _sumX = new double[64], _sumY = new double[64];
    private int[] _count = new int[64], _firstChild = new int[64], _firstPoint = new int[64];
    private int _cells;

    public QuadTree(double[] map)
    {
        _map = map;
        var n = map.Length / 2;
        _nextInLeaf = new int[n];
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            (minX, maxX) = (Math.Min(minX, map[2 * i]), Math.Max(maxX, map[2 * i]));
            (minY, maxY) = (Math.Min(minY, map[2 * i + 1]), Math.Max(maxY, map[2 * i + 1]));
        }
        // A square root cell a little larger than the points, so none sits on its outer edge.
        var half = Math.Max(Math.Max(maxX - minX, maxY - minY) / 2, 1e-12) * (1 + 1e-6);
        AddCell((minX + maxX) / 2, (minY + maxY) / 2, half);
        for (var i = 0; i < n; i++)
        {
            Insert(i);
        }
    }

    public int Cells => _cells;

    public int Count(int cell) => _count[cell];

    /// <summary>The full side length of the cell.</summary>
    public double Width(int cell) => 2 * _half[cell];

    public double SumX(int cell) => _sumX[cell];

    public double SumY(int cell) => _sumY[cell];

    public bool IsLeaf(int cell) => _firstChild[cell] < 0;

    /// <summary>The first of the four children of an inner cell.</summary>
    public int FirstChild(int cell) => _firstChild[cell];

    /// <summary>Whether point <paramref name="point"/> is one of the leaf's points.</summary>
    public bool LeafHolds(int cell, int point)
    {
        for (var p = _firstPoint[cell]; p >= 0; p = _nextInLeaf[p])
        {
            if (p == point)
            {
                return true;
            }
        }
        return false;
    }

    private void Insert(int point)
    {
        double x = _map[2 * point], y = _map[2 * point + 1];
        var cell = 0;
        for (var depth = 0; ; depth++)
        {
            var occupied = _count[cell] > 0;
            _count[cell]++;
            _sumX[cell] += x;
            _sumY[cell] += y;
            if (!IsLeaf(cell))
            {
                cell = Child(cell, x, y);
                continue;
            }
            var first = _firstPoint[cell];
            if (!occupied || depth >= MaxDepth || (_map[2 * first] == x && _map[2 * first + 1] == y))
            {
                _nextInLeaf[point] = occupied ? first : -1;
                _firstPoint[cell] = point;
                return;
            }
            // Split: the leaf's points (they coincide) move to the child they fall in, then this point descends.
            Split(cell);
            var child = Child(cell, _map[2 * first], _map[2 * first + 1]);
            _count[child] = _count[cell] - 1;
            _sumX[child] = _sumX[cell] - x;
            _sumY[child] = _sumY[cell] - y;
            _firstPoint[child] = first;
            _firstPoint[cell] = -1;
            cell = Child(cell, x, y);
        }
    }

    private void Split(int cell)
    {
        var quarter = _half[cell] / 2;
        var first = _cells;
        for (var q = 0; q < 4; q++)
        {
            AddCell(_centreX[cell] + ((q & 1) == 0 ? -quarter : quarter), _centreY[cell] + ((q & 2) == 0 ? -quarter : quarter), quarter);
        }
        _firstChild[cell] = first;
    }

    private int Child(int cell, double x, double y) =>
        _firstChild[cell] + (x >= _centreX[cell] ? 1 : 0) + (y >= _centreY[cell] ? 2 : 0);

    private void AddCell(double centreX, double centreY, double half)
    {
        if (_cells == _count.Length)
        {
            var size = 2 * _cells;
            Array.Resize(ref _centreX, size);
            Array.Resize(ref _centreY, size);
            Array.Resize(ref _half, size);
            Array.Resize(ref _sumX, size);
            Array.Resize(ref _sumY, size);
            Array.Resize(ref _count, size);
            Array.Resize(ref _firstChild, size);
            Array.Resize(ref _firstPoint, size);
        }
        (_centreX[_cells], _centreY[_cells], _half[_cells]) = (centreX, centreY, half);
        (_sumX[_cells], _sumY[_cells], _count[_cells]) = (0, 0, 0);
        (_firstChild[_cells], _firstPoint[_cells]) = (-1, -1);
        _cells++;
    }
}
