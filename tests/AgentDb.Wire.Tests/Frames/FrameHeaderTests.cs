using System.Buffers;
using System.Runtime.CompilerServices;
using AgentDb.Wire.Frames;

namespace AgentDb.Wire.Tests.Frames;

public sealed class FrameHeaderTests
{
    private static readonly byte[] s_golden =
    [
        0xAD, 0xB1, 0x01, 0x03, 0x30, 0x00, 0x00, 0x00,
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x00,
    ];

    [Fact]
    public void Size_Is24_AndMatchesTheStructLayout()
    {
        Assert.Equal(24, FrameHeader.Size);
        Assert.Equal(FrameHeader.Size, Unsafe.SizeOf<FrameHeader>());
    }

    [Fact]
    public void Write_ProducesTheDocumentedLittleEndianBytes()
    {
        var header = new FrameHeader(Opcode.Search, FrameFlags.Response | FrameFlags.Error, 0x0102030405060708, 0x12345678);
        var bytes = new byte[FrameHeader.Size];

        header.Write(bytes);

        Assert.Equal(s_golden, bytes);
    }

    [Fact]
    public void TryRead_ReadsTheGoldenBytes_FromOneOrManySegments()
    {
        for (var split = 0; split <= FrameHeader.Size; split++)
        {
            var reader = new SequenceReader<byte>(Segments.SplitAt(s_golden, split));

            Assert.True(FrameHeader.TryRead(ref reader, out var header));

            Assert.Equal(FrameHeader.MagicValue, header.Magic);
            Assert.Equal(1, header.Version);
            Assert.True(header.IsResponse);
            Assert.True(header.IsError);
            Assert.Equal(Opcode.Search, header.Opcode);
            Assert.Equal(0x0102030405060708UL, header.RequestId);
            Assert.Equal(0x12345678U, header.BodyLength);
            Assert.Equal(FrameHeader.Size, reader.Consumed);
        }
    }

    [Fact]
    public void TryRead_WithFewerThan24Bytes_ReturnsFalseAndConsumesNothing()
    {
        for (var length = 0; length < FrameHeader.Size; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(s_golden, 0, length));

            Assert.False(FrameHeader.TryRead(ref reader, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }
}
