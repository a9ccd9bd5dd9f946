package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.world.Frame;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Reading and writing images and videos as uint8 RGB tensors on the CPU: images are [H, W, 3], videos
 * [T, H, W, 3], both row-major with channels last.
 *
 * <ul>
 *   <li>Images: PNG and JPEG (extensions png, jpg, jpeg). Grey and palette images become RGB; alpha is dropped
 *       (the stored colour is kept, not composited); 16-bit samples keep their high byte; ICC profiles and EXIF
 *       orientation are ignored, so a rotated phone photo reads as stored.
 *   <li>Videos: H.264 in MP4/MOV (through JCodec) and animated GIF (extensions mp4, mov, gif). AVI is not
 *       supported: JCodec has no AVI demuxer.
 * </ul>
 *
 * <p>Every failure about a file is a {@link MediaException} naming it. Tensors returned belong to the
 * {@link NativeScope} open on the calling thread, or to the caller when none is. Writes are atomic: a
 * temporary file beside the target is renamed over it when complete.
 */
public final class Media {
    /** Qwen2-VL's default sampling rate for video input, frames per second. */
    public static final double DEFAULT_SAMPLE_FPS = 2.0;
    /** Qwen2-VL's default cap on sampled frames. */
    public static final int DEFAULT_SAMPLE_MAX_FRAMES = 768;
    private static final int SAMPLE_MIN_FRAMES = 4;
    private static final int FRAME_FACTOR = 2;

    private Media() {
    }

    // ---------------------------------------------------------------- reading

    /** Reads a PNG or JPEG image as a uint8 tensor [H, W, 3] under {@link MediaLimits#DEFAULT}. */
    public static Tensor readImage(Path file) {
        return readImage(file, MediaLimits.DEFAULT);
    }

    /** Reads a PNG or JPEG image as a uint8 tensor [H, W, 3]; the size is checked before pixels are decoded. */
    public static Tensor readImage(Path file, MediaLimits limits) {
        BufferedImage image = readBufferedImage(file, limits);
        return Torch.fromBytes(MediaPixels.rgb(image), image.getHeight(), image.getWidth(), 3);
    }

