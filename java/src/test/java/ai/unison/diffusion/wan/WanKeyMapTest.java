package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.io.SafetensorsFile;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class WanKeyMapTest {
    private static final Path VACE = TestFixtures.dir("wan-vace-tiny");

    @Test
    void mapsDiffusersNamesToTheOriginalWanNames() {
        assertEquals("blocks.0.self_attn.o.weight", WanKeyMap.toOriginal("blocks.0.attn1.to_out.0.weight"));
        assertEquals("blocks.12.cross_attn.norm_k.weight", WanKeyMap.toOriginal("blocks.12.attn2.norm_k.weight"));
        assertEquals("blocks.1.norm3.bias", WanKeyMap.toOriginal("blocks.1.norm2.bias"));
        assertEquals("blocks.1.ffn.0.weight", WanKeyMap.toOriginal("blocks.1.ffn.net.0.proj.weight"));
        assertEquals("blocks.1.modulation", WanKeyMap.toOriginal("blocks.1.scale_shift_table"));
        assertEquals("head.modulation", WanKeyMap.toOriginal("scale_shift_table"));
        assertEquals("head.head.bias", WanKeyMap.toOriginal("proj_out.bias"));
        assertEquals("time_projection.1.weight", WanKeyMap.toOriginal("condition_embedder.time_proj.weight"));
        assertEquals("text_embedding.2.bias", WanKeyMap.toOriginal("condition_embedder.text_embedder.linear_2.bias"));
        assertEquals("vace_blocks.0.before_proj.weight", WanKeyMap.toOriginal("vace_blocks.0.proj_in.weight"));
        assertEquals("vace_blocks.3.after_proj.bias", WanKeyMap.toOriginal("vace_blocks.3.proj_out.bias"));
        assertEquals("vace_patch_embedding.weight", WanKeyMap.toOriginal("vace_patch_embedding.weight"));
    }

    @Test
    void isABijectionOverEveryParameterOfTheVaceFixture() {
        List<String> names;
        try (SafetensorsFile f = SafetensorsFile.open(VACE.resolve("model.safetensors"))) {
            names = f.names();
        }
        Set<String> originals = new HashSet<>();
        for (String n : names) {
            String o = WanKeyMap.toOriginal(n);
            originals.add(o);
            assertEquals(n, WanKeyMap.toDiffusers(o), o);
            if (!n.contains("patch_embedding")) {
                assertNotEquals(n, o);
            }
        }
        assertEquals(names.size(), originals.size());
        assertEquals(WanKeyMap.Naming.DIFFUSERS, WanKeyMap.detect(names));
        assertEquals(WanKeyMap.Naming.ORIGINAL, WanKeyMap.detect(originals));
    }

    @Test
    void loadsTheVaceFixtureWithRenamedKeysToTheSameOutput(@TempDir Path tmp) {
        Path renamed = renamedCopy(tmp);
        assertArrayEquals(run(VACE.resolve("config.json"), VACE.resolve("model.safetensors")),
                run(VACE.resolve("config.json"), renamed));
    }

    @Test
    void readsTheOriginalWanConfigWithTheOriginalNames(@TempDir Path tmp) throws Exception {
        Path renamed = renamedCopy(tmp);
        Path config = tmp.resolve("config.json");
        Files.writeString(config, """
                {"_class_name": "VaceWanModel", "dim": 64, "eps": 1e-06, "ffn_dim": 128, "freq_dim": 32,
                 "in_dim": 16, "model_type": "vace", "num_heads": 2, "num_layers": 3, "out_dim": 16,
                 "text_len": 512, "text_dim": 32, "vace_layers": [0, 2], "vace_in_dim": 96}""");
        WanTransformerConfig c = WanTransformerConfig.read(config);
        assertEquals(32, c.attentionHeadDim());
        assertEquals(List.of(0, 2), c.vaceLayers());
        assertArrayEquals(run(VACE.resolve("config.json"), VACE.resolve("model.safetensors")), run(config, renamed));
    }

    private static Path renamedCopy(Path tmp) {
        Path out = tmp.resolve("diffusion_pytorch_model.safetensors");
        try (NativeScope scope = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(VACE.resolve("model.safetensors"))) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : f.names()) {
                tensors.put(WanKeyMap.toOriginal(n), f.tensor(n));
            }
            SafetensorsWriter.write(out, tensors, Map.of());
        }
        return out;
    }

    private static float[] run(Path config, Path weights) {
        try (NativeScope scope = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(VACE.resolve("inputs.safetensors"));
             WanVACETransformer3DModel m = WanVACETransformer3DModel.load(config, weights, DType.FLOAT32, new Device("cpu"))) {
            Tensor out = m.forward(in.tensor("b1.hidden_states"), in.tensor("b1.timestep"),
                    in.tensor("b1.encoder_hidden_states"), in.tensor("b1.control_hidden_states"), new double[]{1.0, 0.5},
                    null);
            return Torch.toFloats(out);
        }
    }
}
