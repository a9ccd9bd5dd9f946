package ai.unison.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * One frame as palette indices for GIF. A frame of at most 256 colours keeps them exactly; a frame with more
 * is reduced to 256 by median cut (no dithering).
 */
final class GifPalette {
    private static final int MAX_COLOURS = 256;

    /** Packed 0xRRGGBB entries, sorted for exact palettes. */
    final int[] colours;
    /** One palette index per pixel. */
    final byte[] indices;

    private GifPalette(int[] colours, byte[] indices) {
        this.colours = colours;
        this.indices = indices;
    }

    /** Indexes H×W×3 RGB bytes. */
    static GifPalette of(byte[] rgb) {
        ColourMap counts = new ColourMap(1024);
        int last = -1;
        int run = 0;
        for (int i = 0; i < rgb.length; i += 3) {
            int c = packed(rgb, i);
            if (c != last) {
                if (run > 0) {
                    counts.add(last, run);
                }
                last = c;
                run = 0;
            }
            run++;
        }
        counts.add(last, run);

        int[] distinct = counts.keys();
        ColourMap index = new ColourMap(distinct.length * 2);
        int[] palette;
        if (distinct.length <= MAX_COLOURS) {
            palette = distinct;
            Arrays.sort(palette);
            for (int i = 0; i < palette.length; i++) {
                index.put(palette[i], i);
            }
        } else {
            int[] weights = new int[distinct.length];
            for (int i = 0; i < distinct.length; i++) {
                weights[i] = counts.get(distinct[i]);
            }
            palette = medianCut(distinct, weights, index);
        }

        byte[] indices = new byte[rgb.length / 3];
        last = -1;
        int lastIndex = 0;
        for (int i = 0, p = 0; i < rgb.length; i += 3, p++) {
            int c = packed(rgb, i);
            if (c != last) {
                last = c;
                lastIndex = index.get(c);
            }
            indices[p] = (byte) lastIndex;
        }
        return new GifPalette(palette, indices);
    }

