using System.Globalization;
using Tailor.Local.Training.Worker;
using Tailor.Local.Tuning;

// One training job per process. Attached (no arguments): the job arrives on stdin, events leave on stdout (see
// WorkerProtocol). Detached (a tuning job's directory): the job and its events are files there (see DetachedTrainingHost).
return args is ["--job-dir", var directory, "--attempt", var attempt]
    ? DetachedTrainingHost.Run(directory, int.Parse(attempt, CultureInfo.InvariantCulture))
    : TrainingWorkerHost.Run(Console.In, Console.Out);
