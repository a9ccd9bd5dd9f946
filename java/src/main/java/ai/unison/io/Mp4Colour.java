package ai.unison.io;

import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.NALUnit;
import org.jcodec.codecs.h264.io.model.NALUnitType;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

import java.nio.ByteBuffer;

/**
 * Y'CbCr ⇄ RGB for one matrix (luma weights {@code kr}, {@code kb}) and range. Limited ("TV") range puts Y' in
 * 16..235 and Cb, Cr in 16..240; full range uses 0..255. JCodec pictures hold 8-bit samples minus 128.
 */
record Mp4Colour(double kr, double kb, boolean fullRange) {
    /** What decoders assume for an untagged stream, and what the writer produces. */
    static final Mp4Colour BT601_LIMITED = new Mp4Colour(0.299, 0.114, false);

    /**
     * The colour description in the stream's sequence parameter set (its VUI): BT.709 or BT.2020 matrices
     * when tagged so, BT.601 otherwise; full range only when flagged. {@code codecPrivate} holds the parameter
     * sets in Annex B form, as JCodec's MP4 demuxer gives them.
     */
    static Mp4Colour of(ByteBuffer codecPrivate) {
        if (codecPrivate == null) {
            return BT601_LIMITED;
        }
        try {
            ByteBuffer stream = codecPrivate.duplicate();
            for (ByteBuffer nal = H264Utils.nextNALUnit(stream); nal != null; nal = H264Utils.nextNALUnit(stream)) {
                ByteBuffer rbsp = ByteBuffer.allocate(nal.remaining()).put(nal.duplicate());
                rbsp.flip();
                H264Utils.unescapeNAL(rbsp);
                if (NALUnit.read(rbsp).type == NALUnitType.SPS) {
                    return of(SeqParameterSet.read(rbsp).vuiParams);
                }
            }
        } catch (RuntimeException e) {
            // an unparsable parameter set leaves decoding to fail or succeed on its own; assume the default
        }
        return BT601_LIMITED;
    }

    private static Mp4Colour of(VUIParameters vui) {
        if (vui == null || !vui.videoSignalTypePresentFlag) {
            return BT601_LIMITED;
        }
        int matrix = vui.colourDescriptionPresentFlag ? vui.matrixCoefficients : 2;
        return switch (matrix) {
            case 1 -> new Mp4Colour(0.2126, 0.0722, vui.videoFullRangeFlag);
            case 9, 10 -> new Mp4Colour(0.2627, 0.0593, vui.videoFullRangeFlag);
            default -> new Mp4Colour(0.299, 0.114, vui.videoFullRangeFlag);
        };
    }

    private double lumaScale() {
        return fullRange ? 1 : 219 / 255.0;
    }

    private double chromaScale() {
        return fullRange ? 1 : 224 / 255.0;
    }

    private int lumaOffset() {
        return fullRange ? 0 : 16;
    }

