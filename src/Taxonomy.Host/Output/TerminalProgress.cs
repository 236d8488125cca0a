using System.Diagnostics;
using System.Globalization;
using System.Text;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Output;

/// <summary>
/// A live progress bar for a terminal: one line, redrawn in place (carriage return), with the phase, the epoch, the
/// share of the phase done, samples/s and the time left if every epoch runs. The training log goes through
/// <see cref="Log"/>, which clears the bar before each write, so the one line per epoch stays as it is in a log file.
/// Made only when standard output is a terminal (<see cref="ForConsole"/>); redirected output gets the lines alone.
/// </summary>
public sealed class TerminalProgress : IProgress<BatchReport>
{
    private readonly TextWriter _terminal;
    private readonly TimeSpan _every;
    private readonly int _width;
    private readonly Stopwatch _sinceDrawn = new();
    private readonly Stopwatch _phaseClock = new();
    private readonly object _gate = new();
    private string? _phase;
    private long _phaseSamples;
    private int _drawn;   // characters of the bar on screen, 0 when none

    /// <param name="terminal">Where the bar and the log go.</param>
    /// <param name="every">The shortest time between two redraws (a redraw per batch would flood a slow terminal).</param>
    /// <param name="width">Columns of the terminal; the line is cut to fit.</param>
    public TerminalProgress(TextWriter terminal, TimeSpan every, int width)
    {
        _terminal = terminal;
        _every = every;
        _width = Math.Max(width, 40);
        Log = new ClearingWriter(this, terminal);
    }

    /// <summary>The log to give the runner: it clears the bar before every write.</summary>
    public TextWriter Log { get; }

    /// <summary>A bar on the console when standard output is a terminal that can redraw a line; null otherwise.</summary>
    public static TerminalProgress? ForConsole()
    {
        if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("TERM") is "dumb")
        {
            return null;
        }
        int width;
        try
        {
            width = Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            width = 100;
        }
        return new TerminalProgress(Console.Out, TimeSpan.FromMilliseconds(200), width);
    }

    public void Report(BatchReport batch)
    {
        lock (_gate)
        {
            var last = batch.Epoch == batch.Epochs && batch.Batch == batch.Batches;
            if (batch.Phase != _phase)
            {
                // The first batch of a phase only starts its clock: a rate over one batch's time means nothing.
                _phase = batch.Phase;
                _phaseSamples = 0;
                _phaseClock.Restart();
                _sinceDrawn.Restart();
                if (!last)
                {
                    return;
                }
            }
            _phaseSamples += batch.Samples;
            if (_sinceDrawn.IsRunning && _sinceDrawn.Elapsed < _every && !last)
            {
                return;
            }
            Draw(Line(batch));
            _sinceDrawn.Restart();
        }
    }

    /// <summary>The bar's text, e.g. "[pretrain] epoch 12/100 [#####.....] 43%  7,312 samples/s  3:12 left".</summary>
    internal string Line(BatchReport batch)
    {
        var total = (double)batch.Epochs * batch.Batches;
        var done = (double)(batch.Epoch - 1) * batch.Batches + batch.Batch;
        var share = Math.Clamp(done / total, 0, 1);
        var seconds = _phaseClock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? _phaseSamples / seconds : 0;
        var left = done > 0 ? TimeSpan.FromSeconds(seconds * (total - done) / done) : TimeSpan.Zero;
        var head = $"[{batch.Phase}] epoch {batch.Epoch}/{batch.Epochs} ";
        var tail = string.Create(CultureInfo.InvariantCulture, $" {share * 100,3:F0}%  {rate:N0} samples/s  {Duration(left)} left");
        var barWidth = Math.Clamp(_width - 1 - head.Length - tail.Length - 2, 10, 40);
        var filled = (int)Math.Round(share * barWidth);
        var line = head + "[" + new string('#', filled) + new string('.', barWidth - filled) + "]" + tail;
        return line.Length < _width ? line : line[..(_width - 1)];
    }

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:00}");

    private void Draw(string line)
    {
        var pad = Math.Max(0, _drawn - line.Length);
        _terminal.Write("\r" + line + new string(' ', pad));
        _terminal.Flush();
        _drawn = line.Length;
    }

    /// <summary>Removes the bar from the screen, so that the next text starts on a clean line.</summary>
    private void Clear()
    {
        lock (_gate)
        {
            if (_drawn == 0)
            {
                return;
            }
            _terminal.Write("\r" + new string(' ', _drawn) + "\r");
            _drawn = 0;
            _sinceDrawn.Reset();   // redraw at the next batch, under the new text
        }
    }

    private sealed class ClearingWriter(TerminalProgress owner, TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        public override void Write(char value)
        {
            owner.Clear();
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            owner.Clear();
            inner.Write(value);
        }

        public override void WriteLine(string? value)
        {
            owner.Clear();
            inner.WriteLine(value);
        }

        public override void Flush() => inner.Flush();
    }
}
