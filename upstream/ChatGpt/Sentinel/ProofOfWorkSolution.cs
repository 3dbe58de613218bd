namespace MirrorGate.Upstream.ChatGpt.Sentinel;

/// <summary>The proof token to send, whether a nonce was found, and how many were tried.</summary>
internal readonly record struct ProofOfWorkSolution(string Token, bool Solved, int Iterations);
