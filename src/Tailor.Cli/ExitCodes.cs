namespace Tailor.Cli;

/// <summary>The process exit codes every command uses, so scripts and CI can rely on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A check failed: an invalid spec, a failed gate, validation errors in data.</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad usage or bad input: unknown option, missing file, a broken tailor.yaml for a command that needs one.</summary>
    public const int BadInput = 2;
}
