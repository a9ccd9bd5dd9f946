package ai.unison.io;

import java.nio.file.Path;

/**
 * Caps that keep a huge or hostile file from exhausting memory or time. A file over a cap fails with a
 * {@link MediaException} naming the cap, before its pixels are decoded.
 *
 * @param maxPixels       most pixels (width × height) in one image or video frame
 * @param maxFrames       most frames a video file may hold (all of them are decoded, even when fewer are kept)
 * @param maxDecodedBytes most bytes in one decoded video tensor (T × H × W × 3)
 */
public record MediaLimits(long maxPixels, int maxFrames, long maxDecodedBytes) {
    /** 8192 × 8192 pixels, 10 000 frames, 4 GiB. */
    public static final MediaLimits DEFAULT = new MediaLimits(8192L * 8192, 10_000, 4L << 30);

    public MediaLimits {
        if (maxPixels < 1 || maxFrames < 1 || maxDecodedBytes < 1) {
            throw new IllegalArgumentException("media limits must be positive, got maxPixels=" + maxPixels
                    + ", maxFrames=" + maxFrames + ", maxDecodedBytes=" + maxDecodedBytes);
        }
    }

    void checkPixels(Path file, long width, long height) {
        if (width < 1 || height < 1) {
            throw new MediaException(file, "has no pixels (" + width + "x" + height + ")");
        }
        if (width * height > maxPixels) {
            throw new MediaException(file, "size " + width + "x" + height + " = " + width * height
                    + " pixels is over the cap of " + maxPixels + " (MediaLimits.maxPixels)");
        }
    }

    void checkFrames(Path file, long frames) {
        if (frames < 1) {
            throw new MediaException(file, "video has no frames");
        }
        if (frames > maxFrames) {
            throw new MediaException(file, "video has " + frames + " frames, over the cap of " + maxFrames
                    + " (MediaLimits.maxFrames)");
        }
    }
}
