using GrainFlow.Runtime.Api;
using GrainFlow.Runtime.Api.Functions;

namespace GrainFlow.Silo.Examples.UserSessions;

/// <summary>Valid events go on; lines that are not events go to the <see cref="Invalid"/> side output with the reason.</summary>
public sealed class SplitInvalidEvents : ProcessFunction<ParsedUserEvent, UserEvent>
{
    public static readonly OutputTag<string> Invalid = new("invalid-events");

    public override void ProcessElement(ParsedUserEvent value, Context context, ICollector<UserEvent> output)
    {
        if (value.Event is { } e) output.Collect(e);
        else context.Output(Invalid, $"{value.Problem}: {value.InvalidLine}");
    }
}
