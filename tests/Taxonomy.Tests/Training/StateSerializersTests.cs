using Taxonomy.Abstractions.Training;
using TorchSharp;

namespace Taxonomy.Tests.Training;

/// <summary>The serialisers of persistent state slots: what they write reads back, and a damaged stream is refused.</summary>
[TestFixture]
public sealed class StateSerializersTests
{
    private static byte[] Written<T>(IStateSerializer<T> serializer, T value)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            serializer.Write(writer, value);
        }
        return stream.ToArray();
    }

    private static T Read<T>(IStateSerializer<T> serializer, byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return serializer.Read(reader);
    }

    [Test]
    public void Arrays_read_back_as_written_length_first()
    {
        int[] labels = [3, -1, int.MaxValue, 0];
        double[] thresholds = [0.95, double.Epsilon, -2.5];

        var intBytes = Written(StateSerializers.Int32Array, labels);
        Assert.That(intBytes, Has.Length.EqualTo(4 + 4 * 4));
        Assert.That(BitConverter.ToInt32(intBytes, 0), Is.EqualTo(4), "the length comes first");
        Assert.That(Read(StateSerializers.Int32Array, intBytes), Is.EqualTo(labels));
        Assert.That(Read(StateSerializers.DoubleArray, Written(StateSerializers.DoubleArray, thresholds)), Is.EqualTo(thresholds));
        Assert.That(Read(StateSerializers.Int32Array, Written(StateSerializers.Int32Array, Array.Empty<int>())), Is.Empty);
    }

    [Test]
    public void A_truncated_array_is_refused_with_the_counts()
    {
        var bytes = Written(StateSerializers.DoubleArray, [1.0, 2.0, 3.0]);
        Assert.That(() => Read(StateSerializers.DoubleArray, bytes[..^8]),
            Throws.InstanceOf<InvalidDataException>().With.Message.EqualTo("a count of 3 elements, but only 16 bytes are left"));
    }

    [Test]
    public void A_tensor_reads_back_with_its_shape_and_values()
    {
        using var tensor = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var read = Read(StateSerializers.Tensor, Written(StateSerializers.Tensor, tensor));
        Assert.That(read.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(read.data<float>().ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
    }
}
