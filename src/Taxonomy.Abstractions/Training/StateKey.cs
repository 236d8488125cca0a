using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// A named slot of the <see cref="ClusterState"/>. The block that owns a slot declares its key once (a static field);
/// blocks list the keys they write in <c>Provides</c> and the keys they read in <c>Requires</c>, and the host checks
/// before any data is read that every key read is written by some block. A persistent key is saved with a trained
/// model and restored when it is loaded, through its serialiser.
/// </summary>
public abstract class StateKey
{
    private protected StateKey(string name, bool persistent)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a state key needs a name", nameof(name));
        }
        Name = name;
        Persistent = persistent;
    }

    /// <summary>Kebab-case name, unique among the keys of one method, e.g. "centroids"; used in messages and model files.</summary>
    public string Name { get; }

    /// <summary>Whether a trained model saves this slot (what prediction needs), or it is training-only.</summary>
    public bool Persistent { get; }

    public abstract Type ValueType { get; }

    /// <summary>Writes a value of this key (persistent keys only).</summary>
    public abstract void Write(BinaryWriter writer, object value);

    /// <summary>Reads a value written by <see cref="Write"/>; throws <see cref="InvalidDataException"/> on bad bytes.</summary>
    public abstract object Read(BinaryReader reader);

    public override string ToString() => Name;
}

/// <summary>A state slot holding values of type <typeparamref name="T"/>.</summary>
public sealed class StateKey<T> : StateKey where T : class
{
    private readonly IStateSerializer<T>? _serializer;

    /// <summary>A training-only slot (not saved with a model).</summary>
    public StateKey(string name) : base(name, persistent: false)
    {
    }

    /// <summary>A persistent slot, saved with a trained model by <paramref name="serializer"/>.</summary>
    public StateKey(string name, IStateSerializer<T> serializer) : base(name, persistent: true) =>
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));

    public override Type ValueType => typeof(T);

    public override void Write(BinaryWriter writer, object value) =>
        (_serializer ?? throw new InvalidOperationException($"state key '{Name}' is not persistent")).Write(writer, (T)value);

    public override object Read(BinaryReader reader) =>
        (_serializer ?? throw new InvalidOperationException($"state key '{Name}' is not persistent")).Read(reader);
}

/// <summary>How a persistent state slot's value is written to and read from a model file.</summary>
public interface IStateSerializer<T>
{
    void Write(BinaryWriter writer, T value);

    T Read(BinaryReader reader);
}

/// <summary>Serialisers for the value types state slots usually hold.</summary>
public static class StateSerializers
{
    /// <summary>A CPU tensor of any shape (float32, float64, int32 or int64), see <see cref="TensorFormat"/>.</summary>
    public static IStateSerializer<torch.Tensor> Tensor { get; } = new TensorSerializer();

    /// <summary>An int array (e.g. labels), length first.</summary>
    public static IStateSerializer<int[]> Int32Array { get; } = new ArraySerializer<int>(sizeof(int), (w, v) => w.Write(v), r => r.ReadInt32());

    /// <summary>A double array (e.g. a few thresholds), length first.</summary>
    public static IStateSerializer<double[]> DoubleArray { get; } = new ArraySerializer<double>(sizeof(double), (w, v) => w.Write(v), r => r.ReadDouble());

    private sealed class TensorSerializer : IStateSerializer<torch.Tensor>
    {
        public void Write(BinaryWriter writer, torch.Tensor value) => TensorFormat.Write(writer, value);

        public torch.Tensor Read(BinaryReader reader) => TensorFormat.Read(reader);
    }

    /// <summary>An array written as its length, then each element with the writer's own little-endian encoding.</summary>
    private sealed class ArraySerializer<T>(int elementSize, Action<BinaryWriter, T> write, Func<BinaryReader, T> read)
        : IStateSerializer<T[]>
    {
        public void Write(BinaryWriter writer, T[] value)
        {
            writer.Write(value.Length);
            foreach (var v in value)
            {
                write(writer, v);
            }
        }

        public T[] Read(BinaryReader reader)
        {
            var values = new T[TensorFormat.ReadCount(reader, elementSize)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = read(reader);
            }
            return values;
        }
    }
}