    /** An indexed image over this palette, padded to a power-of-two size as GIF colour tables are. */
    BufferedImage image(int width, int height) {
        int size = 2;
        while (size < colours.length) {
            size *= 2;
        }
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        for (int i = 0; i < colours.length; i++) {
            r[i] = (byte) (colours[i] >> 16);
            g[i] = (byte) (colours[i] >> 8);
            b[i] = (byte) colours[i];
        }
        IndexColorModel model = new IndexColorModel(8, size, r, g, b);
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(indices, indices.length),
                width, height, width, 1, new int[]{0}, null);
        return new BufferedImage(model, raster, false, null);
    }

    private static int packed(byte[] rgb, int i) {
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF;
    }

    private static int channel(int colour, int c) {
        return colour >> (16 - 8 * c) & 0xFF;
    }

    /**
     * Splits the colours into at most 256 boxes, each time halving (by pixel count) the box with the widest
     * channel range along that channel. Each box becomes its pixel-weighted mean colour; {@code index} maps
     * every colour to its box.
     */
    private static int[] medianCut(int[] colours, int[] weights, ColourMap index) {
        int[] start = new int[MAX_COLOURS];
        int[] end = new int[MAX_COLOURS];
        int[] axis = new int[MAX_COLOURS];
        int[] range = new int[MAX_COLOURS];
        start[0] = 0;
        end[0] = colours.length;
        measure(colours, 0, colours.length, axis, range, 0);
        int boxes = 1;
        int[] tmpColours = new int[colours.length];
        int[] tmpWeights = new int[colours.length];
        while (boxes < MAX_COLOURS) {
            int pick = -1;
            for (int b = 0; b < boxes; b++) {
                if (end[b] - start[b] >= 2 && (pick < 0 || range[b] > range[pick])) {
                    pick = b;
                }
            }
            if (pick < 0 || range[pick] == 0) {
                break;
            }
            int s = start[pick];
            int e = end[pick];
            sortByChannel(colours, weights, s, e, axis[pick], tmpColours, tmpWeights);
            long total = 0;
            for (int i = s; i < e; i++) {
                total += weights[i];
            }
            long sum = 0;
            int split = s + 1;
            for (int i = s; i < e - 1; i++) {
                sum += weights[i];
                split = i + 1;
                if (2 * sum >= total) {
                    break;
                }
            }
            end[pick] = split;
            start[boxes] = split;
            end[boxes] = e;
            measure(colours, s, split, axis, range, pick);
            measure(colours, split, e, axis, range, boxes);
            boxes++;
        }
        int[] palette = new int[boxes];
        for (int b = 0; b < boxes; b++) {
            long r = 0;
            long g = 0;
            long bl = 0;
            long n = 0;
            for (int i = start[b]; i < end[b]; i++) {
                int c = colours[i];
                long w = weights[i];
                r += channel(c, 0) * w;
                g += channel(c, 1) * w;
                bl += channel(c, 2) * w;
                n += w;
                index.put(c, b);
            }
            palette[b] = (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((bl + n / 2) / n);
        }
        return palette;
    }

    /** Records the widest channel of colours[s, e) and its range for box {@code b}. */
    private static void measure(int[] colours, int s, int e, int[] axis, int[] range, int b) {
        int best = 0;
        int bestRange = -1;
        for (int c = 0; c < 3; c++) {
            int lo = 255;
            int hi = 0;
            for (int i = s; i < e; i++) {
                int v = channel(colours[i], c);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi - lo > bestRange) {
                bestRange = hi - lo;
                best = c;
            }
        }
        axis[b] = best;
        range[b] = bestRange;
    }

    /** Counting sort of colours[s, e) (with their weights) by one channel. */
    private static void sortByChannel(int[] colours, int[] weights, int s, int e, int c, int[] tmpColours, int[] tmpWeights) {
        int[] offsets = new int[257];
        for (int i = s; i < e; i++) {
            offsets[channel(colours[i], c) + 1]++;
        }
        for (int v = 0; v < 256; v++) {
            offsets[v + 1] += offsets[v];
        }
        for (int i = s; i < e; i++) {
            int at = s + offsets[channel(colours[i], c)]++;
            tmpColours[at] = colours[i];
            tmpWeights[at] = weights[i];
        }
        System.arraycopy(tmpColours, s, colours, s, e - s);
        System.arraycopy(tmpWeights, s, weights, s, e - s);
    }

    /** Open-addressing map from a packed 0xRRGGBB colour to an int. */
    private static final class ColourMap {
        private int[] keys;
        private int[] values;
        private int size;

        ColourMap(int expected) {
            int capacity = 16;
            while (capacity < expected * 2) {
                capacity *= 2;
            }
            keys = new int[capacity];
            values = new int[capacity];
            Arrays.fill(keys, -1);
        }

        private int slot(int key) {
            int mask = keys.length - 1;
            int h = key * 0x9E3779B9;
            int i = (h ^ h >>> 16) & mask;
            while (keys[i] != -1 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        void add(int key, int delta) {
            int i = insert(key); // first: inserting may grow (replace) the arrays
            values[i] += delta;
        }

        void put(int key, int value) {
            int i = insert(key);
            values[i] = value;
        }

        /** The slot of {@code key}, adding it with value 0 when absent. */
        private int insert(int key) {
            if ((size + 1) * 2 > keys.length) {
                grow();
            }
            int i = slot(key);
            if (keys[i] == -1) {
                keys[i] = key;
                values[i] = 0;
                size++;
            }
            return i;
        }

        int get(int key) {
            int i = slot(key);
            return keys[i] == -1 ? -1 : values[i];
        }

        int[] keys() {
            int[] out = new int[size];
            int n = 0;
            for (int k : keys) {
                if (k != -1) {
                    out[n++] = k;
                }
            }
            return out;
        }

        private void grow() {
            int[] oldKeys = keys;
            int[] oldValues = values;
            keys = new int[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            Arrays.fill(keys, -1);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != -1) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
    }
}
