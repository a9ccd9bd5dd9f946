package ai.unison.check;

import ai.unison.io.Json;
import ai.unison.io.SafetensorsFile;
import ai.unison.lm.Qwen2_5_VL;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.vision.Qwen2VLImageProcessor;
import org.bytedeco.pytorch.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Qwen2.5-VL fixture: the processor's pixel values from raw pixels, the vision tower's output,
 * M-RoPE positions, text/image/video logits, and greedy generation with a KV cache.
 */
final class Qwen25VLCheck implements FixtureCheck {
    private static final double LOGITS_ATOL = 5e-5;

    @Override
    public String kind() {
        return "Qwen2_5_VLForConditionalGeneration";
    }

    @Override
    public boolean accepts(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) && Fixtures.declaredKind(dir).equals(kind());
    }

    @Override
    public CheckReport run(Path dir) {
        CheckReport report = new CheckReport(dir, kind());
        Qwen2VLImageProcessor processor = Qwen2VLImageProcessor.load(dir);
        try (Qwen2_5_VL model = Qwen2_5_VL.load(dir, DType.FLOAT32, new Device("cpu"));
             SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             NativeScope scope = NativeScope.open()) {
            var image = processor.image(in.tensor("image.raw_rgb_hwc_uint8"));
            var video = processor.frames(in.tensor("video.raw_frames_thwc_uint8"));
            report.add(Compare.allClose("image.pixel_values", image.pixelValues(), in.tensor("image.pixel_values")));
            report.add(Compare.allClose("video.pixel_values_videos", video.pixelValues(),
                    in.tensor("video.pixel_values_videos")));
            double seconds = in.tensor("video.second_per_grid_ts").item_double();
            Qwen2_5_VL.Vision imageOnly = new Qwen2_5_VL.Vision(List.of(image), List.of(), List.of());
            Qwen2_5_VL.Vision videoOnly = new Qwen2_5_VL.Vision(List.of(), List.of(video), List.of(seconds));
            report.add(Compare.allClose("image.image_embeds",
                    model.visual().forward(image.pixelValues(), new int[][]{image.gridThw()}), out.tensor("image.image_embeds")));
            report.add(Compare.allClose("video.video_embeds",
                    model.visual().forward(video.pixelValues(), new int[][]{video.gridThw()}), out.tensor("video.video_embeds")));
            for (String c : List.of("text", "image", "video")) {
                long[] ids = Torch.toLongs(in.tensor(c + ".input_ids"));
                Qwen2_5_VL.Vision v = c.equals("image") ? imageOnly : c.equals("video") ? videoOnly : Qwen2_5_VL.Vision.NONE;
                Qwen2_5_VL.Prefill p = model.prefill(ids, v);
                boolean posOk = Arrays.equals(Torch.toLongs(p.positions()), Torch.toLongs(out.tensor(c + ".position_ids")))
                        && p.delta() == Torch.toLongs(out.tensor(c + ".rope_deltas"))[0];
                report.add(Comparison.exact(c + ".position_ids + rope_deltas", posOk, ""));
                // logits reach |13|; attention sums in another order than upstream's eager path leave
                // absolute errors of ~2e-5 (1.5e-6 of the range), so the floor is 5e-5 rather than 1e-5
                report.add(Compare.allClose(c + ".logits", model.forwardLogits(ids, v), out.tensor(c + ".logits"),
                        Compare.RTOL, LOGITS_ATOL));
            }
            long[] prompt = Torch.toLongs(in.tensor("image.input_ids"));
            long[] expected = Torch.toLongs(out.tensor("generate.new_tokens"));
            long eos = Json.readTree(dir.resolve("config.json")).path("eos_token_id").asLong(-1);
            long[] generated = model.generateGreedy(prompt, imageOnly, expected.length, eos);
            report.add(Comparison.exact("generate.new_tokens (greedy, KV cache)", Arrays.equals(expected, generated),
                    "got " + Arrays.toString(generated)));
        }
        return report;
    }

}
