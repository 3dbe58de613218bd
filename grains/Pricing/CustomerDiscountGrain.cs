using MirrorGate.GrainInterfaces.Pricing;

namespace MirrorGate.Grains.Pricing;

/// <summary>One reseller's discount for one customer; 1.0 (no discount) until set.</summary>
[GrainType("customer-discount")]
public sealed class CustomerDiscountGrain([PersistentState("customer-discount")] IPersistentState<CustomerDiscountState> state) : Grain, ICustomerDiscountGrain
{
    public async Task SetAsync(decimal discount)
    {
        state.State = new CustomerDiscountState { Discount = discount };
        await state.WriteStateAsync();
    }

    public Task<decimal> GetAsync() => Task.FromResult(state.State.Discount ?? 1m);
}

[GenerateSerializer, Alias("mg.CustomerDiscountState")]
public sealed class CustomerDiscountState
{
    [Id(0)]
    public decimal? Discount { get; set; }
}
