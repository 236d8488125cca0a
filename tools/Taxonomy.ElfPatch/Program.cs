using Taxonomy.ElfPatch;

// taxonomy-elf-patch VERSION [--package-cache DIR] FILE...: marks VERSION weak in each FILE's version needs.
// Messages are in MSBuild's canonical form, so that the build reports warnings and errors as its own.
const string Usage = "usage: Taxonomy.ElfPatch VERSION [--package-cache DIR] FILE...";
if (args.Length < 1)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
var version = args[0];
var rest = args.Skip(1).ToList();
string? packageCache = null;
if (rest.Count >= 2 && rest[0] == "--package-cache")
{
    packageCache = rest[1];
    rest = rest.Skip(2).ToList();
}

var patch = new WeakVersionPatch(version, packageCache, WeakVersionPatch.SystemLibStdCxxProvides);
var failed = false;
foreach (var file in rest.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Where(File.Exists))
{
    try
    {
        switch (patch.Apply(file))
        {
            case PatchOutcome.Marked:
                Console.WriteLine($"Taxonomy: marked {version} weak in {file}");
                break;
            case PatchOutcome.RefusedInPackageCache:
                Console.WriteLine($"{file} : warning TAXELF1 : Taxonomy: refusing to patch {file}: it is inside the NuGet package cache.");
                break;
        }
    }
    catch (ElfFormatException e)
    {
        Console.WriteLine($"{file} : error TAXELF2 : Taxonomy: cannot mark {version} weak in {file}: malformed or unsupported ELF " +
                          $"({e.Message}). TorchSharp will not load from this folder.");
        failed = true;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.WriteLine($"{file} : error TAXELF3 : Taxonomy: cannot mark {version} weak in {file}: {e.Message}");
        failed = true;
    }
}
return failed ? 1 : 0;
