using Tailor.Local.Training.Worker;

// One training job per process: the job arrives on stdin, events leave on stdout (see WorkerProtocol).
return TrainingWorkerHost.Run(Console.In, Console.Out);
