package ai.unison.io;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;

/** Pixels between {@link BufferedImage}s and packed H×W×3 RGB bytes. */
final class MediaPixels {
    private MediaPixels() {
    }

    /**
     * The image's pixels as H×W×3 RGB bytes. Alpha is dropped (the stored colour is kept, not composited),
     * grey is repeated into three channels, palettes are looked up, 16-bit samples keep their high byte.
     * Samples are taken as stored: an embedded ICC profile is not applied (as PIL does not).
     */
    static byte[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = image.getColorModel();
        int colours = cm.getNumColorComponents();
        if (storedAsIntegers(cm) && (colours == 1 || colours == 3)) {
            copySamples(image.getRaster(), cm, colours, out);
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int p = row[x];
                    out[o] = (byte) (p >> 16);
                    out[o + 1] = (byte) (p >> 8);
                    out[o + 2] = (byte) p;
                }
            }
        }
        return out;
    }

    /** Whether the samples can be read raw: unpremultiplied integer components of at most 16 bits. */
    private static boolean storedAsIntegers(ColorModel cm) {
        if (!(cm instanceof ComponentColorModel || cm instanceof DirectColorModel) || cm.isAlphaPremultiplied()) {
            return false;
        }
        int type = cm.getTransferType();
        if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT && type != DataBuffer.TYPE_INT) {
            return false;
        }
        for (int size : cm.getComponentSize()) {
            if (size < 1 || size > 16) {
                return false;
            }
        }
        return true;
    }

    /** Raw samples of a grey or RGB raster (bands in colour-model order, alpha last), scaled to 8 bits. */
    private static void copySamples(Raster raster, ColorModel cm, int colours, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int[][] scale = new int[colours][];
        for (int c = 0; c < colours; c++) {
            scale[c] = to8Bits(cm.getComponentSize(c));
        }
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, i = 0, o = y * w * 3; x < w; x++, i += bands, o += 3) {
                if (colours == 1) {
                    byte g = (byte) scale[0][row[i]];
                    out[o] = g;
                    out[o + 1] = g;
                    out[o + 2] = g;
                } else {
                    out[o] = (byte) scale[0][row[i]];
                    out[o + 1] = (byte) scale[1][row[i + 1]];
                    out[o + 2] = (byte) scale[2][row[i + 2]];
                }
            }
        }
    }

    /** A lookup from an n-bit sample to 8 bits: high byte for n > 8, rescaled for n < 8. */
    private static int[] to8Bits(int bits) {
        int[] t = new int[1 << bits];
        int max = (1 << bits) - 1;
        for (int v = 0; v <= max; v++) {
            t[v] = bits >= 8 ? v >> (bits - 8) : (v * 255 + max / 2) / max;
        }
        return t;
    }

    /** An 8-bit RGB image (TYPE_3BYTE_BGR) holding H×W×3 RGB bytes. */
    static BufferedImage image(byte[] rgb, int width, int height) {
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("expected " + width + "x" + height + "x3 bytes, got " + rgb.length);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }
}
