namespace Taxonomy.Host.Training;

/// <summary>Training cannot go on (e.g. a loss became NaN); the message says where and what to try.</summary>
public sealed class TrainingException(string message) : Exception(message);
