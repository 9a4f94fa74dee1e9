namespace GrainFlow.Runtime.Channels;

/// <summary>What a receiving subtask did with a batch sent to it.</summary>
[GenerateSerializer, Alias("grainflow.BatchDelivery")]
public enum BatchDelivery
{
    /// <summary>The batch was taken: the sender may send its next one.</summary>
    Accepted,

    /// <summary>
    /// Not taken: the channel already delivered the barrier of the checkpoint being aligned, and the
    /// other channels' barriers did not all arrive within the receiver's hold time. The sender sends
    /// the same batch again, so the channel stays backpressured while the receiver holds no call open.
    /// </summary>
    HeldBackByAlignment,
}
