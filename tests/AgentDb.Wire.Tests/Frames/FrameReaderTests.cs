using System.Buffers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Frames;

public sealed class FrameReaderTests
{
    private const int Max = WireInfo.DefaultMaxFrameSize;

    private static byte[] SampleFrame(ulong requestId = 42) =>
        TestFrames.Message(Opcode.Upsert, FrameFlags.None, requestId,
            new UpsertRequest("docs", "a-1", new float[] { 1, 2, 3 }, new byte[] { 0x81, 0xA1, 0x6B, 0x01 }));

    [Fact]
    public void Read_WholeFrame_ReturnsItAndSlicesTheBufferPastIt()
    {
        var bytes = SampleFrame();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, Max, out var frame));

        Assert.Equal(0, buffer.Length);
        Assert.Equal(Opcode.Upsert, frame.Header.Opcode);
        Assert.Equal(42UL, frame.Header.RequestId);
        Assert.Equal(bytes[FrameHeader.Size..], frame.Body.ToArray());
    }

    [Fact]
    public void Read_EveryPrefix_IsIncompleteAndConsumesNothing()
    {
        var bytes = SampleFrame();
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);

            Assert.Equal(FrameStatus.Incomplete, FrameReader.Read(ref buffer, Max, out _));
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void Read_FrameSplitAtEveryOffsetIntoTwoSegments_ReadsTheSameFrame()
    {
        var bytes = SampleFrame();
        for (var split = 0; split <= bytes.Length; split++)
        {
            AssertReadsSample(Segments.SplitAt(bytes, split), bytes);
        }
    }

    [Fact]
    public void Read_FrameSplitAtEveryPairOfOffsetsIntoThreeSegments_ReadsTheSameFrame()
    {
        var bytes = SampleFrame();
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                AssertReadsSample(Segments.SplitAt(bytes, first, second), bytes);
            }
        }
    }

    [Fact]
    public void Read_PipelinedFramesBackToBack_AreReadInOrder_AtEverySplit()
    {
        var frames = Enumerable.Range(1, 5).Select(i => SampleFrame((ulong)i)).ToArray();
        var stream = frames.SelectMany(f => f).ToArray();
        for (var split = 0; split <= stream.Length; split += 3)
        {
            var buffer = Segments.SplitAt(stream, split);
            for (var i = 1; i <= frames.Length; i++)
            {
                Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, Max, out var frame));
                Assert.Equal((ulong)i, frame.Header.RequestId);
            }
            Assert.Equal(0, buffer.Length);
            Assert.Equal(FrameStatus.Incomplete, FrameReader.Read(ref buffer, Max, out _));
        }
    }

    [Theory]
    [InlineData(0x8000_0000u)]
    [InlineData(uint.MaxValue)]
    [InlineData((uint)(Max - FrameHeader.Size + 1))]
    public void Read_LengthOverTheMaximum_IsTooLargeAsSoonAsTheHeaderArrives(uint bodyLength)
    {
        var buffer = new ReadOnlySequence<byte>(TestFrames.Header(bodyLength: bodyLength, requestId: 9));
        var before = GC.GetAllocatedBytesForCurrentThread();

        var status = FrameReader.Read(ref buffer, Max, out var frame);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024, "the reader allocated for an attacker's length");
        Assert.Equal(FrameStatus.TooLarge, status);
        Assert.Equal(9UL, frame.Header.RequestId);
        var e = Assert.Throws<WireProtocolException>(() =>
        {
            var again = new ReadOnlySequence<byte>(TestFrames.Header(bodyLength: bodyLength));
            FrameReader.TryReadFrame(ref again, Max, out _);
        });
        Assert.Equal(ErrorCode.TooLarge, e.Code);
    }

    [Fact]
    public void Read_LengthExactlyAtTheMaximum_IsAccepted()
    {
        var body = new byte[100];
        body[0] = 0x90;
        var bytes = TestFrames.Raw(Opcode.Ping, FrameFlags.None, 1, body);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, bytes.Length, out _));
        buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameStatus.TooLarge, FrameReader.Read(ref buffer, bytes.Length - 1, out _));
    }

    public static TheoryData<string, byte[], FrameStatus> MalformedHeaders => new()
    {
        { "bad magic", TestFrames.Header(magic: 0x1234), FrameStatus.BadMagic },
        { "magic bytes swapped", TestFrames.Header(magic: 0xADB1), FrameStatus.BadMagic },
        { "two bytes of garbage", [0x47, 0x45], FrameStatus.BadMagic },
        { "version 0", TestFrames.Header(version: 0), FrameStatus.UnsupportedVersion },
        { "version 2", TestFrames.Header(version: 2), FrameStatus.UnsupportedVersion },
        { "undefined flag bit", TestFrames.Header(flags: 0x04), FrameStatus.ReservedBitsSet },
        { "reserved16 set", TestFrames.Header(reserved16: 1), FrameStatus.ReservedBitsSet },
        { "reserved32 set", TestFrames.Header(reserved32: 0x8000_0000), FrameStatus.ReservedBitsSet },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Read_MalformedHeader_IsAProtocolError_NeverAnException(string name, byte[] bytes, FrameStatus expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(expected == FrameReader.Read(ref buffer, Max, out _), name);
        Assert.Equal(bytes.Length, buffer.Length);
        var e = Assert.Throws<WireProtocolException>(() =>
        {
            var again = new ReadOnlySequence<byte>(bytes);
            FrameReader.TryReadFrame(ref again, Max, out _);
        });
        Assert.Equal(expected, e.Status);
        Assert.Equal(ErrorCode.BadRequest, e.Code);
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void ReadSpan_MalformedHeader_IsTheSameProtocolError(string name, byte[] bytes, FrameStatus expected)
    {
        Assert.True(expected == FrameReader.Read(bytes.AsSpan(), Max, out var header), name);
        if (expected == FrameStatus.BadMagic)
        {
            Assert.Equal(0UL, header.RequestId); // not a frame: no request id is taken from it
        }
    }

    [Fact]
    public void ReadSpan_AgreesWithTheSequenceReader_OnEveryPrefix_AndOnRandomBytes()
    {
        var bytes = SampleFrame(requestId: 77);
        for (var length = 0; length <= bytes.Length; length++)
        {
            var sequence = new ReadOnlySequence<byte>(bytes, 0, length);
            var expected = FrameReader.Read(ref sequence, Max, out var frame);

            Assert.Equal(expected, FrameReader.Read(bytes.AsSpan(0, length), Max, out var header));
            if (expected == FrameStatus.Complete)
            {
                Assert.Equal(frame.Header.RequestId, header.RequestId);
                Assert.Equal((uint)(bytes.Length - FrameHeader.Size), header.BodyLength);
            }
        }

        var random = new Random(20261127);
        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);
            if (random.Next(2) == 0 && noise.Length >= 2)
            {
                noise[0] = 0xAD;
                noise[1] = 0xB1;
            }
            var sequence = new ReadOnlySequence<byte>(noise);
            Assert.Equal(FrameReader.Read(ref sequence, 48, out _), FrameReader.Read(noise.AsSpan(), 48, out _));
        }
    }

    [Fact]
    public void Read_UnknownOpcode_IsAWellFormedFrame_LeftToTheReceiverToRefuse()
    {
        var bytes = TestFrames.Raw((Opcode)0x7777, FrameFlags.None, 5, [0x90]);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, Max, out var frame));
        Assert.Equal((Opcode)0x7777, frame.Header.Opcode);
        Assert.False(OpcodeInfo.IsDefined(frame.Header.Opcode));
    }

    [Fact]
    public void Read_RandomBytes_NeverThrows_AndNeverClaimsMoreThanIsThere()
    {
        var random = new Random(20261127);
        for (var iteration = 0; iteration < 20_000; iteration++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (random.Next(4) == 0 && bytes.Length >= 2)
            {
                bytes[0] = 0xAD; // half the time past the magic check, to reach the later checks
                bytes[1] = 0xB1;
            }
            var buffer = Segments.SplitAt(bytes, random.Next(0, bytes.Length + 1));

            var status = FrameReader.Read(ref buffer, Max, out var frame);

            if (status == FrameStatus.Complete)
            {
                Assert.Equal(bytes.Length - FrameHeader.Size - frame.Header.BodyLength, buffer.Length);
            }
            else
            {
                Assert.Equal(bytes.Length, buffer.Length);
            }
        }
    }

    private static void AssertReadsSample(ReadOnlySequence<byte> buffer, byte[] expected)
    {
        Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, Max, out var frame));
        Assert.Equal(0, buffer.Length);
        Assert.Equal(42UL, frame.Header.RequestId);
        Assert.Equal(expected[FrameHeader.Size..], frame.Body.ToArray());
        Assert.True(MessageCodec.TryDecode<UpsertRequest>(frame.Body, out var message, out var error), error);
        Assert.Equal("a-1", message.Id);
    }

    [Fact]
    public void Read_EveryDocumentedExampleFrame_SplitAtEveryOffsetAndPairOfOffsets_ReadsTheSameFrame()
    {
        foreach (var example in AgentDb.Wire.Tests.Docs.ProtocolExamples.All)
        {
            var bytes = example.Frame;
            // Three segments at every pair of offsets, which includes every two-segment split (an empty middle).
            for (var first = 0; first <= bytes.Length; first++)
            {
                for (var second = first; second <= bytes.Length; second++)
                {
                    var buffer = Segments.SplitAt(bytes, first, second);

                    Assert.Equal(FrameStatus.Complete, FrameReader.Read(ref buffer, Max, out var frame));

                    Assert.Equal(0, buffer.Length);
                    Assert.True(frame.Body.Length == bytes.Length - FrameHeader.Size, example.Name);
                    Assert.True(bytes.AsSpan(FrameHeader.Size).SequenceEqual(frame.Body.ToArray()), example.Name);
                }
            }
        }
    }
}
