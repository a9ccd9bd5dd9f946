package ai.unison.world;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/** An RGB image of H×W×3 bytes, row-major (HWC), 8 bits per channel. Read-only outside this package. */
public final class Frame {
    private final int width;
    private final int height;
    private final byte[] rgb;

    private Frame(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** A canvas filled with one packed 0xRRGGBB colour. */
    public static Frame filled(int width, int height, int colour) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        Frame f = new Frame(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
        for (int i = 0; i < width * height; i++) {
            f.set(i, colour);
        }
        return f;
    }

    /** Wraps a copy of H×W×3 bytes. */
    public static Frame fromBytes(int width, int height, byte[] hwc) {
        if (width <= 0 || height <= 0 || hwc.length != (long) width * height * 3) {
            throw new IllegalArgumentException("expected " + width + "x" + height + "x3 bytes, got " + hwc.length);
        }
        return new Frame(width, height, hwc.clone());
    }

    public static Frame fromImage(BufferedImage image) {
        Frame f = filled(image.getWidth(), image.getHeight(), 0);
        for (int y = 0; y < f.height; y++) {
            for (int x = 0; x < f.width; x++) {
                f.set(x, y, image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return f;
    }

    public static Frame readPng(Path path) throws IOException {
        BufferedImage image = ImageIO.read(path.toFile());
        if (image == null) {
            throw new IOException("not an image: " + path);
        }
        return fromImage(image);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Packed 0xRRGGBB at (x, y). */
    public int rgb(int x, int y) {
        return rgb(y * width + x);
    }

    int rgb(int index) {
        int i = index * 3;
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF;
    }

    void set(int x, int y, int colour) {
        set(y * width + x, colour);
    }

    void set(int index, int colour) {
        int i = index * 3;
        rgb[i] = (byte) (colour >> 16);
        rgb[i + 1] = (byte) (colour >> 8);
        rgb[i + 2] = (byte) colour;
    }

    /** A copy of the H×W×3 bytes. */
    public byte[] toBytes() {
        return rgb.clone();
    }

    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb(x, y));
            }
        }
        return image;
    }

    public void writePng(Path path) throws IOException {
        if (!ImageIO.write(toImage(), "png", path.toFile())) {
            throw new IOException("no PNG writer for " + path);
        }
    }

    /** Peak signal-to-noise ratio in dB over all channels; infinite for equal frames. */
    public static double psnr(Frame a, Frame b) {
        if (a.width != b.width || a.height != b.height) {
            throw new IllegalArgumentException(
                    "PSNR needs equal sizes, got " + a.width + "x" + a.height + " and " + b.width + "x" + b.height);
        }
        double sum = 0;
        for (int i = 0; i < a.rgb.length; i++) {
            double d = (a.rgb[i] & 0xFF) - (b.rgb[i] & 0xFF);
            sum += d * d;
        }
        return sum == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 * a.rgb.length / sum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.width == width && f.height == height && Arrays.equals(f.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "Frame[" + width + "x" + height + "]";
    }
}
