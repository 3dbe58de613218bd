using System.Security.Cryptography;
using System.Text;
using MirrorGate.Upstream.ChatGpt.Sentinel;

namespace MirrorGate.Tests.Upstream;

public sealed class ProofOfWorkHashTests
{
    [Theory]
    [InlineData("a", 0xE40C292Cu)]        // the published FNV-1a 32-bit vectors
    [InlineData("foobar", 0xBF9CF968u)]
    public void Fnv1a_core_matches_the_published_vectors(string text, uint expected) =>
        Assert.Equal(expected, Fnv1a.Append(Fnv1a.OffsetBasis, text));

    [Theory]
    [InlineData("", "ab3e7c0b")]          // computed independently (Python) with the finaliser of the docs
    [InlineData("a", "1a80b1b3")]
    [InlineData("hello", "888d766e")]
    [InlineData("0.42gAAAAAB", "9e2d9ab2")]
    [InlineData("é", "baf79669")]
    public void Fnv1a_with_finaliser_matches_known_answers(string text, string expectedHex) =>
        Assert.Equal(expectedHex, Fnv1a.Hash(text).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Fnv1a_over_ascii_bytes_equals_fnv1a_over_chars() =>
        Assert.Equal(Fnv1a.Append(Fnv1a.OffsetBasis, "seed+eyJhIjoxfQ=="), Fnv1a.Append(Fnv1a.OffsetBasis, "seed+eyJhIjoxfQ=="u8));

    [Theory]
    [InlineData("", "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26")]
    [InlineData("abc", "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0")]
    public void Sha3_512_matches_the_fips_202_vectors(string text, string expectedHex)
    {
        Assert.True(SHA3_512.IsSupported, "SHA3-512 must be available on the build machine");
        Assert.Equal(expectedHex, Convert.ToHexStringLower(SHA3_512.HashData(Encoding.UTF8.GetBytes(text))));
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0xbc }, "0b", true)]
    [InlineData(new byte[] { 0x0a, 0xbc }, "0a", true)]
    [InlineData(new byte[] { 0x0a, 0xbc }, "09", false)]
    [InlineData(new byte[] { 0x0a, 0xbc }, "0abc", true)]
    [InlineData(new byte[] { 0x0a, 0xbc }, "0abb", false)]
    [InlineData(new byte[] { 0x0a, 0xbc }, "0abc00", true)]   // longer than the hash: the whole hex is the prefix
    [InlineData(new byte[] { 0xff }, "", true)]
    public void Hex_prefix_compares_like_a_string(byte[] digest, string difficulty, bool expected) =>
        Assert.Equal(expected, HexPrefix.IsAtMost(digest, difficulty));

    [Fact]
    public void Expected_iterations_follow_the_difficulty()
    {
        Assert.Equal(16, ProofOfWork.ExpectedIterations("0fffff"), 3);
        Assert.True(ProofOfWork.ExpectedIterations("00003a") > 200_000);
    }
}
