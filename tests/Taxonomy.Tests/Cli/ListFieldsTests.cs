using DescriptionAttribute = System.ComponentModel.DescriptionAttribute;
using System.Reflection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Cli;

/// <summary>`taxonomy list` documents the manifest's fields that are not blocks, not only the block catalogue.</summary>
[TestFixture]
[NonParallelizable] // CliRunner redirects the console
public sealed class ListFieldsTests
{
    private static string[] ListLines()
    {
        var (code, output, error) = CliRunner.Run("list");
        Assert.That(code, Is.EqualTo(0), error);
        return output.Split('\n');
    }

    /// <summary>The line documenting <paramref name="path"/>: "  path = default  type. meaning" or "  path  ...".</summary>
    private static string LineOf(string[] lines, string path) =>
        lines.FirstOrDefault(l => l.StartsWith($"  {path} ", StringComparison.Ordinal))
        ?? throw new AssertionException($"`taxonomy list` does not document the manifest field '{path}'.");

    /// <summary>Every settings path, walked here from RunSettings itself, so a new property fails until list shows it.</summary>
    private static IEnumerable<(string Path, PropertyInfo Property)> SettingsPaths(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var path = prefix + OptionsBinder.CamelCase(property.Name);
            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                yield return (path, property);
                var entries = SettingsPaths(propertyType.GetGenericArguments()[1], $"{path}.{SettingsFields.KeyPlaceholder(OptionsBinder.CamelCase(property.Name))}.");
                foreach (var entry in entries)
                {
                    yield return entry;
                }
            }
            else if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsGenericType)
            {
                foreach (var entry in SettingsPaths(propertyType, path + "."))
                {
                    yield return entry;
                }
            }
            else
            {
                yield return (path, property);
            }
        }
    }

    [Test]
    public void List_documents_every_settings_field_with_its_description()
    {
        var lines = ListLines();
        var paths = SettingsPaths(typeof(RunSettings), "").ToList();

        Assert.That(paths.Select(p => p.Path), Does.Contain("optimizer.phases.<phase>.learningRate").And.Contain("data.labels"));
        foreach (var (path, property) in paths)
        {
            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
            Assert.That(description, Is.Not.Null.And.Not.Empty, $"{path} has no [Description] for `taxonomy list` and the schema");
            Assert.That(LineOf(lines, path), Does.EndWith(description!), path);
        }
    }

    [Test]
    public void List_documents_the_top_level_fields_that_are_not_settings()
    {
        var lines = ListLines();

        foreach (var field in new[] { "$schema", "extends" }.Concat(BlockRoles.All.Select(BlockRoles.Field)))
        {
            Assert.That(LineOf(lines, field), Has.Length.GreaterThan(field.Length + 20), field);
        }
        Assert.That(LineOf(lines, "preprocessor"), Does.Contain("a list of blocks"));
    }

    [Test]
    public void A_settings_field_shows_its_default_type_and_range()
    {
        var lines = ListLines();

        Assert.That(LineOf(lines, "optimizer.batchSize"), Does.StartWith("  optimizer.batchSize = 256  integer in [1, "));
        Assert.That(LineOf(lines, "optimizer.type"), Does.StartWith("  optimizer.type = adam  adam | sgd | rmsprop."));
        Assert.That(LineOf(lines, "data.labels"), Does.StartWith("  data.labels = null  boolean. "));
        Assert.That(LineOf(lines, "clusters"), Does.StartWith("  clusters = null  integer in [2, "));
    }

    [Test]
    public void A_phase_setting_defaults_to_the_optimizer_setting_it_overrides()
    {
        var lines = ListLines();

        Assert.That(LineOf(lines, "optimizer.phases.<phase>.learningRate"),
            Does.StartWith("  optimizer.phases.<phase>.learningRate = optimizer.learningRate  number"));
    }

    [Test]
    public void The_fields_come_before_the_block_catalogue()
    {
        var lines = ListLines().ToList();

        Assert.That(lines.FindIndex(l => l.StartsWith("  log.metricsEvery ", StringComparison.Ordinal)),
            Is.LessThan(lines.IndexOf("preprocessor: preprocessing")));
    }
}
