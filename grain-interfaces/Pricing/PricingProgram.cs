using System.Collections.Immutable;

namespace MirrorGate.GrainInterfaces.Pricing;

/// <summary>
/// A pricing program (research D.5: <c>pricing_program</c> with its effective-dated <c>pricing_program_timing</c>
/// rows). <see cref="Discount"/> is the program's own multiplier (1.0 = list price), applied before the customer's.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.PricingProgram")]
public sealed record PricingProgram(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string OwnerOrgId,
    [property: Id(3)] string? ProviderOrgId,
    [property: Id(4)] decimal Discount,
    [property: Id(5)] ImmutableArray<PricingTiming> Timings);

/// <summary>One version of a program's price table, in force on business dates in [<see cref="EnabledDate"/>, <see cref="ExpiredDate"/>).</summary>
[GenerateSerializer, Immutable, Alias("mg.PricingTiming")]
public sealed record PricingTiming(
    [property: Id(0)] DateOnly EnabledDate,
    [property: Id(1)] DateOnly ExpiredDate,
    [property: Id(2)] string PricingData);

/// <summary>An LLM product (research D.3/D.4 <c>llm</c> row): what it is called, which program prices it, who sells and who supplies it.</summary>
[GenerateSerializer, Immutable, Alias("mg.LlmProduct")]
public sealed record LlmProduct(
    [property: Id(0)] string LlmId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Model,
    [property: Id(3)] string Ppid,
    [property: Id(4)] string ResellerOrgId,
    [property: Id(5)] string? ProviderOrgId);
