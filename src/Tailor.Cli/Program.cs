using Tailor.Cli;

return await TailorCli.RunAsync(args, CliEnvironment.FromProcess());
