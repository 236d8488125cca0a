using System.Security.Cryptography;
using Taxonomy.Host.Output;
using static Taxonomy.Tests.Hostile.CliCases;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// --out is checked before any data is read, and a run is a transaction: the previous complete run stays as it was
/// until the new one is complete, and nothing the user had in the folder is lost.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RunFolderTests
{
    private const string NoData = "/no/such/data.csv";
    private static readonly string[] s_outputs = ["result.json", "assignments.csv", "branch.pt", "branch.pt.json", "model"];
    private CliCases _cases = null!;

    [SetUp]
    public void CreateFolder() => _cases = new CliCases();

    [TearDown]
    public void DeleteFolder() => _cases.Dispose();

    private string Out => _cases.PathOf("out");

    /// <summary>A run into <paramref name="outPath"/> whose data does not exist: it fails unless --out fails first.</summary>
    private string FailingRun(string outPath) => OneErrorLine(RunTaxonomy("run", _cases.Manifest(), "--set", $"data={NoData}", "--out", outPath));

    private void CompleteRun(params string[] more)
    {
        var (code, _, error) = RunTaxonomy(["run", _cases.Manifest(), "--out", Out, .. more]);
        Assert.That(code, Is.EqualTo(0), error);
    }

    /// <summary>Every file of the run folder, model/ included, by relative path.</summary>
    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetRelativePath(folder, file), file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))));

    private string[] Siblings() => Directory.GetFileSystemEntries(_cases.Folder, ".out.*").Select(Path.GetFileName).ToArray()!;

    [Test]
    public void An_out_that_is_a_file_is_refused_before_any_data_is_read()
    {
        File.WriteAllText(Out, "mine");
        Assert.That(FailingRun(Out), Is.EqualTo($"error: --out '{Out}' is a file, not a folder."));
        Assert.That(File.ReadAllText(Out), Is.EqualTo("mine"));
    }

    [Test]
    public void An_out_below_a_file_is_refused_naming_the_file()
    {
        File.WriteAllText(Out, "mine");
        var below = Path.Combine(Out, "run");
        Assert.That(FailingRun(below), Is.EqualTo($"error: --out '{below}': '{Out}' is a file, not a folder."));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void An_empty_out_is_refused(string empty)
    {
        Assert.That(FailingRun(empty), Is.EqualTo("error: --out: the path is empty; give a folder, e.g. --out runs/mine."));
    }

    [Test]
    public void An_out_in_a_folder_nobody_can_write_is_refused_naming_the_folder()
    {
        // /proc refuses new files even to root, for whom permission bits would not.
        Assert.That(FailingRun("/proc/taxonomy-run"), Does.StartWith("error: --out '/proc/taxonomy-run': cannot write in '/proc': "));
    }

    [Test]
    public void An_out_name_longer_than_the_file_system_allows_is_refused()
    {
        var name = new string('n', 300);
        Assert.That(FailingRun(_cases.PathOf(name)), Does.StartWith("error: --out '").And.EndWith("is longer than 255 bytes."));
    }

    [Test]
    public void An_out_name_with_no_room_for_the_temporary_folder_s_suffix_is_refused()
    {
        Assert.That(FailingRun(_cases.PathOf(new string('n', 240))),
            Does.EndWith(": the folder name is 240 bytes long; at most 223 are possible (its temporary folder adds a suffix)."));
    }

    [Test]
    public void An_out_path_longer_than_the_file_system_allows_is_refused()
    {
        var deep = _cases.PathOf(Enumerable.Repeat(new string('d', 200), 21).ToArray());
        Assert.That(FailingRun(deep), Does.Match(@"^error: --out '.*': the path is \d+ bytes long; at most 4063 are possible\.$"));
        Assert.That(Directory.EnumerateFileSystemEntries(_cases.Folder).Where(e => !e.EndsWith(".json")), Is.Empty);
    }

    [Test]
    public void A_failed_run_leaves_the_previous_complete_run_untouched_and_nothing_of_its_own()
    {
        CompleteRun();
        var before = Hashes(Out);

        Assert.That(FailingRun(Out), Does.Contain(NoData));

        Assert.That(Hashes(Out), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(Out).Select(Path.GetFileName), Is.EquivalentTo(s_outputs));
        Assert.That(Siblings(), Is.Empty, "no temporary folder or lock is left");
    }

    [Test]
    public void A_failed_run_into_a_new_folder_creates_nothing()
    {
        var nested = _cases.PathOf("a", "b", "out");
        FailingRun(nested);
        Assert.That(Directory.Exists(_cases.PathOf("a")), Is.False);
    }

    [Test]
    public void A_complete_run_replaces_the_previous_one_and_leaves_nothing_beside_it()
    {
        CompleteRun("--seed", "1");
        CompleteRun("--seed", "2");
        Assert.That(File.ReadAllText(Path.Combine(Out, "result.json")), Does.Contain("\"seed\": 2"));
        Assert.That(Directory.GetFileSystemEntries(Out).Select(Path.GetFileName), Is.EquivalentTo(s_outputs));
        Assert.That(Siblings(), Is.Empty);
    }

    [Test]
    public void An_out_holding_files_that_are_not_a_run_s_is_refused_and_they_are_kept()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "notes.txt"), "mine");
        Assert.That(FailingRun(Out), Is.EqualTo(
            $"error: --out '{Out}' holds 'notes.txt', which is not a run's output; a run replaces the whole folder, " +
            "so choose an empty or new folder, or move it out."));
        Assert.That(File.ReadAllText(Path.Combine(Out, "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void An_out_held_by_a_live_run_is_refused_naming_its_pid()
    {
        using (RunFolder.Open(Out, TextWriter.Null))
        {
            Assert.That(FailingRun(Out), Does.StartWith(
                $"error: --out '{Out}' is in use by another run (pid {Environment.ProcessId}, started ").And.EndWith(
                " UTC); wait for it to end or choose another --out."));
        }
        CompleteRun();
    }

    [Test]
    public void A_lock_left_by_a_killed_run_is_taken_over()
    {
        File.WriteAllText(_cases.PathOf(".out.lock"), "pid 4194000 started 2026-01-01T00:00:00Z\n");
        var (code, output, error) = RunTaxonomy("run", _cases.Manifest(), "--out", Out);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain(
            $"--out '{Out}': took over the lock left by a run that is no longer running (pid 4194000 started 2026-01-01T00:00:00Z)."));
        Assert.That(Siblings(), Is.Empty);
    }

    [Test]
    public void The_temporary_folder_of_a_killed_run_is_removed_by_the_next_run()
    {
        var left = _cases.PathOf(".out.partial-4194000-0badf00d");
        Directory.CreateDirectory(left);
        File.WriteAllText(Path.Combine(left, "branch.pt"), "half");
        FailingRun(Out);
        Assert.That(Directory.Exists(left), Is.False);
    }

    [Test]
    public void A_previous_run_moved_aside_by_a_swap_that_was_killed_is_put_back()
    {
        CompleteRun();
        var before = Hashes(Out);
        Directory.Move(Out, _cases.PathOf(".out.previous-4194000-0badf00d"));

        FailingRun(Out);

        Assert.That(Hashes(Out), Is.EqualTo(before));
        Assert.That(Siblings(), Is.Empty);
    }

    [Test]
    public void An_out_that_is_a_link_replaces_the_folder_it_points_to_and_keeps_the_link()
    {
        var real = _cases.PathOf("real");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Out, real);
        CompleteRun();
        Assert.That(new DirectoryInfo(Out).LinkTarget, Is.EqualTo(real));
        Assert.That(File.Exists(Path.Combine(real, "result.json")), Is.True);
    }

    [Test]
    public void Table1_checks_its_out_before_running_any_row()
    {
        File.WriteAllText(Out, "mine");
        var rows = _cases.PathOf("rows");
        Directory.CreateDirectory(rows);
        File.Copy(_cases.Manifest(), Path.Combine(rows, "row.json"));
        Assert.That(OneErrorLine(RunTaxonomy("table1", "--rows", rows, "--out", Out)), Is.EqualTo($"error: --out '{Out}' is a file, not a folder."));
    }
}
