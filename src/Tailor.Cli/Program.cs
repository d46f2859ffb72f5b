using Tailor.Cli;

ProcessTuning.ForCommand(args);
return await TailorCli.RunAsync(args, CliEnvironment.FromProcess());
