namespace MirrorGate.Grains.Models;

/// <summary>
/// A model the gateway offers: the name clients use, the ChatGPT web slug sent upstream, and the
/// lowest plan that may serve it (<c>free</c>, <c>plus</c> or <c>pro</c>).
/// </summary>
public sealed record ModelDefinition(string Id, string Slug, string MinPlan = "free");
