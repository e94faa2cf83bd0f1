namespace AgentDb.Simulation.Stress.Plot;

/// <summary>
/// A truecolour raster (3 bytes per pixel, rows top to bottom) with the few drawing primitives the stress plot needs:
/// filled rectangles, thick lines, and text in <see cref="BitmapFont"/>. Drawing outside the image is clipped.
/// </summary>
internal sealed class RgbImage
{
    /// <summary>The largest width or height accepted.</summary>
    public const int MaxSide = 8192;

    /// <summary>Creates an image filled with <paramref name="background"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not between 1 and <see cref="MaxSide"/>.</exception>
    public RgbImage(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row by row, R G B per pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Rgb GetPixel(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Sets one pixel; ignored outside the image.</summary>
    public void SetPixel(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }
        var i = ((y * Width) + x) * 3;
        Pixels[i] = colour.R;
        Pixels[i + 1] = colour.G;
        Pixels[i + 2] = colour.B;
    }

    /// <summary>Fills the rectangle with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb colour)
    {
        var x0 = Math.Max(x, 0);
        var y0 = Math.Max(y, 0);
        var x1 = Math.Min(x + width, Width);
        var y1 = Math.Min(y + height, Height);
        for (var row = y0; row < y1; row++)
        {
            for (var column = x0; column < x1; column++)
            {
                SetPixel(column, row, colour);
            }
        }
    }

    /// <summary>A line from (x0, y0) to (x1, y1), <paramref name="thickness"/> pixels wide (Bresenham with a square pen).</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgb colour, int thickness = 1)
    {
        var dx = Math.Abs(x1 - x0);
        var dy = -Math.Abs(y1 - y0);
        var sx = x0 < x1 ? 1 : -1;
        var sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        var offset = (thickness - 1) / 2;
        // Bounded: each step moves x0 or y0 one pixel towards the end.
        for (var steps = 0; steps <= dx - dy; steps++)
        {
            FillRectangle(x0 - offset, y0 - offset, thickness, thickness, colour);
            if (x0 == x1 && y0 == y1)
            {
                break;
            }
            var twice = 2 * error;
            if (twice >= dy)
            {
                error += dy;
                x0 += sx;
            }
            if (twice <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel
    /// <paramref name="scale"/> pixels square.</summary>
    public void DrawText(int x, int y, string text, Rgb colour, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            var rows = BitmapFont.Glyph(c);
            for (var row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (var column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    if ((rows[row] & (1 << (BitmapFont.GlyphWidth - 1 - column))) != 0)
                    {
                        FillRectangle(x + (column * scale), y + (row * scale), scale, scale, colour);
                    }
                }
            }
            x += BitmapFont.Advance * scale;
        }
    }

    /// <summary>The width in pixels <see cref="DrawText"/> uses for <paramref name="text"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => text.Length * BitmapFont.Advance * scale;
}
