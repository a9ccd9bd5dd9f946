package ai.unison.io;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decoded video: {@code frames} is a uint8 tensor [T, H, W, 3] (RGB, row-major), shown at {@code fps} frames
 * per second. {@code sourceFrames} is how many frames the file holds; when a reader kept fewer (spread
 * uniformly over the clip), {@code fps} is the rate of the kept frames, so {@link #durationSeconds()} is the
 * clip's duration either way.
 *
 * <p>The tensor belongs to the {@link ai.unison.runtime.NativeScope} open when it was made, or to the caller
 * when none was.
 */
public record Video(Tensor frames, double fps, int sourceFrames) {
    public Video {
        long[] s = Torch.shape(frames);
        if (s.length != 4 || s[3] != 3 || s[0] < 1 || frames.scalar_type().value != ScalarType.Byte.value) {
            throw new IllegalArgumentException("video frames must be a uint8 tensor [T, H, W, 3] with T >= 1, got "
                    + frames.scalar_type() + " " + Torch.shapeString(s));
        }
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be positive and finite, got " + fps);
        }
        if (sourceFrames < s[0]) {
            throw new IllegalArgumentException("sourceFrames " + sourceFrames + " is less than the " + s[0] + " frames held");
        }
    }

    /** T: the frames in {@link #frames()}. */
    public int frameCount() {
        return (int) Torch.shape(frames)[0];
    }

    public int height() {
        return (int) Torch.shape(frames)[1];
    }

    public int width() {
        return (int) Torch.shape(frames)[2];
    }

    public double durationSeconds() {
        return frameCount() / fps;
    }
}
