using Taxonomy.Blocks.Augmentation;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Augmentation;

[TestFixture]
public sealed class ImageTransformTests
{
    private static readonly float[] s_image3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    private static Tensor Apply(float[] image, int side, double angleDegrees, double scale = 1, double shiftX = 0, double shiftY = 0)
    {
        var images = tensor(image).reshape(1, 1, side, side);
        return ImageTransform.Transform(images, tensor(new[] { angleDegrees * Math.PI / 180 }), tensor(new[] { scale }),
            tensor(new[,] { { shiftX, shiftY } })).reshape(-1);
    }

    private static FakeRunContext Run(Tensor features) => new(features, clusters: 2)
    {
        DataSet = new Taxonomy.Abstractions.Data.Dataset("images", features.clone(), null, "test"),
    };

    [Test]
    public void No_rotation_shift_or_zoom_returns_the_image()
    {
        using var scope = NewDisposeScope();
        Assert.That(Apply(s_image3, 3, 0).data<float>().ToArray(), Is.EqualTo(s_image3).Within(1e-5));
    }

    [Test]
    public void A_quarter_turn_turns_the_pixel_grid_clockwise_as_displayed()
    {
        // With rows running downwards, a positive angle turns the picture clockwise: the left column becomes the top row.
        using var scope = NewDisposeScope();
        Assert.That(Apply(s_image3, 3, 90).data<float>().ToArray(), Is.EqualTo(new float[] { 7, 4, 1, 8, 5, 2, 9, 6, 3 }).Within(1e-5));
    }

    [Test]
    public void A_shift_of_a_quarter_moves_a_4_pixel_image_by_one_pixel_filling_with_zeros()
    {
        using var scope = NewDisposeScope();
        var image = Enumerable.Range(1, 16).Select(i => (float)i).ToArray();
        var right = Apply(image, 4, 0, shiftX: 0.25).data<float>().ToArray();
        Assert.That(right, Is.EqualTo(new float[] { 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15 }).Within(1e-5));
        var down = Apply(image, 4, 0, shiftY: 0.25).data<float>().ToArray();
        Assert.That(down, Is.EqualTo(new float[] { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }).Within(1e-5));
    }

    [Test]
    public void Zooming_in_by_two_shows_the_centre_enlarged()
    {
        // The centre 2×2 of a 4×4 image fills the picture; bilinear sampling interpolates between its pixels.
        using var scope = NewDisposeScope();
        var image = new float[] { 0, 0, 0, 0, 0, 4, 4, 0, 0, 4, 4, 0, 0, 0, 0, 0 };
        var zoomed = Apply(image, 4, 0, scale: 2).data<float>().ToArray();
        Assert.That(zoomed[5], Is.EqualTo(4).Within(1e-5));
        Assert.That(zoomed[0], Is.EqualTo(2.25).Within(1e-5), "a corner samples pixel position (0.75, 0.75): 0.75² × 4");
    }

    [Test]
    public void Random_transforms_of_flat_samples_keep_the_shape_stay_within_range_and_follow_the_seed()
    {
        using var scope = NewDisposeScope();
        var points = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 64).Select(j => (float)((i + j) % 7)).ToArray()).ToArray();
        Tensor Draw()
        {
            using var run = Run(tensor(points.SelectMany(p => p).ToArray(), [4, 64]));
            var step = run.Step(run.Data.Features, 0, 1, 2, 3);
            return new ImageTransform(new ImageTransformOptions { Rotation = 15, Shift = 0.1, Zoom = 0.1 })
                .Apply(step, zeros(4, 2)).MoveToOuterDisposeScope();
        }
        var first = Draw();
        Assert.That(first.shape, Is.EqualTo(new long[] { 4, 64 }));
        Assert.That(first.allclose(Draw()), Is.True, "the same seed draws the same transforms");
        Assert.That(first.allclose(tensor(points.SelectMany(p => p).ToArray(), [4, 64])), Is.False);
        Assert.That(first.max().item<float>(), Is.LessThanOrEqualTo(6.0001f), "bilinear sampling stays within the pixel range");
    }

    [Test]
    public void Flat_samples_that_are_not_square_images_need_an_image_shape()
    {
        using var scope = NewDisposeScope();
        using var run = Run(rand(2, 10));
        var step = run.Step(run.Data.Features, 0, 1);
        var error = Assert.Throws<ArgumentException>(() => new ImageTransform(new ImageTransformOptions()).Apply(step, zeros(2, 2)));
        Assert.That(error!.Message, Does.Contain("are not images").And.Contain("transform.imageShape"));
        var wrong = new ImageTransformOptions { ImageShape = [1, 3, 3] };
        error = Assert.Throws<ArgumentException>(() => new ImageTransform(wrong).Apply(step, zeros(2, 2)));
        Assert.That(error!.Message, Does.Contain("holds 9 values but each sample has 10"));
        Assert.That(new ImageTransformOptions { ImageShape = [2, 5] }.Validate().Single().Option, Is.EqualTo("imageShape"));
        Assert.That(new ImageTransform(new ImageTransformOptions { ImageShape = [1, 2, 5] }).Apply(step, zeros(2, 2)).shape,
            Is.EqualTo(new long[] { 2, 10 }));
    }
}
