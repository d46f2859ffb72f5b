using System.Security.Cryptography;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Tokens;
using Tailor.Data.Validation;

namespace Tailor.Tuning.Preflight;

/// <summary>
/// Pre-flight, the mandatory check before any job starts: every data file is hashed, validated line by line with the
/// dataset validator in the backend's format, offered to the backend (which may refuse lines it cannot train on),
/// and its accepted lines are written, in the backend's format, to a prepared copy in the job's work directory. The
/// training data's tokens are counted on the way. The user's files are only read.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TuningPreflight
{
    private const int ProblemsKept = 5;

    /// <param name="files">The files with their roles.</param>
    /// <param name="format">The format to validate against and prepare in; null accepts each line's own (and prepares chats as Mistral's).</param>
    /// <param name="check">The target's own objection to a valid example (null when it can train on it).</param>
    /// <param name="counter">Counts tokens (the base model's tokenizer, or an estimate).</param>
    /// <param name="plan">Sequence length and steps, for the token report and the length rule.</param>
    /// <param name="projectDirectory">Relative paths resolve against it.</param>
    /// <param name="workDirectory">Where the prepared copies go (created).</param>
    /// <param name="display">Turns a full path into how it is shown.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <exception cref="TuningException">A file does not exist or cannot be read.</exception>
    public static async Task<PreflightReport> RunAsync(
        IReadOnlyList<(TuningDataSource Source, TuningDataRole Role)> files, DatasetFormat? format, Func<Conversation, string?> check, ITokenCounter counter,
        TrainingPlan plan, string projectDirectory, string workDirectory, Func<string, string> display, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(display);
        Directory.CreateDirectory(workDirectory);
        var tokens = new TokenReportBuilder(counter, plan);
        var options = new ValidationOptions { Format = format, Tokens = counter, MaxTokens = plan.SequenceLength };
        var validator = new DatasetValidator(options);
        var results = new List<PreflightFile>();
        int training = 0, validation = 0;
        foreach (var (source, role) in files)
        {
            string full = Path.GetFullPath(Path.Combine(projectDirectory, source.Path));
            if (!File.Exists(full))
            {
                throw new TuningException($"no data file at {display(full)}", "pass --train (and --valid) JSONL files, or list them under 'datasets:' in tailor.yaml");
            }

            string prepared = Path.Combine(workDirectory, role == TuningDataRole.Training ? $"train-{++training}.jsonl" : $"validation-{++validation}.jsonl");
            results.Add(await CheckFileAsync(full, source, role, format, check, validator, role == TuningDataRole.Training ? tokens : null,
                prepared, projectDirectory, display, cancellationToken));
        }

        return new PreflightReport(results, tokens.Build());
    }

    private static async Task<PreflightFile> CheckFileAsync(
        string full, TuningDataSource source, TuningDataRole role, DatasetFormat? target, Func<Conversation, string?> check, DatasetValidator validator, TokenReportBuilder? tokens,
        string preparedPath, string projectDirectory, Func<string, string> display, CancellationToken cancellationToken)
    {
        string shown = display(full);
        string sha256;
        long bytes;
        try
        {
            await using var hashed = DatasetReader.OpenRead(full);
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashed, cancellationToken));
            bytes = hashed.Length;
        }
        catch (IOException e)
        {
            throw new TuningException($"cannot read {shown}: {e.Message}", "check the file's permissions and that nothing else holds it", innerException: e);
        }

        var report = new ValidationReport(shown);
        var problems = new List<BackendProblem>();
        long problemCount = 0, accepted = 0;
        await using (var input = DatasetReader.OpenRead(full))
        await using (var output = new FileStream(preparedPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await foreach (var verdict in validator.ValidateAsync(input, shown, cancellationToken))
            {
                report.Add(verdict);
                if (!verdict.IsValid || verdict.Conversation is not { } conversation)
                {
                    continue;
                }

                if (check(conversation) is { } problem)
                {
                    if (problems.Count < ProblemsKept)
                    {
                        problems.Add(new BackendProblem(verdict.Line.Number, problem));
                    }

                    problemCount++;
                    continue;
                }

                var format = conversation.IsText ? DatasetFormat.Text : target ?? DatasetFormat.Mistral;
                await output.WriteAsync(ConversationWriter.ToJsonLine(conversation, format), cancellationToken);
                output.WriteByte((byte)'\n');
                tokens?.Add(conversation, verdict.Line.Number);
                accepted++;
            }
        }

        report.Complete(validator.Options);
        string stored = Path.GetRelativePath(projectDirectory, full) is { } relative && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)
            ? relative.Replace('\\', '/')
            : full;
        var file = new TuningDataFile(stored, role, source.Weight, sha256, bytes, report.Lines, accepted, report.Lines - accepted);
        return new PreflightFile(file, shown, report, problems, problemCount, preparedPath);
    }
}
