package ai.unison.diffusion.wan;

import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.vision.Resize;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * What VACE conditions one generation on, in pixel space, before the VAE: the context video, its mask
 * (1 = generate, 0 = keep) and the reference images — what diffusers' {@code WanVACEPipeline} builds in
 * {@code preprocess_conditions} — made from a {@link Plan} and its attachments per task:
 *
 * <ul>
 *   <li>{@code text_to_image} / {@code text_to_video}: an empty (zero) video, all mask.</li>
 *   <li>{@code image_edit} / {@code video_edit}: the source with the edit mask (white = edit); a video
 *       edit without a mask attachment ({@code M = S}) masks the region that moves across the frames.</li>
 *   <li>{@code image_control} / {@code video_control}: the control frames as the video, all mask.</li>
 *   <li>{@code image_reference} / {@code video_reference}: every image attachment letterboxed onto a
 *       white canvas of the output size as a reference; zero video, all mask.</li>
 *   <li>{@code image_to_video}: the image as the first (or, with {@code frameRef} last) frame, unmasked;
 *       the other frames zero and masked.</li>
 * </ul>
 *
 * Inputs whose size differs from the executed size are resized (bilinear; masks nearest) and the
 * {@link #notes()} say so. {@link #controlLatents} then does {@code prepare_video_latents} and
 * {@code prepare_masks}. Tensors are float32 on the CPU and owned by this object.
 */
public final class VaceInputs implements AutoCloseable {
    /** Per-pixel change (0..1, any channel) across frames above which a pixel counts as moving. */
    static final double MOTION_THRESHOLD = 24.0 / 255.0;
    /** Pixels added around the moving region of a video edit without a mask (max-pool radius). */
    static final int MOTION_DILATION = 2;

    private final Tensor video;
    private final Tensor mask;
    private final List<Tensor> references;
    private final List<String> notes;

    private VaceInputs(Tensor video, Tensor mask, List<Tensor> references, List<String> notes) {
        this.video = video;
        this.mask = mask;
        this.references = List.copyOf(references);
        this.notes = List.copyOf(notes);
    }

    /**
     * The VACE inputs for a generation plan. {@code attachments.get(i)} holds the pixels of
     * {@code plan.attachments().get(i)}; {@code executed} is the (snapped, complete) size to generate.
     *
     * @throws IllegalArgumentException naming the attachment when one is missing or of the wrong kind
     */
    public static VaceInputs forTask(Plan plan, List<Frames> attachments, Size executed) {
        Objects.requireNonNull(plan, "plan");
        if (!executed.complete()) {
            throw new IllegalArgumentException("executed size " + executed + " is incomplete");
        }
        if (attachments.size() != plan.attachments().size()) {
            throw new IllegalArgumentException("plan has " + plan.attachments().size() + " attachments but "
                    + attachments.size() + " were given");
        }
        int w = executed.width();
        int h = executed.height();
        int f = executed.frames();
        Task task = plan.task();
        if (task.isUnderstanding()) {
            throw new IllegalArgumentException(task + " is not a generation task");
        }
        if ((task.output() == Task.Modality.IMAGE) != (f == 1)) {
            throw new IllegalArgumentException(task + " cannot run with " + f + " frames");
        }
        List<String> notes = new ArrayList<>();
        try (NativeScope scope = NativeScope.open()) {
            Tensor video;
            Tensor mask;
            List<Tensor> refs = new ArrayList<>();
            switch (task) {
                case TEXT_TO_IMAGE, TEXT_TO_VIDEO -> {
                    video = torch.zeros(new long[] {1, 3, f, h, w}, Torch.options(ScalarType.Float));
                    mask = torch.ones(new long[] {1, 1, f, h, w}, Torch.options(ScalarType.Float));
                }
                case IMAGE_EDIT, VIDEO_EDIT -> {
                    Plan.Edit edit = plan.edit();
                    if (edit == null) {
                        throw new IllegalArgumentException(task + " needs the edit span (mask and source indices)");
                    }
                    int s = edit.source();
                    Attachment.Kind sourceKind = task == Task.IMAGE_EDIT ? Attachment.Kind.IMAGE : Attachment.Kind.VIDEO;
                    Frames source = attachment(plan, attachments, s, "the source", sourceKind);
                    video = pixels(source, f, w, h, "source " + name(plan, s), notes);
                    if (edit.mask() == s) {
                        if (task == Task.IMAGE_EDIT) {
                            throw new IllegalArgumentException("image_edit needs a mask attachment distinct from the"
                                    + " source; the plan names attachment " + s + " (" + name(plan, s) + ") for both");
                        }
                        mask = motionMask(video);
                        notes.add("no mask attachment: the mask is the region that moves across the frames of "
                                + name(plan, s));
                    } else {
                        Frames m = attachment(plan, attachments, edit.mask(), "the mask", null);
                        mask = maskPixels(m, f, w, h, source, name(plan, edit.mask()), name(plan, s), notes);
                    }
                }
                case IMAGE_CONTROL, VIDEO_CONTROL -> {
                    int i = firstVisual(plan, task);
                    Attachment.Kind kind = task == Task.IMAGE_CONTROL ? Attachment.Kind.IMAGE : Attachment.Kind.VIDEO;
                    Frames control = attachment(plan, attachments, i, "the control input", kind);
                    video = pixels(control, f, w, h, "control " + name(plan, i), notes);
                    mask = torch.ones(new long[] {1, 1, f, h, w}, Torch.options(ScalarType.Float));
                }
                case IMAGE_REFERENCE, VIDEO_REFERENCE -> {
                    for (int i = 0; i < plan.attachments().size(); i++) {
                        if (plan.attachments().get(i).kind() == Attachment.Kind.IMAGE) {
                            refs.add(letterbox(attachment(plan, attachments, i, "a reference", Attachment.Kind.IMAGE), w, h));
                        }
                    }
                    if (refs.isEmpty()) {
                        throw new IllegalArgumentException(task + " needs at least one reference image attachment; "
                                + "the plan has " + describe(plan));
                    }
                    video = torch.zeros(new long[] {1, 3, f, h, w}, Torch.options(ScalarType.Float));
                    mask = torch.ones(new long[] {1, 1, f, h, w}, Torch.options(ScalarType.Float));
                }
                case IMAGE_TO_VIDEO -> {
                    int i = firstVisual(plan, task);
                    Frames image = attachment(plan, attachments, i, "the frame image", Attachment.Kind.IMAGE);
                    Tensor frame = pixels(image, 1, w, h, "frame " + name(plan, i), notes);
                    int at = plan.frameRef() == Plan.FrameRef.LAST ? f - 1 : 0;
                    video = torch.zeros(new long[] {1, 3, f, h, w}, Torch.options(ScalarType.Float));
                    video.narrow(2, at, 1).copy_(frame);
                    mask = torch.ones(new long[] {1, 1, f, h, w}, Torch.options(ScalarType.Float));
                    mask.narrow(2, at, 1).zero_();
                }
                default -> throw new IllegalArgumentException(task + " is not a generation task");
            }
            scope.keep(video);
            scope.keep(mask);
            refs.forEach(scope::keep);
            return new VaceInputs(video, mask, refs, notes);
        }
    }

    /** The context video [1, 3, F, H, W] in [-1, 1]. */
    public Tensor video() {
        return video;
    }

    /** The mask [1, 1, F, H, W]: 1 where the model generates, 0 where it keeps the video. */
    public Tensor mask() {
        return mask;
    }

    /** Reference images [3, H, W] in [-1, 1], letterboxed onto the output size. */
    public List<Tensor> references() {
        return references;
    }

    /** What was adapted (resized inputs, a derived mask), for the Result. */
    public List<String> notes() {
        return notes;
    }

    /**
     * VACE's control input: {@code [1, 2·z_dim + s², refs + latentFrames, H/s, W/s]} (s = the VAE's
     * spatial factor), float32 — the normalised VAE latents of the inactive (kept) and reactive
     * (masked) video, the reference latents prepended as frames (each paired with zeros), then the
     * mask folded to s² channels per latent pixel and resampled to the latent frames (nearest-exact),
     * zero for the reference frames. Exactly diffusers' {@code prepare_video_latents} +
     * {@code prepare_masks}, with latents taken at the posterior mean.
     */
    public Tensor controlLatents(AutoencoderKLWan vae) {
        return controlLatents(vae, video -> latents(vae, video));
    }

    /** Encodes a pixel video [1, 3, F, H, W] to normalised latents [1, z_dim, T, h, w] (float32, CPU). */
    @FunctionalInterface
    public interface LatentEncoder {
        Tensor encode(Tensor video);
    }

    /**
     * {@link #controlLatents(AutoencoderKLWan)} with the VAE encoding done by {@code encoder}, which must
     * give what the VAE's normalised posterior mean gives (a trainer caches the latents of all-zero videos).
     */
    public Tensor controlLatents(AutoencoderKLWan vae, LatentEncoder encoder) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor m = mask.gt(Torch.scalar(0.5)).to(ScalarType.Float);
            Tensor inactive = encoder.encode(video.mul(m.neg().add(Torch.scalar(1))));
            Tensor reactive = encoder.encode(video.mul(m));
            Tensor latents = torch.cat(new org.bytedeco.pytorch.TensorVector(inactive, reactive), 1);
            for (Tensor ref : references) {
                Tensor r = encoder.encode(ref.unsqueeze(0).unsqueeze(2));
                Tensor pair = torch.cat(new org.bytedeco.pytorch.TensorVector(r, torch.zeros_like(r)), 1);
                latents = torch.cat(new org.bytedeco.pytorch.TensorVector(pair, latents), 2);
            }
            Tensor masks = foldMask(mask, vae.config().spatialFactor(), Torch.shape(inactive)[2], references.size());
            return scope.keep(torch.cat(new org.bytedeco.pytorch.TensorVector(latents, masks), 1).contiguous());
        }
    }

    /** Number of reference latent frames at the start of {@link #controlLatents} (and of the noise). */
    public int referenceFrames() {
        return references.size();
    }

    /** Latent frames for {@code frames} pixel frames: 1 + (frames − 1) / 4. */
    public static int latentFrames(int frames, int temporalFactor) {
        return 1 + (frames - 1) / temporalFactor;
    }

    @Override
    public void close() {
        video.close();
        mask.close();
        references.forEach(Tensor::close);
    }

    // ------------------------------------------------------------------ VACE preprocessing

    static Tensor latents(AutoencoderKLWan vae, Tensor video) {
        try (NativeScope scope = NativeScope.open()) {
            AutoencoderKLWan.LatentDistribution d = vae.encode(video);
            return scope.keep(vae.normalizeLatents(d.mean()).cpu());
        }
    }

    /**
     * {@code prepare_masks}: [1, 1, F, H, W] → [1, s², refs + T, H/s, W/s]; channel {@code i·s + j} holds
     * pixel (i, j) of every s×s cell; frames resampled nearest-exact from F to T.
     */
    public static Tensor foldMask(Tensor mask, int s, long latentFrames, int refs) {
        long[] shape = Torch.shape(mask);
        long f = shape[2];
        long h = shape[3] / s;
        long w = shape[4] / s;
        try (NativeScope scope = NativeScope.open()) {
            Tensor m = mask.select(0, 0).select(0, 0).reshape(f, h, s, w, s).permute(2, 4, 0, 1, 3)
                    .reshape(s * s, f, h, w);
            long[] idx = new long[(int) latentFrames];
            for (int t = 0; t < latentFrames; t++) {
                // torch's nearest-exact: src = floor((dst + 0.5) * in / out), clamped
                idx[t] = Math.min((long) Math.floor((t + 0.5) * f / latentFrames), f - 1);
            }
            m = m.index_select(1, Torch.fromLongs(idx, latentFrames));
            if (refs > 0) {
                m = torch.cat(new org.bytedeco.pytorch.TensorVector(torch.zeros(new long[] {s * s, refs, h, w},
                        Torch.options(ScalarType.Float)), m), 1);
            }
            return scope.keep(m.unsqueeze(0).contiguous());
        }
    }

    /**
     * The mask of a video edit without a mask attachment: every pixel whose colour changes across the
     * frames by more than {@link #MOTION_THRESHOLD} (max over frames and channels of the distance to
     * the first frame), grown by {@link #MOTION_DILATION} pixels, the same on every frame.
     */
    static Tensor motionMask(Tensor video) {
        try (NativeScope scope = NativeScope.open()) {
            long[] s = Torch.shape(video);
            Tensor unit = video.add(Torch.scalar(1)).div(Torch.scalar(2));
            Tensor first = unit.narrow(2, 0, 1);
            Tensor change = unit.sub(first).abs().amax(new long[] {1, 2}, true);
            Tensor moving = change.gt(Torch.scalar(MOTION_THRESHOLD)).to(ScalarType.Float).select(2, 0);
            int k = 2 * MOTION_DILATION + 1;
            moving = torch.max_pool2d(moving, new long[] {k, k}, new long[] {1, 1},
                    new long[] {MOTION_DILATION, MOTION_DILATION}, new long[] {1, 1}, false);
            return scope.keep(moving.unsqueeze(2).expand(new long[] {1, 1, s[2], s[3], s[4]}).contiguous());
        }
    }

    /**
     * A reference image letterboxed as diffusers does: scaled by min(H/h, W/w) (bilinear,
     * align_corners false), centred on a white canvas [3, H, W] in [-1, 1].
     */
    static Tensor letterbox(Frames image, int width, int height) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor img = tchw(image).narrow(0, 0, 1);
            double scale = Math.min((double) height / image.height(), (double) width / image.width());
            int nh = Math.max(1, (int) (image.height() * scale));
            int nw = Math.max(1, (int) (image.width() * scale));
            InterpolateFuncOptions o = new InterpolateFuncOptions();
            o.size().put(new LongVector(nh, nw));
            o.mode().put(new org.bytedeco.pytorch.kBilinear());
            o.align_corners().put(false);
            Tensor resized = torch.interpolate(img, o).select(0, 0);
            Tensor canvas = torch.ones(new long[] {3, height, width}, Torch.options(ScalarType.Float));
            int top = (height - nh) / 2;
            int left = (width - nw) / 2;
            canvas.narrow(1, top, nh).narrow(2, left, nw).copy_(resized);
            return scope.keep(canvas);
        }
    }

    /** Frames as [1, 3, F, H, W] in [-1, 1] at the executed size, the clip resampled to F frames. */
    private static Tensor pixels(Frames frames, int f, int w, int h, String what, List<String> notes) {
        try (NativeScope scope = NativeScope.open()) {
            int[] idx = frameIndices(frames.count(), f);
            if (frames.count() != f) {
                notes.add(what + " has " + frames.count() + " frames; " + f + " were taken evenly from it");
            }
            Tensor x = tchw(frames).index_select(0, indexTensor(idx));
            if (frames.width() != w || frames.height() != h) {
                x = Resize.bilinear(x, h, w);
                notes.add(what + " is " + frames.width() + "×" + frames.height() + "; resized to " + w + "×" + h);
            }
            return scope.keep(x.permute(1, 0, 2, 3).unsqueeze(0).contiguous());
        }
    }

    /**
     * An edit mask [1, 1, F, H, W] in {0, 1} (white = edit: mean over channels &gt; 0.5): an image mask
     * applies to every frame; a mask of another size than the source is resized (nearest) and noted.
     */
    private static Tensor maskPixels(Frames m, int f, int w, int h, Frames source, String maskName,
                                     String sourceName, List<String> notes) {
        try (NativeScope scope = NativeScope.open()) {
            if (m.width() != source.width() || m.height() != source.height()) {
                notes.add("mask " + maskName + " is " + m.width() + "×" + m.height() + " but source " + sourceName
                        + " is " + source.width() + "×" + source.height() + "; the mask was resized (nearest)");
            }
            int[] idx = m.count() == 1 ? new int[f] : frameIndices(m.count(), f);
            Tensor x = tchw(m).index_select(0, indexTensor(idx)).add(Torch.scalar(1)).div(Torch.scalar(2))
                    .mean(new long[] {1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
            if (m.width() != w || m.height() != h) {
                x = Resize.nearest(x, h, w);
            }
            x = x.gt(Torch.scalar(0.5)).to(ScalarType.Float);
            return scope.keep(x.permute(1, 0, 2, 3).unsqueeze(0).contiguous());
        }
    }

    /** All frames as [T, 3, H, W] float32 in [-1, 1] (grey is expanded to RGB, alpha dropped). */
    private static Tensor tchw(Frames frames) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor x = Torch.fromBytes(frames.toBytes(), frames.count(), frames.height(), frames.width(), frames.channels())
                    .to(ScalarType.Float).div(Torch.scalar(127.5)).sub(Torch.scalar(1)).permute(0, 3, 1, 2);
            if (frames.channels() == 1) {
                x = x.expand(new long[] {frames.count(), 3, frames.height(), frames.width()});
            } else if (frames.channels() == 4) {
                x = x.narrow(1, 0, 3);
            } else if (frames.channels() != 3) {
                throw new IllegalArgumentException("frames with " + frames.channels() + " channels are not an image");
            }
            return scope.keep(x.contiguous());
        }
    }

    private static Tensor indexTensor(int[] idx) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            l[i] = idx[i];
        }
        return Torch.fromLongs(l, l.length);
    }

    /** {@code n} indices spread evenly over {@code count} frames: round(linspace(0, count − 1, n)). */
    static int[] frameIndices(int count, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n == 1 ? 0 : (int) Math.round((double) i * (count - 1) / (n - 1));
        }
        return idx;
    }

    private static Frames attachment(Plan plan, List<Frames> attachments, int index, String role, Attachment.Kind kind) {
        if (index < 0 || index >= plan.attachments().size()) {
            throw new IllegalArgumentException(plan.task() + " needs " + role + " at attachment index " + index
                    + ", but the plan has " + describe(plan));
        }
        Attachment a = plan.attachments().get(index);
        if (kind != null && a.kind() != kind) {
            throw new IllegalArgumentException(plan.task() + " needs " + role + " to be " + kind.wireName()
                    + ", but attachment " + index + " '" + a.path() + "' is " + a.kind().wireName());
        }
        Frames frames = attachments.get(index);
        if (frames == null) {
            throw new IllegalArgumentException("attachment " + index + " '" + a.path() + "' has no pixels");
        }
        return frames;
    }

    private static int firstVisual(Plan plan, Task task) {
        if (plan.attachments().isEmpty()) {
            throw new IllegalArgumentException(task + " needs an attachment, the request has none");
        }
        return 0;
    }

    private static String name(Plan plan, int index) {
        return index >= 0 && index < plan.attachments().size()
                ? "'" + plan.attachments().get(index).path() + "'" : "#" + index;
    }

    private static String describe(Plan plan) {
        if (plan.attachments().isEmpty()) {
            return "no attachments";
        }
        List<String> parts = new ArrayList<>();
        for (Attachment a : plan.attachments()) {
            parts.add(a.index() + ": " + a.kind().wireName() + " '" + a.path() + "'");
        }
        return plan.attachments().size() + " attachment(s) [" + String.join(", ", parts) + "]";
    }
}
