namespace AgentDb.Server.Cli;

/// <summary>Why a command line was rejected.</summary>
/// <param name="Message">One sentence for stderr, naming the offending argument or variable.</param>
/// <param name="ShowUsage">Print the full usage after the message (when the command itself was not understood).</param>
internal sealed record CommandLineError(string Message, bool ShowUsage = false);
