package ai.unison.vision;

import ai.unison.io.Json;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Qwen2-VL / Qwen2.5-VL image and video preprocessing as upstream's {@code Qwen2VLImageProcessor}:
 * smart resize to multiples of {@code patch·merge} within [min_pixels, max_pixels], rescale to [0,1],
 * normalise with the CLIP mean/std, pad the frame count to a multiple of the temporal patch by
 * repeating the last frame, and flatten patches in merge-window order into
 * {@code pixel_values [t·h·w, C·T·P·P]} with {@code grid_thw = (t, h, w)} in patches.
 */
public final class Qwen2VLImageProcessor {
    /** One processed image or video. */
    public record Processed(Tensor pixelValues, int[] gridThw) {
        /** Merged tokens this input becomes in the language model. */
        public int tokens(int mergeSize) {
            return gridThw[0] * gridThw[1] * gridThw[2] / (mergeSize * mergeSize);
        }
    }

    private final int patch;
    private final int merge;
    private final int temporal;
    private final long minPixels;
    private final long maxPixels;
    private final float[] mean;
    private final float[] std;

    public Qwen2VLImageProcessor(int patch, int merge, int temporal, long minPixels, long maxPixels, float[] mean,
                                 float[] std) {
        this.patch = patch;
        this.merge = merge;
        this.temporal = temporal;
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Reads {@code preprocessor_config.json} from a model folder (upstream defaults where absent). */
    public static Qwen2VLImageProcessor load(Path dir) {
        Path f = dir.resolve("preprocessor_config.json");
        JsonNode n = Files.isRegularFile(f) ? Json.readTree(f) : Json.MAPPER.createObjectNode();
        return new Qwen2VLImageProcessor(n.path("patch_size").asInt(14), n.path("merge_size").asInt(2),
                n.path("temporal_patch_size").asInt(2), n.path("min_pixels").asLong(56L * 56),
                n.path("max_pixels").asLong(28L * 28 * 1280), floats(n.path("image_mean"),
                new float[]{0.48145466f, 0.4578275f, 0.40821073f}),
                floats(n.path("image_std"), new float[]{0.26862954f, 0.26130258f, 0.27577711f}));
    }

    private static float[] floats(JsonNode arr, float[] dflt) {
        if (!arr.isArray() || arr.size() != 3) {
            return dflt;
        }
        return new float[]{(float) arr.get(0).asDouble(), (float) arr.get(1).asDouble(), (float) arr.get(2).asDouble()};
    }

    public int mergeSize() {
        return merge;
    }

    /**
     * Upstream's {@code smart_resize}: the size nearest to (height, width) whose sides are multiples of
     * {@code patch·merge}, with area in [min_pixels, max_pixels]. Python rounds half to even.
     */
    public int[] smartResize(int height, int width) {
        int factor = patch * merge;
        if (height < factor || width < factor) {
            throw new IllegalArgumentException("image of " + width + "×" + height + " px is smaller than one "
                    + factor + "×" + factor + " merged patch");
        }
        if ((double) Math.max(height, width) / Math.min(height, width) > 200) {
            throw new IllegalArgumentException("image of " + width + "×" + height
                    + " px has an aspect ratio beyond 200");
        }
        long h = (long) Math.rint((double) height / factor) * factor;
        long w = (long) Math.rint((double) width / factor) * factor;
        if (h * w > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            h = (long) Math.floor(height / beta / factor) * factor;
            w = (long) Math.floor(width / beta / factor) * factor;
        } else if (h * w < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((double) height * width));
            h = (long) Math.ceil(height * beta / factor) * factor;
            w = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[]{(int) h, (int) w};
    }

    /** An image given as uint8 {@code [H, W, 3]}. */
    public Processed image(Tensor hwc) {
        return frames(hwc.unsqueeze(0));
    }

    /** A video (or a single image) given as uint8 {@code [T, H, W, 3]}; all frames share one size. */
    public Processed frames(Tensor thwc) {
        try (NativeScope step = NativeScope.open()) {
            long[] s = Torch.shape(thwc);
            if (s.length != 4 || s[3] != 3) {
                throw new IllegalArgumentException("frames must be [T, H, W, 3], got " + Torch.shapeString(s));
            }
            int[] size = smartResize((int) s[1], (int) s[2]);
            Tensor x = thwc.permute(0, 3, 1, 2).to(ScalarType.Float);            // [T, C, H, W] in 0..255
            if (size[0] != s[1] || size[1] != s[2]) {
                x = resizeBicubic(x, size[0], size[1]);
            }
            Tensor m = Torch.fromFloats(mean, 1, 3, 1, 1);
            Tensor sd = Torch.fromFloats(std, 1, 3, 1, 1);
            x = x.mul(Torch.scalar(1.0 / 255.0)).sub(m).div(sd);
            long t = x.size(0);
            if (t % temporal != 0) {
                Tensor last = x.narrow(0, t - 1, 1).expand(temporal - t % temporal, -1, -1, -1);
                x = torch.cat(new org.bytedeco.pytorch.TensorVector(x, last), 0);
            }
            long gt = x.size(0) / temporal;
            long gh = size[0] / patch;
            long gw = size[1] / patch;
            Tensor p = x.reshape(gt, temporal, 3, gh / merge, merge, patch, gw / merge, merge, patch)
                    .permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
                    .reshape(gt * gh * gw, 3L * temporal * patch * patch).contiguous();
            return new Processed(step.keep(p), new int[]{(int) gt, (int) gh, (int) gw});
        }
    }

    /** Bicubic resize of float pixels in 0..255, rounded and clamped back to 0..255 as PIL does. */
    private static Tensor resizeBicubic(Tensor tchw, int h, int w) {
        return Resize.bicubic(tchw, h, w).round().clamp(new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(0)),
                new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(255)));
    }

    /** The processed inputs of several attachments, in order. */
    public static int[][] grids(List<Processed> items) {
        return items.stream().map(Processed::gridThw).toArray(int[][]::new);
    }
}
