using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Tailor.Tuning;

namespace Tailor.Local.Tuning;

/// <summary>
/// Starts the training worker detached for a local job: the worker gets no terminal input, holds the job's lock, and
/// says it is ready on its stdout; then this side closes the pipes and returns, and the worker trains on alone. A worker
/// that dies before it is ready is reported with what it printed.
/// </summary>
internal static class WorkerLauncher
{
    public static int Launch(string workerPath, LocalJobFiles files, int attempt, TimeSpan readyTimeout)
    {
        var info = workerPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new ProcessStartInfo(DotnetHost()) : new ProcessStartInfo(workerPath);
        if (workerPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(workerPath);
        }

        info.ArgumentList.Add("--job-dir");
        info.ArgumentList.Add(files.Directory);
        info.ArgumentList.Add("--attempt");
        info.ArgumentList.Add(attempt.ToString(CultureInfo.InvariantCulture));
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.CreateNoWindow = true;
        info.WorkingDirectory = files.Directory;
        // Without this ggml answers an assertion by forking gdb to print a backtrace of the dying process.
        info.Environment["GGML_NO_BACKTRACE"] = "1";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new TuningException($"could not start the training worker {workerPath}", isInputError: false);
        }
        catch (Win32Exception e)
        {
            throw new TuningException($"could not start the training worker {info.FileName}: {e.Message}",
                "reinstall Tailor: the Tailor.Local.Worker files must sit next to the tailor command", isInputError: false, innerException: e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var ready = process.StandardOutput.ReadLineAsync();
            if (!ready.Wait(readyTimeout) || ready.Result != DetachedTrainingHost.ReadyLine)
            {
                string said = ready.IsCompletedSuccessfully ? ready.Result ?? "" : "";
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit();
                string errors = process.StandardError.ReadToEnd();
                throw new TuningException(
                    $"the training worker did not start (exit code {process.ExitCode}): {string.Join(" ", new[] { said, errors }.Where(s => s.Length > 0)).Trim()}",
                    $"see {files.Log}", isInputError: false);
            }

            int id = process.Id;
            process.StandardOutput.Close();
            process.StandardError.Close();
            return id;
        }
    }

    /// <summary>The dotnet host running this process, or the one the SDK names, or <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
