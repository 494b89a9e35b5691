using RpsServerless.Cli;

return RpsCli.Run(args, Console.Out, Console.Error);
