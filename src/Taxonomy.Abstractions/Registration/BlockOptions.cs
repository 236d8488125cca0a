using System.ComponentModel;

namespace Taxonomy.Abstractions.Registration;

/// <summary>
/// Base of every block's options. A manifest section binds to it: { "type": "...", ...options }.
/// Properties only (the binder ignores fields). A list the manifest gives replaces the default
/// whole; list defaults, and defaults that depend on other options, belong in <see cref="ApplyDefaults"/>.
/// Ranges go in [Range] attributes; rules that span properties go in <see cref="Validate"/>.
/// </summary>
public class BlockOptions
{
    [Description("The block's registered name.")]
    public string Type { get; set; } = "";

    /// <summary>Fills the defaults the manifest left unset (null), after binding.</summary>
    public virtual void ApplyDefaults() { }

    /// <summary>Problems with the bound values, each as (camelCase option name, message).</summary>
    public virtual IEnumerable<(string Option, string Message)> Validate() => [];
}

/// <summary>Options shared by the two loss roles.</summary>
public class LossOptions : BlockOptions
{
    [Description("Weight of this loss in the total (the schedule multiplies it by its per-phase factor).")]
    public double Weight { get; set; } = 1.0;
}

/// <summary>Options every branch has: where to start from.</summary>
public class BranchOptions : BlockOptions
{
    [Description("A weights file saved by an earlier run (branch.pt) to start from; its shapes must match this branch.")]
    public string? Weights { get; set; }
}
