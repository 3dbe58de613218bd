namespace MirrorGate.Grains.Videos;

/// <summary>How video task grains follow their upstream tasks (configuration section <c>VideoTasks</c>).</summary>
public sealed class VideoTaskOptions
{
    public const string SectionName = "VideoTasks";

    /// <summary>
    /// How often an open task asks the upstream how it stands. The original polls every 30 s by default (research
    /// D.3); callbacks usually come first. <value>10 seconds by default.</value>
    /// </summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The period of the reminder that wakes an open task whose silo restarted or died (never below Orleans'
    /// <c>ReminderOptions.MinimumReminderPeriod</c>). <value>1 minute by default.</value>
    /// </summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a task may take from submission; after that it fails and its reservation is released (whatever the
    /// upstream does later is not charged). <value>2 hours by default</value>; off-peak Vidu tasks may take up to 48 h
    /// (research D.6), so an operator offering them sets more.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How many tasks a user's task list keeps (oldest dropped first). <value>500 by default.</value></summary>
    public int IndexCapacity { get; set; } = 500;
}
