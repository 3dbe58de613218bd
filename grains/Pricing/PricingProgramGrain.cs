using MirrorGate.GrainInterfaces.Pricing;

namespace MirrorGate.Grains.Pricing;

/// <summary>A pricing program's stored definition; the front end parses and checks it before it is put.</summary>
[GrainType("pricing-program")]
public sealed class PricingProgramGrain([PersistentState("pricing-program")] IPersistentState<PricingProgramState> state) : Grain, IPricingProgramGrain
{
    public async Task PutAsync(PricingProgram program)
    {
        state.State = new PricingProgramState { Program = program };
        await state.WriteStateAsync();
    }

    public Task<PricingProgram?> GetAsync() => Task.FromResult(state.State.Program);
}

[GenerateSerializer, Alias("mg.PricingProgramState")]
public sealed class PricingProgramState
{
    [Id(0)]
    public PricingProgram? Program { get; set; }
}
