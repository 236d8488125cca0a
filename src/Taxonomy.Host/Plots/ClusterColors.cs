using ScottPlot;

namespace Taxonomy.Host.Plots;

/// <summary>The colour of group i of k in every plot: Category10 up to 10 groups, Category20 up to 20, then hues.</summary>
public static class ClusterColors
{
    private static readonly IPalette s_ten = new ScottPlot.Palettes.Category10();
    private static readonly IPalette s_twenty = new ScottPlot.Palettes.Category20();

    public static Color Of(int index, int groups) => groups switch
    {
        <= 10 => s_ten.GetColor(index),
        <= 20 => s_twenty.GetColor(index),
        // Golden-angle hues keep neighbouring indices apart however many groups there are.
        _ => Color.FromHSL((float)(index * 0.381966 % 1.0), 0.65f, 0.5f),
    };
}