    /**
     * Converts a decoded picture (its crop window) to H×W×3 RGB bytes. Chroma is upsampled by repetition;
     * 4:2:0, 4:2:2, 4:4:4 and monochrome pictures are handled.
     */
    byte[] rgb(Picture picture) {
        int w = picture.getCroppedWidth();
        int h = picture.getCroppedHeight();
        Rect crop = picture.getCrop();
        int x0 = crop == null ? 0 : crop.getX();
        int y0 = crop == null ? 0 : crop.getY();
        ColorSpace space = picture.getColor();
        boolean mono = space.nComp < 3 || picture.getData().length < 3 || picture.getPlaneData(1) == null;
        byte[] luma = picture.getPlaneData(0);
        int lumaStride = picture.getPlaneWidth(0);
        byte[] cb = mono ? null : picture.getPlaneData(1);
        byte[] cr = mono ? null : picture.getPlaneData(2);
        int chromaStride = mono ? 0 : picture.getPlaneWidth(1);
        int sx = mono ? 0 : space.compWidth[1];
        int sy = mono ? 0 : space.compHeight[1];

        double kg = 1 - kr - kb;
        double cs = 1 / chromaScale();
        int cy = fixed(1 / lumaScale());
        int crToR = fixed(2 * (1 - kr) * cs);
        int cbToG = fixed(2 * kb * (1 - kb) / kg * cs);
        int crToG = fixed(2 * kr * (1 - kr) / kg * cs);
        int cbToB = fixed(2 * (1 - kb) * cs);
        int yOffset = lumaOffset();

        byte[] out = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            int lumaRow = (y0 + y) * lumaStride + x0;
            int chromaRow = ((y0 + y) >> sy) * chromaStride;
            for (int x = 0; x < w; x++, o += 3) {
                int l = cy * (luma[lumaRow + x] + 128 - yOffset) + (1 << 15);
                if (mono) {
                    out[o] = out[o + 1] = out[o + 2] = clamp(l >> 16);
                    continue;
                }
                int c = chromaRow + ((x0 + x) >> sx);
                int u = cb[c];
                int v = cr[c];
                out[o] = clamp((l + crToR * v) >> 16);
                out[o + 1] = clamp((l - cbToG * u - crToG * v) >> 16);
                out[o + 2] = clamp((l + cbToB * u) >> 16);
            }
        }
        return out;
    }

    /**
     * Fills a 4:2:0 picture (even size, at least {@code width} × {@code height}) from H×W×3 RGB bytes. Columns
     * and rows beyond the source repeat its last column and row; each chroma sample is the mean of its 2×2
     * block.
     */
    void toYuv420(byte[] rgb, int width, int height, Picture picture) {
        int pw = picture.getPlaneWidth(0);
        int ph = picture.getPlaneHeight(0);
        byte[] luma = picture.getPlaneData(0);
        byte[] cb = picture.getPlaneData(1);
        byte[] cr = picture.getPlaneData(2);
        int cw = picture.getPlaneWidth(1);
        double kg = 1 - kr - kb;
        double ls = lumaScale();
        double cs = chromaScale();
        int yr = fixed(kr * ls);
        int yg = fixed(kg * ls);
        int yb = fixed(kb * ls);
        // Cb = (B - Y) / (2 (1 - kb)), Cr = (R - Y) / (2 (1 - kr)), scaled to the chroma range
        int ur = fixed(-kr / (2 * (1 - kb)) * cs);
        int ug = fixed(-kg / (2 * (1 - kb)) * cs);
        int ub = fixed(0.5 * cs);
        int vr = fixed(0.5 * cs);
        int vg = fixed(-kg / (2 * (1 - kr)) * cs);
        int vb = fixed(-kb / (2 * (1 - kr)) * cs);
        int yOffset = lumaOffset();
        for (int y = 0; y < ph; y += 2) {
            for (int x = 0; x < pw; x += 2) {
                int rs = 0;
                int gs = 0;
                int bs = 0;
                for (int dy = 0; dy < 2; dy++) {
                    int sy = Math.min(y + dy, height - 1);
                    for (int dx = 0; dx < 2; dx++) {
                        int i = (sy * width + Math.min(x + dx, width - 1)) * 3;
                        int r = rgb[i] & 0xFF;
                        int g = rgb[i + 1] & 0xFF;
                        int b = rgb[i + 2] & 0xFF;
                        luma[(y + dy) * pw + x + dx] = (byte) (((yr * r + yg * g + yb * b + (1 << 15)) >> 16) + yOffset - 128);
                        rs += r;
                        gs += g;
                        bs += b;
                    }
                }
                int c = (y >> 1) * cw + (x >> 1);
                cb[c] = (byte) clampSigned((ur * rs + ug * gs + ub * bs + (1 << 17)) >> 18);
                cr[c] = (byte) clampSigned((vr * rs + vg * gs + vb * bs + (1 << 17)) >> 18);
            }
        }
    }

    private static int fixed(double v) {
        return (int) Math.round(v * 65536);
    }

    private static byte clamp(int v) {
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    private static int clampSigned(int v) {
        return v < -128 ? -128 : Math.min(v, 127);
    }
}
