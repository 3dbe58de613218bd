namespace MirrorGate.UpstreamSim;

/// <summary>Runs the upstream simulator on its own (placeholder until the simulator lands).</summary>
public static class SimulatorProgram
{
    public static int Main() => 0;
}
