package ai.unison.io;

import ai.unison.runtime.Torch;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Collects the decoded frames a reader keeps into one uint8 tensor [T, H, W, 3]. Of a file's frames, at most
 * {@code maxFrames} are kept, spread uniformly over the clip ({@link Media#uniformIndices}); they may arrive in
 * any order (decoding order differs from display order in H.264 with B-frames). The tensor is allocated at the
 * first kept frame, in the {@code NativeScope} open on this thread.
 */
final class MediaFrameBuffer {
    private final Path file;
    private final MediaLimits limits;
    private final int sourceFrames;
    private final int[] kept;
    private int filled;
    private int width;
    private int height;
    private Tensor tensor;
    private BytePointer data;

    MediaFrameBuffer(Path file, int sourceFrames, int maxFrames, MediaLimits limits) {
        this.file = file;
        this.limits = limits;
        this.sourceFrames = sourceFrames;
        this.kept = Media.uniformIndices(sourceFrames, Math.min(sourceFrames, maxFrames));
    }

    /** Whether source frame {@code index} is one of the kept frames. */
    boolean wants(int index) {
        return Arrays.binarySearch(kept, index) >= 0;
    }

    /**
     * Stores kept source frame {@code index} (H×W×3 RGB bytes), in any order; every frame must have the first
     * one's size.
     */
    void put(int index, byte[] rgb, int width, int height) {
        int slot = Arrays.binarySearch(kept, index);
        if (slot < 0) {
            throw new IllegalArgumentException("source frame " + index + " is not kept");
        }
        if (tensor == null) {
            long bytes = (long) kept.length * width * height * 3;
            if (bytes > limits.maxDecodedBytes()) {
                throw new MediaException(file, kept.length + " frames of " + width + "x" + height + " take " + bytes
                        + " bytes, over the cap of " + limits.maxDecodedBytes() + " (MediaLimits.maxDecodedBytes)");
            }
            this.width = width;
            this.height = height;
            tensor = Torch.empty(ScalarType.Byte, kept.length, height, width, 3);
            data = new BytePointer(tensor.data_ptr()).capacity(bytes);
        } else if (width != this.width || height != this.height) {
            throw new MediaException(file, "frame size changes from " + this.width + "x" + this.height + " to "
                    + width + "x" + height + " at frame " + index);
        }
        data.position((long) slot * rgb.length).put(rgb, 0, rgb.length);
        filled++;
    }

    /** The kept frames, once all {@code decoded} source frames were offered; {@code sourceFps} is the file's rate. */
    Video finish(int decoded, double sourceFps) {
        if (decoded < sourceFrames || filled < kept.length) {
            throw new MediaException(file, "video declares " + sourceFrames + " frames, but only " + decoded
                    + " could be decoded");
        }
        return new Video(tensor, sourceFps * kept.length / sourceFrames, sourceFrames);
    }
}
