using System.Text.Json.Nodes;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Tests.Sweeps;

[TestFixture]
public sealed class LocalBackendTests
{
    [Test]
    public void A_run_with_a_complete_result_is_skipped_and_an_incomplete_one_runs_again()
    {
        using var files = new SweepFiles();
        var plan = files.Plan(files.Grid(new JsonObject
        {
            ["seeds"] = new JsonArray(1), ["epochs"] = 1,
            ["set"] = new JsonObject { ["optimizer.learningRate"] = new JsonArray(0.01, 0.02) },
        }));
        plan.Save();
        files.Result(plan, 0, acc: 0.25, nmi: 0.5, ari: 0.125, seconds: 1);
        var incomplete = plan.RunFolder(plan.Runs[1].Run);
        Directory.CreateDirectory(incomplete);
        File.WriteAllText(Path.Combine(incomplete, "result.json"), "{\"method\": ");   // cut off mid-write by an older taxonomy
        var log = new StringWriter();

        var summary = new LocalBackend(plan, jobs: 1, log).Run();

        Assert.That(summary, Is.EqualTo(summary with { Runs = 2, Skipped = 1, Succeeded = 1, Failed = 0 }), log.ToString());
        Assert.That(log.ToString(), Does.Contain("1 of 2 runs already complete, skipped")
            .And.Contain($"[1/1] {plan.Runs[1].Run.Id}  ").And.Contain("ACC "));
        Assert.That(plan.Outcome(plan.Runs[0].Run).Result!["metrics"]!["acc"]!.GetValue<double>(), Is.EqualTo(0.25), "the complete run was left alone");
        Assert.That(plan.Outcome(plan.Runs[1].Run).State, Is.EqualTo(RunState.Complete));
        Assert.That(summary.ProcessSeconds, Is.GreaterThan(summary.RunSeconds));
    }

    [Test]
    public void A_failed_run_keeps_its_error_line_beside_its_folder_and_the_sweep_reports_it()
    {
        using var files = new SweepFiles();
        File.WriteAllText(files.File("rows.csv"), "1,2,0\n");
        var plan = files.Plan(files.Grid(new JsonObject { ["seeds"] = new JsonArray(1), ["data"] = new JsonArray(files.File("rows.csv")),
                                                          ["set"] = new JsonObject { ["clusters"] = new JsonArray(2) } }));
        File.Delete(files.File("rows.csv"));   // gone after the check: the run itself fails
        plan.Save();
        var log = new StringWriter();

        var summary = new LocalBackend(plan, jobs: 1, log).Run();

        var outcome = plan.Outcome(plan.Runs[0].Run);
        Assert.That(summary.Failed, Is.EqualTo(1));
        Assert.That(outcome.State, Is.EqualTo(RunState.Failed));
        Assert.That(outcome.Reason, Does.StartWith("error: ").And.Contain("rows.csv"));
        Assert.That(log.ToString(), Does.Contain(outcome.Reason));
        Assert.That(File.ReadAllText(plan.LogFile(plan.Runs[0].Run)), Does.Contain(outcome.Reason));
    }
}
