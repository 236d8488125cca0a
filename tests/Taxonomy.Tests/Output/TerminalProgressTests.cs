using Taxonomy.Host.Output;
using Taxonomy.Host.Training;

namespace Taxonomy.Tests.Output;

/// <summary>The terminal's live bar: drawn in place, cut to the width, cleared before every log line.</summary>
[TestFixture]
public sealed class TerminalProgressTests
{
    [Test]
    public void The_bar_shows_the_phase_epoch_share_and_is_redrawn_in_place()
    {
        var screen = new StringWriter();
        var bar = new TerminalProgress(screen, TimeSpan.Zero, width: 120);

        bar.Report(new BatchReport("pretrain", 1, 4, 1, 5, 256));   // the first report of a phase only starts its clock
        bar.Report(new BatchReport("pretrain", 2, 4, 5, 5, 256));

        var text = screen.ToString();
        Assert.That(text, Does.StartWith("\r[pretrain] epoch 2/4 ["));
        Assert.That(text, Does.Contain("]  50%  ").And.Contain(" samples/s  ").And.EndWith(" left"));
        Assert.That(text, Does.Not.Contain("\n"), "redrawn in place, never a new line");
        var line = text.TrimStart('\r');
        var filled = line.Count(c => c == '#');
        var empty = line.Count(c => c == '.');
        Assert.That(filled, Is.EqualTo(empty), "half of the phase, half of the bar");
    }

    [Test]
    public void A_log_line_clears_the_bar_first_and_stays_whole()
    {
        var screen = new StringWriter();
        var bar = new TerminalProgress(screen, TimeSpan.Zero, width: 80);
        bar.Report(new BatchReport("clustering", 1, 2, 1, 2, 100));
        bar.Report(new BatchReport("clustering", 1, 2, 2, 2, 100));
        var drawn = screen.ToString().TrimStart('\r').Length;

        bar.Log.WriteLine("[clustering] epoch    1/2  loss 0.5");

        var after = screen.ToString();
        Assert.That(after, Does.EndWith("\r" + new string(' ', drawn) + "\r[clustering] epoch    1/2  loss 0.5" + Environment.NewLine));
        bar.Log.WriteLine("next");
        Assert.That(screen.ToString(), Does.EndWith("loss 0.5" + Environment.NewLine + "next" + Environment.NewLine), "nothing to clear twice");
    }

    [Test]
    public void The_line_fits_the_terminal_and_a_new_phase_starts_over()
    {
        var screen = new StringWriter();
        var bar = new TerminalProgress(screen, TimeSpan.Zero, width: 50);
        bar.Report(new BatchReport("pretrain", 1, 100, 1, 235, 256));
        bar.Report(new BatchReport("pretrain", 100, 100, 235, 235, 256));
        bar.Report(new BatchReport("clustering", 1, 40, 1, 235, 256));
        bar.Report(new BatchReport("clustering", 1, 40, 2, 235, 256));

        var draws = screen.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(draws.Select(d => d.TrimEnd().Length), Has.All.LessThan(50));
        Assert.That(draws[0], Does.StartWith("[pretrain] epoch 100/100 [").And.Contain("100%"));
        Assert.That(draws[^1], Does.StartWith("[clustering] epoch 1/40 [").And.Contain("  0%"));
    }

    [Test]
    public void Redirected_output_gets_no_bar()
    {
        Assume.That(Console.IsOutputRedirected, "the test runner redirects the console");
        Assert.That(TerminalProgress.ForConsole(), Is.Null);
    }
}
