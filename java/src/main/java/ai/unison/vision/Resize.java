package ai.unison.vision;

import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Image resizing through libtorch's {@code interpolate}, on float {@code [N, C, H, W]} tensors. */
public final class Resize {
    private Resize() {
    }

    /** Bicubic (antialiased when shrinking, as PIL's BICUBIC filter) to height × width. */
    public static Tensor bicubic(Tensor nchw, int height, int width) {
        InterpolateFuncOptions o = new InterpolateFuncOptions();
        o.size().put(new LongVector(height, width));
        o.mode().put(new org.bytedeco.pytorch.kBicubic());
        o.align_corners().put(false);
        o.antialias().put(true);
        return torch.interpolate(nchw, o);
    }

    /** Bilinear (antialiased when shrinking) to height × width. */
    public static Tensor bilinear(Tensor nchw, int height, int width) {
        InterpolateFuncOptions o = new InterpolateFuncOptions();
        o.size().put(new LongVector(height, width));
        o.mode().put(new org.bytedeco.pytorch.kBilinear());
        o.align_corners().put(false);
        o.antialias().put(true);
        return torch.interpolate(nchw, o);
    }

    /** Nearest neighbour to height × width (for masks). */
    public static Tensor nearest(Tensor nchw, int height, int width) {
        InterpolateFuncOptions o = new InterpolateFuncOptions();
        o.size().put(new LongVector(height, width));
        o.mode().put(new org.bytedeco.pytorch.kNearestExact());
        return torch.interpolate(nchw, o);
    }
}
