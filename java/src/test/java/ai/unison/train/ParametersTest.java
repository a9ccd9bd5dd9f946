package ai.unison.train;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafeDType;
import ai.unison.io.SafetensorsFile;
import ai.unison.nn.Linear;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {
    @TempDir
    Path dir;

    @Test
    void gradientsFlowThroughLinearBuiltViaWeightsOnParameters() {
        try (Parameters params = new Parameters(); NativeScope scope = NativeScope.open()) {
            params.add("proj.weight", Torch.fromFloats(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
            params.zeros("proj.bias", 2);
            try (Weights w = params.weights()) {
                Linear proj = Linear.load(w, "proj", 3, 2, true);
                assertTrue(proj.weight.is_same(params.get("proj.weight")),
                        "Weights must hand out the parameter itself");
                Tensor x = Torch.fromFloats(new float[]{1, 0, 2, 3, 1, 0}, 2, 3);
                Tensor loss = proj.forward(x).sum();
                assertEquals((1 + 6) + (4 + 12) + (3 + 2) + (12 + 5), loss.item().toDouble(), 1e-6);
                loss.backward();
            }
            // d(sum)/dW[o,i] = sum over the batch of x[b,i]; d/db = batch size
            assertArrayEquals(new float[]{4, 1, 2, 4, 1, 2}, Torch.toFloats(params.get("proj.weight").grad()));
            assertArrayEquals(new float[]{2, 2}, Torch.toFloats(params.get("proj.bias").grad()));
            // closing the Weights left the parameters alive
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Torch.toFloats(params.get("proj.weight")));
            params.zeroGrad();
            assertFalse(params.get("proj.weight").grad().defined());
        }
    }

    @Test
    void buildingAModelOverInitialisingWeightsCreatesItsParametersInOrder() {
        try (Parameters params = new Parameters(); Rng rng = new Rng(3);
             TinyMlp model = new TinyMlp(params.weights(rng, ParameterInit.standard(0.02)), 16, 256, 4)) {
            assertEquals(List.of("norm.weight", "up.weight", "up.bias", "down.weight", "down.bias"), params.names());
            assertEquals(16 + 256 * 16 + 256 + 4 * 256 + 4, params.count());
            float[] norm = Torch.toFloats(params.get("norm.weight"));
            assertEquals(16, norm.length);
            for (float v : norm) {
                assertEquals(1f, v);
            }
            assertArrayEquals(new float[4], Torch.toFloats(params.get("down.bias")));
            float[] up = Torch.toFloats(params.get("up.weight"));
            double sumSq = 0;
            for (float v : up) {
                sumSq += v * v;
            }
            assertEquals(0.02, Math.sqrt(sumSq / up.length), 0.002);
            assertTrue(params.get("up.weight").requires_grad());
        }
    }

    @Test
    void sameSeedGivesSameInitialisation() {
        try (Parameters a = new Parameters(); Parameters b = new Parameters(); Rng ra = new Rng(5);
             Rng rb = new Rng(5)) {
            a.normal("w", 0.1, ra, 3, 3);
            b.normal("w", 0.1, rb, 3, 3);
            assertArrayEquals(Torch.toFloats(a.get("w")), Torch.toFloats(b.get("w")));
        }
    }

    @Test
    void strictWeightsNameAMissingParameterAndAWrongShape() {
        try (Parameters params = new Parameters(); Weights w = params.weights()) {
            params.zeros("a", 2, 3);
            String missing = assertThrows(IllegalArgumentException.class, () -> w.get("b", 2)).getMessage();
            assertTrue(missing.contains("no parameter 'b'"), missing);
            String shape = assertThrows(IllegalArgumentException.class, () -> w.get("a", 3, 2)).getMessage();
            assertTrue(shape.contains("[2, 3]") && shape.contains("[3, 2]"), shape);
        }
    }

    @Test
    void exportsBfloat16WithMetadataThatInferenceAndTrainingBothLoad() {
        // 1 + 2^-7 is exact in bf16; 1 + 2^-9 rounds to 1; 1 + 3·2^-9 rounds to 1 + 2^-7 (nearest even)
        float[] values = {1.0f + 1f / 128, 1.0f + 1f / 512, 1.0f + 3f / 512, -2.5f};
        float[] rounded = {1.0f + 1f / 128, 1.0f, 1.0f + 1f / 128, -2.5f};
        Path file = dir.resolve("model.safetensors");
        try (Parameters params = new Parameters(); NativeScope scope = NativeScope.open()) {
            params.add("layer.weight", Torch.fromFloats(values, 2, 2));
            params.save(file, DType.BFLOAT16, Map.of("model", "tiny"));
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(SafeDType.BF16, f.info("layer.weight").dtype());
            assertEquals(Map.of("format", "pt", "model", "tiny"), f.metadata());
        }
        try (Weights w = Weights.of(Checkpoint.open(file), DType.BFLOAT16, new Device("cpu"))) {
            assertArrayEquals(rounded, Torch.toFloats(w.get("layer.weight", 2, 2)));
        }
        try (Parameters back = Parameters.load(file)) {
            Tensor t = back.get("layer.weight");
            assertEquals(torchFloat(), t.scalar_type().value);
            assertTrue(t.requires_grad());
            assertArrayEquals(rounded, Torch.toFloats(t));
        }
    }

    private static int torchFloat() {
        return org.bytedeco.pytorch.global.torch.ScalarType.Float.value;
    }

    @Test
    void restoreOverwritesValuesInPlaceSoBuiltModelsSeeThem() {
        Path file = dir.resolve("p.safetensors");
        try (Parameters params = new Parameters(); NativeScope scope = NativeScope.open()) {
            params.add("w", Torch.fromFloats(new float[]{7, 8}, 2));
            params.save(file, DType.FLOAT32, Map.of());
        }
        try (Parameters params = new Parameters(); Weights w = params.weights()) {
            params.zeros("w", 2);
            Tensor seen = w.get("w", 2);
            params.restore(file);
            assertArrayEquals(new float[]{7, 8}, Torch.toFloats(seen));
        }
    }

    @Test
    void frozenParametersAreNotTrainableButStillSaved() {
        try (Parameters params = new Parameters()) {
            params.zeros("encoder.w", 2);
            params.zeros("head.w", 2);
            params.freeze(n -> n.startsWith("encoder."));
            assertEquals(List.of("head.w"), List.copyOf(params.trainable().keySet()));
            assertEquals(List.of("encoder.w", "head.w"), params.names());
        }
    }

    @Test
    void standardInitGivesEveryNormScaleOnesIncludingQwenVisionsMergerNorm() {
        ParameterInit init = ParameterInit.standard(0.02);
        try (Rng rng = new Rng(1); NativeScope scope = NativeScope.open()) {
            for (String name : List.of("visual.merger.ln_q.weight", "ln_f.weight", "model.norm.weight",
                    "visual.blocks.0.norm1.weight", "decoder.norm_out.gamma")) {
                float[] v = Torch.toFloats(init.values(name, new long[]{8}, rng));
                for (float x : v) {
                    assertEquals(1f, x, name);
                }
            }
            float[] w = Torch.toFloats(init.values("visual.merger.mlp.0.weight", new long[]{8}, rng));
            assertTrue(w[0] != 1f && Math.abs(w[0]) < 0.2, "a 1-D weight that is not a norm stays normal: " + w[0]);
            assertEquals(0f, Torch.toFloats(init.values("visual.merger.ln_q.bias", new long[]{4}, rng))[0]);
        }
    }

    @Test
    void loadKeepsOnlyTheNamesAskedFor() {
        Path file = dir.resolve("two.safetensors");
        try (Parameters params = new Parameters()) {
            params.ones("visual.a.weight", 2);
            params.ones("model.b.weight", 2);
            params.save(file, DType.FLOAT32, Map.of());
        }
        try (Parameters loaded = Parameters.load(file, n -> !n.startsWith("visual."))) {
            assertEquals(List.of("model.b.weight"), loaded.names());
        }
        try (Parameters kept = new Parameters()) {
            kept.ones("visual.a.weight", 2);
            kept.ones("model.b.weight", 2);
            kept.save(file, DType.FLOAT32, Map.of(), n -> n.startsWith("model."));
        }
        try (Parameters loaded = Parameters.load(file)) {
            assertEquals(List.of("model.b.weight"), loaded.names(), "save with a filter writes only those");
        }
    }
}
