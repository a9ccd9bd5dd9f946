package ai.unison.plan;

import ai.unison.api.Attachment;
import ai.unison.api.Input;
import ai.unison.io.Media;
import ai.unison.io.Video;
import ai.unison.lm.Qwen2_5_VL;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import ai.unison.vision.Qwen2VLImageProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * Answers an understanding request with the vision-language model looking at its attachments: each
 * {@code <IMGPAD>} / {@code <VIDPAD>} placeholder of the prepared text becomes
 * {@code <|vision_start|>} + one {@code <|image_pad|>} (or {@code <|video_pad|>}) per merged vision
 * token + {@code <|vision_end|>}, as Qwen2.5-VL's processor expands them; images go through
 * {@link Qwen2VLImageProcessor}, videos are sampled at 2 fps (Qwen2-VL's default) first. Planning
 * itself never opens attachments; this runs after the plan says the request is understanding.
 */
public final class VisionAnswer {
    public static final String VISION_START = "<|vision_start|>";
    public static final String VISION_END = "<|vision_end|>";
    public static final String IMAGE_PAD = "<|image_pad|>";
    public static final String VIDEO_PAD = "<|video_pad|>";
    /** Frames read from a video attachment before sampling. */
    static final int MAX_VIDEO_FRAMES = 1024;

    private VisionAnswer() {
    }

    /** A prompt ready for the model: token ids with expanded vision pads, and the processed attachments. */
    public record VisionPrompt(long[] ids, Qwen2_5_VL.Vision vision) {}

    /**
     * The greedy answer (special tokens removed, trimmed) of {@code model} to a prepared request whose
     * attachments' contents are {@code inputs} (in plan order).
     */
    public static String answer(Qwen2_5_VL model, Tokenizer tokenizer, Qwen2VLImageProcessor processor,
                                RequestText.Prepared request, List<Input> inputs, int maxNewTokens, Set<Long> endIds) {
        try (NativeScope scope = NativeScope.open()) {
            VisionPrompt p = prompt(model.config(), tokenizer, processor, request, inputs, null);
            long eos = endIds.iterator().next();
            long[] out = model.generateGreedy(p.ids(), p.vision(), maxNewTokens, eos);
            int n = out.length;
            while (n > 0 && endIds.contains(out[n - 1])) {
                n--;
            }
            return tokenizer.decode(java.util.Arrays.copyOf(out, n), true).strip();
        }
    }

    /**
     * The planner-format prompt ({@link LmPlanner#prompt}) of a request with its placeholders expanded
     * to vision tokens, followed by {@code answer} when not null (for training). Tensors belong to the
     * caller's scope.
     */
    public static VisionPrompt prompt(Qwen2_5_VL.Config config, Tokenizer tokenizer, Qwen2VLImageProcessor processor,
                                      RequestText.Prepared request, List<Input> inputs, String answer) {
        if (inputs.size() != request.attachments().size()) {
            throw new IllegalArgumentException("request names " + request.attachments().size() + " attachments but "
                    + inputs.size() + " were given");
        }
        List<Qwen2VLImageProcessor.Processed> images = new ArrayList<>();
        List<Qwen2VLImageProcessor.Processed> videos = new ArrayList<>();
        List<Double> secondsPerGrid = new ArrayList<>();
        int merge = processor.mergeSize();
        StringBuilder text = new StringBuilder();
        String rest = request.text();
        int index = 0;
        while (true) {
            int img = rest.indexOf(SignalGrammar.IMGPAD);
            int vid = rest.indexOf(SignalGrammar.VIDPAD);
            int at = img < 0 ? vid : vid < 0 ? img : Math.min(img, vid);
            if (at < 0) {
                break;
            }
            boolean video = at == vid;
            text.append(rest, 0, at);
            rest = rest.substring(at + (video ? SignalGrammar.VIDPAD : SignalGrammar.IMGPAD).length());
            if (index >= inputs.size()) {
                throw new IllegalArgumentException("request text has more placeholders than attachments");
            }
            Attachment a = request.attachments().get(index);
            Qwen2VLImageProcessor.Processed p;
            try {
                if (video) {
                    double[] fps = new double[1];
                    p = processor.frames(sampled(inputs.get(index), a, fps));
                    videos.add(p);
                    secondsPerGrid.add(config.vision().temporalPatch() / fps[0]);
                } else {
                    p = processor.image(image(inputs.get(index), a));
                    images.add(p);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("attachment " + a.index() + " '" + a.path() + "': " + e.getMessage(), e);
            }
            text.append(VISION_START).append((video ? VIDEO_PAD : IMAGE_PAD).repeat(p.tokens(merge))).append(VISION_END);
            index++;
        }
        text.append(rest);
        String prompt = LmPlanner.prompt(text.toString()) + (answer == null ? "" : answer);
        return new VisionPrompt(tokenizer.encode(prompt), new Qwen2_5_VL.Vision(images, videos, secondsPerGrid));
    }

    /** An image attachment as uint8 [H, W, 3]. */
    private static Tensor image(Input input, Attachment a) {
        return read(input, a, true).frames().select(0, 0);
    }

    /** A video attachment sampled as Qwen2-VL samples video: uint8 [n, H, W, 3]; {@code fps[0]} gets the sampled rate. */
    private static Tensor sampled(Input input, Attachment a, double[] fps) {
        Video video = read(input, a, false);
        Tensor frames = Media.sampleFrames(video);
        fps[0] = frames.size(0) / (double) video.frameCount() * video.fps();
        return frames;
    }

    private static Video read(Input input, Attachment a, boolean image) {
        if (!(input instanceof Input.Pixels) && !(input instanceof Input.File)) {
            throw new IllegalArgumentException("attachment " + a.index() + " '" + a.path() + "' must be a file or pixels here");
        }
        return Media.read(input, image, MAX_VIDEO_FRAMES);
    }
}
