namespace GrainFlow.Client.Commands;

/// <summary>
/// What the user asked for cannot be done as written (a missing job id, a malformed value, a file that
/// does not exist). The CLI prints the message as one line on stderr and exits with <see cref="ExitCodes.Failure"/>.
/// </summary>
public sealed class CliUsageException(string message) : Exception(message);
