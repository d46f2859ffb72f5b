using System.Collections;
using System.Runtime.InteropServices;

namespace Tailor.Cli;

/// <summary>
/// Starts this process over with more environment variables, for runtime settings that are read only at start-up.
/// On Linux the process image is replaced (<c>execve</c>): the same pid, command line, working directory and standard
/// streams, so whoever started it (a shell, systemd, a test harness that signals it) sees no difference.
/// </summary>
internal static class ProcessRestart
{
    /// <summary>
    /// Restarts with <paramref name="variables"/> added to the environment (replacing values of the same names).
    /// Returns only when the restart is not possible (not Linux, no <c>/proc/self/cmdline</c>, <c>execve</c> failed);
    /// the caller then carries on as it is.
    /// </summary>
    public static void WithEnvironment(IReadOnlyCollection<KeyValuePair<string, string>> variables)
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessPath is not { } path)
        {
            return;
        }

        string[] argv;
        try
        {
            argv = ParseCommandLine(File.ReadAllBytes("/proc/self/cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (argv.Length == 0)
        {
            return;
        }

        // .NET keeps its own copy of the environment on Unix, so the new one is passed explicitly.
        var environment = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && !variables.Any(v => v.Key == key))
            {
                environment.Add($"{key}={variable.Value}");
            }
        }

        environment.AddRange(variables.Select(v => $"{v.Key}={v.Value}"));
        environment.Add(null);
        try
        {
            _ = Execve(path, [.. argv, null], [.. environment]);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            // No libc execve to call: carry on as we are.
        }
    }

    /// <summary>The arguments in <c>/proc/self/cmdline</c>: NUL-terminated UTF-8 strings, the program first.</summary>
    internal static string[] ParseCommandLine(ReadOnlySpan<byte> cmdline)
    {
        var args = new List<string>();
        while (!cmdline.IsEmpty)
        {
            int end = cmdline.IndexOf((byte)0);
            if (end < 0)
            {
                end = cmdline.Length;
            }

            args.Add(System.Text.Encoding.UTF8.GetString(cmdline[..end]));
            cmdline = cmdline[Math.Min(end + 1, cmdline.Length)..];
        }

        return [.. args];
    }

    // LPStr is UTF-8 on Unix.
    [DllImport("libc", EntryPoint = "execve")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Execve(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] argv,
        [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string?[] envp);
}
