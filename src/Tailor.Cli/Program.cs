using Tailor.Cli;

ThreadPoolTuning.ForCommand(args);
return await TailorCli.RunAsync(args, CliEnvironment.FromProcess());
