package ai.unison.bench.vision;

import ai.unison.bench.BenchPaths;
import ai.unison.lm.Qwen2_5_VL;
import ai.unison.lm.RandomQwen2;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.vision.Qwen2VLImageProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Qwen2.5-VL with one image: the vision tower alone ({@code visionTower}: preprocessing + patch
 * embedding + window/full attention blocks + merger, one image per op, so ops/s = images/s) and the
 * time to first token of a request with one image ({@code timeToFirstToken}: preprocessing, vision
 * tower, embedding scatter, M-RoPE positions, prefill of the whole prompt and the first token's
 * logits). Models: the {@code qwen25vl-tiny} fixture (float32) and a random-initialised model with the
 * Qwen2.5-VL-3B-Instruct shape in bfloat16 (3.75 B parameters drawn at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class Qwen25VLBenchmark {
    /** Text tokens around the image in the TTFT prompt. */
    static final int TEXT_TOKENS = 24;

    @Param({"tiny", "qwen2.5-vl-3b"})
    public String model;

    @Param({"224", "448"})
    public int size;

    @Param({"2"})
    public int threads;

    private Qwen2_5_VL vl;
    private Qwen2VLImageProcessor processor;
    private Tensor image;
    private long[] ids;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        Device cpu = new Device("cpu");
        Path fixture = BenchPaths.fixtures().resolve("qwen25vl-tiny");
        processor = Qwen2VLImageProcessor.load(fixture);
        if (model.equals("tiny")) {
            vl = Qwen2_5_VL.load(fixture, DType.FLOAT32, cpu);
        } else {
            Path dir = Files.createTempDirectory("qwen25vl-3b");
            Files.writeString(dir.resolve("config.json"), CONFIG_3B);
            vl = new Qwen2_5_VL(Weights.of(RandomQwen2.source(1, 0.02), DType.BFLOAT16, cpu),
                    Qwen2_5_VL.Config.read(dir));
        }
        byte[] pixels = new byte[size * size * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i * 31) % 251);
        }
        image = Torch.fromBytes(pixels, size, size, 3);
        int tokens;
        try (NativeScope scope = NativeScope.open()) {
            tokens = processor.image(image).tokens(processor.mergeSize());
        }
        Qwen2_5_VL.Config c = vl.config();
        ids = new long[TEXT_TOKENS + tokens + 2];
        int k = 0;
        for (int i = 0; i < TEXT_TOKENS / 2; i++) {
            ids[k++] = 100 + i;
        }
        ids[k++] = c.visionStartTokenId();
        for (int i = 0; i < tokens; i++) {
            ids[k++] = c.imageTokenId();
        }
        ids[k++] = c.visionEndTokenId();
        while (k < ids.length) {
            ids[k++] = 200 + k;
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        image.close();
        vl.close();
    }

    @Benchmark
    public float visionTower() {
        try (NativeScope scope = NativeScope.open()) {
            Qwen2VLImageProcessor.Processed p = processor.image(image);
            Tensor out = vl.visual().forward(p.pixelValues(), new int[][] {p.gridThw()});
            return out.select(0, 0).select(0, 0).to(ScalarType.Float).item_float();
        }
    }

    @Benchmark
    public long timeToFirstToken() {
        try (NativeScope scope = NativeScope.open()) {
            Qwen2VLImageProcessor.Processed p = processor.image(image);
            Qwen2_5_VL.Vision vision = new Qwen2_5_VL.Vision(List.of(p), List.of(), List.of());
            Tensor hidden = vl.lastHiddenStates(ids, vision);
            return vl.text().logits(hidden.select(1, ids.length - 1)).argmax().item_long();
        }
    }

    /** Qwen2.5-VL-3B-Instruct's config.json (shape only). */
    static final String CONFIG_3B = """
            {"architectures": ["Qwen2_5_VLForConditionalGeneration"], "model_type": "qwen2_5_vl",
             "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 11008, "num_hidden_layers": 36,
             "num_attention_heads": 16, "num_key_value_heads": 2, "max_position_embeddings": 128000,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": true, "hidden_act": "silu",
             "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]},
             "image_token_id": 151655, "video_token_id": 151656, "vision_start_token_id": 151652,
             "vision_end_token_id": 151653,
             "vision_config": {"depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
              "out_hidden_size": 2048, "in_chans": 3, "patch_size": 14, "spatial_merge_size": 2,
              "temporal_patch_size": 2, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31],
              "tokens_per_second": 2, "hidden_act": "silu"}}
            """;
}
