using System.Text.Json.Nodes;
using Taxonomy.Host.Plots;

namespace Taxonomy.Tests.Plots;

/// <summary>The pieces of the pictures on hand-made input.</summary>
[TestFixture]
public sealed class PlotPartsTests
{
    [Test]
    public void The_confusion_matrix_puts_each_labels_matched_cluster_on_the_diagonal()
    {
        // Label 0 → cluster 5, label 1 → cluster 7 (one of two), label 2 → cluster 3; cluster 9 is left over.
        int[] labels = [0, 0, 1, 1, 2, 2, 2];
        int[] clusters = [5, 5, 7, 3, 3, 3, 9];
        var matrix = ConfusionMatrix.Build(labels, clusters);
        Assert.That(matrix.Labels, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(matrix.Clusters, Is.EqualTo(new[] { 5, 7, 3, 9 }));
        Assert.That(matrix.Counts, Is.EqualTo(new[,] { { 2, 0, 0, 0 }, { 0, 1, 1, 0 }, { 0, 0, 2, 1 } }));
        Assert.That(matrix.Diagonal, Is.EqualTo(5));
    }

    [Test]
    public void Labels_left_without_a_cluster_come_after_the_matched_ones()
    {
        var matrix = ConfusionMatrix.Build([0, 1, 1, 2, 2, 2], [4, 4, 4, 8, 8, 8]);
        Assert.That(matrix.Labels, Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(matrix.Clusters, Is.EqualTo(new[] { 4, 8 }));
        Assert.That(matrix.Matched, Is.EqualTo(2));
        Assert.That(matrix.Diagonal, Is.EqualTo(5));
    }

    [TestCase(new long[] { 1, 28, 28 }, 28, 28)]
    [TestCase(new long[] { 64 }, 8, 8)]
    [TestCase(new long[] { 784 }, 28, 28)]
    [TestCase(new long[] { 12, 20 }, 12, 20)]
    public void Image_samples_are_recognised(long[] shape, int height, int width) =>
        Assert.That(ImageShape.Of(shape), Is.EqualTo(new ImageShape(height, width)));

    [TestCase(new long[] { 10 })]
    [TestCase(new long[] { 2 })]
    [TestCase(new long[] { 3, 32, 32 })]
    public void Other_samples_are_not_images(long[] shape) => Assert.That(ImageShape.Of(shape), Is.Null);

    [Test]
    public void Fashion_mnist_labels_have_their_class_names()
    {
        Assert.That(ClassNames.Of("fashion-mnist", 0), Is.EqualTo("T-shirt/top"));
        Assert.That(ClassNames.Of("fashion-mnist (test)", 9), Is.EqualTo("Ankle boot"));
        Assert.That(ClassNames.Of("digits", 9), Is.EqualTo("9"));
    }

    [Test]
    public void A_result_without_epoch_records_has_no_curves()
    {
        var old = new JsonObject { ["phases"] = new JsonArray(new JsonObject { ["name"] = "pretrain", ["epochsRun"] = 3 }) };
        Assert.That(TrainingCurvesPlot.Render(old, "t"), Is.Null);
    }
}
