namespace MirrorGate.GrainInterfaces.Pricing;

/// <summary>A pricing program, key = its ppid. Set by the operator's admin routes.</summary>
[Alias("mg.IPricingProgramGrain")]
public interface IPricingProgramGrain : IGrainWithStringKey
{
    /// <summary>Replaces the program (already validated by the caller's parse).</summary>
    Task PutAsync(PricingProgram program);

    /// <summary>The program, or null when none was put.</summary>
    Task<PricingProgram?> GetAsync();
}

/// <summary>The ids of every pricing program put so far (one grain, key <see cref="Key"/>), for the console's list.</summary>
[Alias("mg.IPricingProgramListGrain")]
public interface IPricingProgramListGrain : IGrainWithStringKey
{
    const string Key = "all";

    Task AddAsync(string ppid);

    /// <summary>The ids, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>An LLM product, key = its llmid.</summary>
[Alias("mg.ILlmProductGrain")]
public interface ILlmProductGrain : IGrainWithStringKey
{
    Task PutAsync(LlmProduct product);

    Task<LlmProduct?> GetAsync();
}

/// <summary>
/// A reseller's discount for one customer org (the original's <c>sor_get_customer_discount(reseller, customer)</c>,
/// research D.4), key = <see cref="KeyOf"/>. 1.0 when never set.
/// </summary>
[Alias("mg.ICustomerDiscountGrain")]
public interface ICustomerDiscountGrain : IGrainWithStringKey
{
    static string KeyOf(string resellerOrgId, string customerOrgId) => resellerOrgId + "|" + customerOrgId;

    Task SetAsync(decimal discount);

    Task<decimal> GetAsync();
}
