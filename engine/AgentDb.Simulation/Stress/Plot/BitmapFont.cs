namespace AgentDb.Simulation.Stress.Plot;

/// <summary>
/// A 5x7 bitmap font for the plot's labels: digits, upper-case letters (lower case is drawn upper case) and the few
/// punctuation marks the labels use; any other character is drawn as '?'. Each glyph is seven rows of five bits, the
/// leftmost pixel in bit 4.
/// </summary>
internal static class BitmapFont
{
    /// <summary>Glyph width in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height in font pixels.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Horizontal distance from one character to the next (one column of space).</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, byte[]> s_glyphs = Build();
    private static readonly byte[] s_unknown = s_glyphs['?'];

    /// <summary>The seven rows of <paramref name="c"/>.</summary>
    public static ReadOnlySpan<byte> Glyph(char c) =>
        s_glyphs.TryGetValue(char.ToUpperInvariant(c), out var rows) ? rows : s_unknown;

    private static Dictionary<char, byte[]> Build()
    {
        // Each entry: the character, then its seven rows as five '0'/'1' characters.
        string[] table =
        [
            "0 01110 10001 10011 10101 11001 10001 01110",
            "1 00100 01100 00100 00100 00100 00100 01110",
            "2 01110 10001 00001 00010 00100 01000 11111",
            "3 11111 00010 00100 00010 00001 10001 01110",
            "4 00010 00110 01010 10010 11111 00010 00010",
            "5 11111 10000 11110 00001 00001 10001 01110",
            "6 00110 01000 10000 11110 10001 10001 01110",
            "7 11111 00001 00010 00100 01000 01000 01000",
            "8 01110 10001 10001 01110 10001 10001 01110",
            "9 01110 10001 10001 01111 00001 00010 01100",
            "A 01110 10001 10001 11111 10001 10001 10001",
            "B 11110 10001 10001 11110 10001 10001 11110",
            "C 01110 10001 10000 10000 10000 10001 01110",
            "D 11100 10010 10001 10001 10001 10010 11100",
            "E 11111 10000 10000 11110 10000 10000 11111",
            "F 11111 10000 10000 11110 10000 10000 10000",
            "G 01110 10001 10000 10111 10001 10001 01111",
            "H 10001 10001 10001 11111 10001 10001 10001",
            "I 01110 00100 00100 00100 00100 00100 01110",
            "J 00111 00010 00010 00010 00010 10010 01100",
            "K 10001 10010 10100 11000 10100 10010 10001",
            "L 10000 10000 10000 10000 10000 10000 11111",
            "M 10001 11011 10101 10101 10001 10001 10001",
            "N 10001 10001 11001 10101 10011 10001 10001",
            "O 01110 10001 10001 10001 10001 10001 01110",
            "P 11110 10001 10001 11110 10000 10000 10000",
            "Q 01110 10001 10001 10001 10101 10010 01101",
            "R 11110 10001 10001 11110 10100 10010 10001",
            "S 01111 10000 10000 01110 00001 00001 11110",
            "T 11111 00100 00100 00100 00100 00100 00100",
            "U 10001 10001 10001 10001 10001 10001 01110",
            "V 10001 10001 10001 10001 10001 01010 00100",
            "W 10001 10001 10001 10101 10101 10101 01010",
            "X 10001 10001 01010 00100 01010 10001 10001",
            "Y 10001 10001 10001 01010 00100 00100 00100",
            "Z 11111 00001 00010 00100 01000 10000 11111",
            ". 00000 00000 00000 00000 00000 01100 01100",
            ", 00000 00000 00000 00000 01100 00100 01000",
            ": 00000 01100 01100 00000 01100 01100 00000",
            "- 00000 00000 00000 11111 00000 00000 00000",
            "+ 00000 00100 00100 11111 00100 00100 00000",
            "/ 00000 00001 00010 00100 01000 10000 00000",
            "( 00010 00100 01000 01000 01000 00100 00010",
            ") 01000 00100 00010 00010 00010 00100 01000",
            "= 00000 00000 11111 00000 11111 00000 00000",
            "% 11000 11001 00010 00100 01000 10011 00011",
            "_ 00000 00000 00000 00000 00000 00000 11111",
            "? 01110 10001 00001 00010 00100 00000 00100",
            "  00000 00000 00000 00000 00000 00000 00000",
        ];
        var glyphs = new Dictionary<char, byte[]>();
        foreach (var entry in table)
        {
            var rows = new byte[GlyphHeight];
            for (var row = 0; row < GlyphHeight; row++)
            {
                var bits = entry.AsSpan(2 + (row * (GlyphWidth + 1)), GlyphWidth);
                for (var column = 0; column < GlyphWidth; column++)
                {
                    rows[row] = (byte)((rows[row] << 1) | (bits[column] == '1' ? 1 : 0));
                }
            }
            glyphs.Add(entry[0], rows);
        }
        return glyphs;
    }
}
