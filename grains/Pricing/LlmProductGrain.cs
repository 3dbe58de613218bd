using MirrorGate.GrainInterfaces.Pricing;

namespace MirrorGate.Grains.Pricing;

/// <summary>An LLM product's stored definition.</summary>
[GrainType("llm-product")]
public sealed class LlmProductGrain([PersistentState("llm-product")] IPersistentState<LlmProductState> state) : Grain, ILlmProductGrain
{
    public async Task PutAsync(LlmProduct product)
    {
        state.State = new LlmProductState { Product = product };
        await state.WriteStateAsync();
    }

    public Task<LlmProduct?> GetAsync() => Task.FromResult(state.State.Product);
}

[GenerateSerializer, Alias("mg.LlmProductState")]
public sealed class LlmProductState
{
    [Id(0)]
    public LlmProduct? Product { get; set; }
}