    /**
     * Width, height and frame count of an image or video file, for sizing an output after it: images
     * read only their header; videos are decoded (one frame kept). Errors as the readers'.
     */
    public static int[] dimensions(Path file) {
        String ext = MediaFiles.extension(file);
        if (!MediaFiles.IMAGE_EXTENSIONS.contains(ext)) {
            try (NativeScope scope = NativeScope.open()) {
                Video v = readVideo(file, 1);
                long[] s = Torch.shape(v.frames());
                return new int[] {(int) s[2], (int) s[1], v.sourceFrames()};
            }
        }
        MediaFiles.requireReadable(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new MediaException(file, "not a PNG or JPEG image (unrecognised data)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0), 1};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new MediaException(file, "corrupt, truncated or unsupported image data (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage readBufferedImage(Path file, MediaLimits limits) {
        MediaFiles.requireReadable(file);
        if (!MediaFiles.IMAGE_EXTENSIONS.contains(MediaFiles.extension(file))) {
            if (MediaFiles.VIDEO_EXTENSIONS.contains(MediaFiles.extension(file))) {
                throw new MediaException(file, "is a video; read it with readVideo (images: "
                        + String.join(", ", MediaFiles.IMAGE_EXTENSIONS) + ")");
            }
            throw MediaFiles.unsupported(file, "image", MediaFiles.IMAGE_EXTENSIONS);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new MediaException(file, "not a PNG or JPEG image (unrecognised data)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            if (!format.equals("png") && !format.equals("jpeg")) {
                throw new MediaException(file, "holds " + format.toUpperCase(Locale.ROOT) + " data, not PNG or JPEG");
            }
            try {
                reader.setInput(in, true, true);
                limits.checkPixels(file, reader.getWidth(0), reader.getHeight(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener(new IIOReadWarningListener() {
                    @Override
                    public void warningOccurred(ImageReader source, String warning) {
                        warnings.add(warning);
                    }
                });
                BufferedImage image = reader.read(0);
                for (String w : warnings) {
                    if (w.toLowerCase(Locale.ROOT).contains("premature end")) {
                        throw new MediaException(file, "truncated image data (" + w + ")");
                    }
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IIOException e) {
            throw new MediaException(file, "corrupt, truncated or unsupported image data (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof MediaException m) {
                throw m;
            }
            throw new MediaException(file, "cannot read image: " + e, e);
        }
    }

    /** Frame rate given to pixels passed in memory ({@link ai.unison.api.Input.Pixels}), which carry none. */
    public static final double PIXELS_FPS = 24.0;

    /**
     * A request attachment decoded to uint8 frames [T, H, W, 3]: pixels in memory as they are (at
     * {@link #PIXELS_FPS}), an image file as one frame, a video file as {@link #readVideo(Path, int)} reads it
     * (at most {@code maxFrames}). Encoded bytes ({@link ai.unison.api.Input.Bytes}) must have been spilled to a
     * file first; that is an error naming the attachment.
     */
    public static Video read(ai.unison.api.Input input, boolean image, int maxFrames) {
        if (input instanceof ai.unison.api.Input.Pixels p) {
            ai.unison.api.Frames f = p.frames();
            return new Video(Torch.fromBytes(f.toBytes(), f.count(), f.height(), f.width(), f.channels()), PIXELS_FPS,
                    f.count());
        }
        if (input instanceof ai.unison.api.Input.File file) {
            if (image) {
                return new Video(readImage(file.path()).unsqueeze(0), PIXELS_FPS, 1);
            }
            return readVideo(file.path(), maxFrames);
        }
        throw new IllegalArgumentException("attachment '" + input.name() + "' must be a file or pixels here");
    }

    /**
     * Reads at most {@code maxFrames} frames of a video under {@link MediaLimits#DEFAULT}; see
     * {@link #readVideo(Path, int, MediaLimits)}.
     */
    public static Video readVideo(Path file, int maxFrames) {
        return readVideo(file, maxFrames, MediaLimits.DEFAULT);
    }

    /**
     * Reads an MP4/MOV (H.264) or animated GIF as uint8 frames [T, H, W, 3]. Every frame is decoded; when the
     * file has more than {@code maxFrames}, {@code maxFrames} of them are kept, spread uniformly over the clip
     * (indices round(linspace(0, N - 1, maxFrames))), and {@link Video#fps()} is the rate of those kept.
     *
     * <p>MP4: frames are returned in presentation order; fps is frames over the track's duration; colours follow
     * the stream's VUI (BT.601/709/2020, limited or full range; untagged means BT.601 limited); rotation
     * metadata is ignored. GIF: frames are composited as browsers do (offsets, transparency, disposal), starting
     * from the background colour of the global colour table (black without one); fps is frames over the
     * summed delays, a delay under 2/100 s counting as 1/10 s.
     */
    public static Video readVideo(Path file, int maxFrames, MediaLimits limits) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be at least 1, got " + maxFrames);
        }
        MediaFiles.requireReadable(file);
        String ext = MediaFiles.extension(file);
        try (NativeScope scope = NativeScope.open()) {
            Video video = switch (ext) {
                case "mp4", "mov" -> Mp4Codec.read(file, maxFrames, limits);
                case "gif" -> GifCodec.read(file, maxFrames, limits);
                case "avi" -> throw new MediaException(file, "AVI video is not supported (JCodec has no AVI demuxer);"
                        + " convert it, e.g. ffmpeg -i in.avi -c:v libx264 out.mp4; supported: "
                        + String.join(", ", MediaFiles.VIDEO_EXTENSIONS));
                default -> throw MediaFiles.IMAGE_EXTENSIONS.contains(ext)
                        ? new MediaException(file, "is an image; read it with readImage (videos: "
                        + String.join(", ", MediaFiles.VIDEO_EXTENSIONS) + ")")
                        : MediaFiles.unsupported(file, "video", MediaFiles.VIDEO_EXTENSIONS);
            };
            scope.keep(video.frames());
            return video;
        } catch (IIOException e) {
            throw new MediaException(file, "corrupt, truncated or unsupported video data (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof MediaException m) {
                throw m;
            }
            throw new MediaException(file, "corrupt or unsupported video data (" + e + ")", e);
        }
    }

    // ---------------------------------------------------------------- sampling

    /** {@link #sampleFrames(Video, double, int)} at 2 fps and at most 768 frames, Qwen2-VL's defaults. */
    public static Tensor sampleFrames(Video video) {
        return sampleFrames(video, DEFAULT_SAMPLE_FPS, DEFAULT_SAMPLE_MAX_FRAMES);
    }

    /**
     * Frames sampled uniformly as Qwen2-VL's video reader does: n = T / fps × targetFps, clamped to
     * [4, min(maxFrames, T)] and rounded down to a multiple of 2 (at least 2, so a one-frame video gives its
     * frame twice), taken at indices round(linspace(0, T - 1, n)). The result is uint8 [n, H, W, 3]; its
     * rate is n / T × {@code video.fps()}.
     */
    public static Tensor sampleFrames(Video video, double targetFps, int maxFrames) {
        int[] idx = sampledIndices(video.frameCount(), video.fps(), targetFps, maxFrames);
        long[] longs = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            longs[i] = idx[i];
        }
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(video.frames().index_select(0, Torch.fromLongs(longs, longs.length)));
        }
    }

    /**
     * The indices of the frames {@link #sampleFrames(Video, double, int)} keeps from a video of {@code total} frames
     * at {@code fps} (for a trainer that needs to know which source frame each vision token saw).
     */
    public static int[] sampledIndices(int total, double fps, double targetFps, int maxFrames) {
        return uniformIndices(total, sampledFrameCount(total, fps, targetFps, maxFrames));
    }

    /** Qwen2-VL's {@code smart_nframes}, with at least 2 frames. */
    static int sampledFrameCount(int total, double fps, double targetFps, int maxFrames) {
        if (!(targetFps > 0) || Double.isInfinite(targetFps)) {
            throw new IllegalArgumentException("target fps must be positive and finite, got " + targetFps);
        }
        if (maxFrames < FRAME_FACTOR) {
            throw new IllegalArgumentException("maxFrames must be at least " + FRAME_FACTOR + ", got " + maxFrames);
        }
        int min = ceilBy(SAMPLE_MIN_FRAMES, FRAME_FACTOR);
        int max = floorBy(Math.min(maxFrames, total), FRAME_FACTOR);
        double n = Math.min(Math.min(Math.max(total / fps * targetFps, min), max), total);
        return Math.max(FRAME_FACTOR, floorBy((int) Math.floor(n), FRAME_FACTOR));
    }

    /**
     * {@code n} indices over {@code [0, total)}: round(linspace(0, total - 1, n)) computed as PyTorch does in
     * float32 (from both ends towards the middle, halves to even), so indices match Qwen2-VL's.
     */
    static int[] uniformIndices(int total, int n) {
        int[] out = new int[n];
        if (n == 1) {
            return out;
        }
        float end = total - 1;
        float step = end / (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            float v = i < half ? step * i : end - step * (n - 1 - i);
            out[i] = (int) Math.rint(v);
        }
        return out;
    }

    private static int floorBy(int v, int factor) {
        return Math.floorDiv(v, factor) * factor;
    }

    private static int ceilBy(int v, int factor) {
        return -Math.floorDiv(-v, factor) * factor;
    }

    // ---------------------------------------------------------------- writing

    /** Writes a uint8 [H, W, 3] tensor as an 8-bit RGB PNG, atomically. */
    public static void writePng(Path file, Tensor hwc) {
        long[] s = requireShape(file, hwc, 3);
        BufferedImage image = MediaPixels.image(Torch.toBytes(hwc), (int) s[1], (int) s[0]);
        MediaFiles.writeAtomically(file, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in javax.imageio");
            }
        });
    }

    /**
     * Writes a uint8 [T, H, W, 3] tensor as an animated GIF that loops forever, atomically. A frame with at
     * most 256 colours keeps them exactly (one palette per frame); a frame with more is reduced to 256 by
     * median cut. Delays are whole hundredths of a second, rounded so that the average rate is {@code fps};
     * {@code fps} may be at most 50, the fastest rate browsers play as written.
     */
    public static void writeGif(Path file, Tensor thwc, double fps) {
        if (!(fps > 0) || fps > GifCodec.MAX_FPS) {
            throw new MediaException(file, "GIF frame rate must be in (0, " + GifCodec.MAX_FPS + "] fps, got " + fps);
        }
        writeVideo(file, thwc, (tmp, count, frame, w, h) -> GifCodec.write(tmp, count, frame, w, h, fps));
    }

    /**
     * Writes a uint8 [T, H, W, 3] tensor as H.264 in MP4 through JCodec, atomically. Colours are converted to
     * BT.601 limited-range 4:2:0 (what players assume for untagged video); the encoder uses I- and P-frames at
     * fixed quality. An odd width or height is padded to the next even number by repeating the last column or
     * row, so such a clip reads back one pixel wider or taller.
     */
    public static void writeMp4(Path file, Tensor thwc, double fps) {
        if (!(fps >= 0.001) || fps > 1000) {
            throw new MediaException(file, "MP4 frame rate must be in [0.001, 1000] fps, got " + fps);
        }
        writeVideo(file, thwc, (tmp, count, frame, w, h) -> Mp4Codec.write(tmp, count, frame, w, h, fps));
    }

    private interface VideoWriter {
        void write(Path tmp, int count, IntFunction<byte[]> frame, int width, int height) throws IOException;
    }

    private static void writeVideo(Path file, Tensor thwc, VideoWriter writer) {
        long[] s = requireShape(file, thwc, 4);
        IntFunction<byte[]> frame = i -> {
            try (NativeScope scope = NativeScope.open()) {
                return Torch.toBytes(thwc.select(0, i));
            }
        };
        MediaFiles.writeAtomically(file, tmp -> writer.write(tmp, (int) s[0], frame, (int) s[2], (int) s[1]));
    }

    /** The shape of a uint8 tensor [..., H, W, 3] of {@code rank} dimensions, all positive, or a MediaException. */
    private static long[] requireShape(Path file, Tensor t, int rank) {
        String problem = shapeProblem(t, rank);
        if (problem != null) {
            throw new MediaException(file, problem);
        }
        return Torch.shape(t);
    }

    private static String shapeProblem(Tensor t, int rank) {
        long[] s = Torch.shape(t);
        boolean ok = s.length == rank && s[rank - 1] == 3 && t.scalar_type().value == ScalarType.Byte.value;
        for (long d : s) {
            ok &= d > 0;
        }
        if (ok && s[rank - 2] * s[rank - 3] <= Integer.MAX_VALUE / 3) {
            return null;
        }
        return "expected a uint8 tensor " + (rank == 3 ? "[H, W, 3]" : "[T, H, W, 3]") + " with positive sizes, got "
                + t.scalar_type() + " " + Torch.shapeString(s);
    }

    private static long[] requireShape(Tensor t, int rank) {
        String problem = shapeProblem(t, rank);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return Torch.shape(t);
    }

    // ---------------------------------------------------------------- conversions

    /** A uint8 [H, W, 3] tensor as an 8-bit RGB image (TYPE_3BYTE_BGR). */
    public static BufferedImage toImage(Tensor hwc) {
        long[] s = requireShape(hwc, 3);
        return MediaPixels.image(Torch.toBytes(hwc), (int) s[1], (int) s[0]);
    }

    /** Any image as a uint8 tensor [H, W, 3], by the rules of {@link #readImage(Path)}. */
    public static Tensor fromImage(BufferedImage image) {
        return Torch.fromBytes(MediaPixels.rgb(image), image.getHeight(), image.getWidth(), 3);
    }

    /** A uint8 [H, W, 3] tensor as a shapes-world {@link Frame}. */
    public static Frame toFrame(Tensor hwc) {
        long[] s = requireShape(hwc, 3);
        return Frame.fromBytes((int) s[1], (int) s[0], Torch.toBytes(hwc));
    }

    /** A {@link Frame} as a uint8 tensor [H, W, 3]. */
    public static Tensor fromFrame(Frame frame) {
        return Torch.fromBytes(frame.toBytes(), frame.height(), frame.width(), 3);
    }

    /** A uint8 [T, H, W, 3] tensor as T frames. */
    public static List<Frame> toFrames(Tensor thwc) {
        long[] s = requireShape(thwc, 4);
        List<Frame> frames = new ArrayList<>((int) s[0]);
        for (int i = 0; i < s[0]; i++) {
            try (NativeScope scope = NativeScope.open()) {
                frames.add(Frame.fromBytes((int) s[2], (int) s[1], Torch.toBytes(thwc.select(0, i))));
            }
        }
        return frames;
    }

    /** Equal-sized frames as a uint8 tensor [T, H, W, 3]. */
    public static Tensor fromFrames(List<Frame> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames");
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        byte[] all = new byte[Math.multiplyExact(frames.size(), w * h * 3)];
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("frame " + i + " is " + f.width() + "x" + f.height()
                        + ", frame 0 is " + w + "x" + h);
            }
            System.arraycopy(f.toBytes(), 0, all, i * w * h * 3, w * h * 3);
        }
        return Torch.fromBytes(all, frames.size(), h, w, 3);
    }
}
