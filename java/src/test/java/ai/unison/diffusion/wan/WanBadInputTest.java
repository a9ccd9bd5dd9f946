package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.io.ConfigException;
import ai.unison.io.SafetensorsException;
import ai.unison.io.SafetensorsFile;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanBadInputTest {
    private static final Device CPU = new Device("cpu");
    private static final Path WAN = TestFixtures.dir("wan-tiny");
    private static final Path VAE = TestFixtures.dir("wan-vae-tiny");

    @Test
    void aMissingTensorIsNamedWithItsCheckpoint(@TempDir Path tmp) {
        Path weights = copyWithout(WAN.resolve("model.safetensors"), tmp.resolve("model.safetensors"),
                "blocks.1.attn2.to_k.weight");
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> WanTransformer3DModel.load(WAN.resolve("config.json"), weights, DType.FLOAT32, CPU));
        assertTrue(e.getMessage().contains("missing tensor 'blocks.1.attn2.to_k.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
    }

    @Test
    void aWrongShapeNamesTheTensorTheStoredAndTheExpectedShape(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, Files.readString(WAN.resolve("config.json")).replace("\"ffn_dim\": 128", "\"ffn_dim\": 96"));
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> WanTransformer3DModel.load(config, WAN.resolve("model.safetensors"), DType.FLOAT32, CPU));
        assertTrue(e.getMessage().contains("'blocks.0.ffn.net.0.proj.weight' has shape [128, 64], the config implies [96, 64]"),
                e.getMessage());
    }

    @Test
    void aMissingComponentOfAModelFolderIsNamed(@TempDir Path root) throws Exception {
        WanModelFolder folder = WanModelFolder.of(root);
        ConfigException e = assertThrows(ConfigException.class, () -> folder.vae(DType.FLOAT32, CPU));
        assertTrue(e.getMessage().contains("no 'vae' component"), e.getMessage());
        assertTrue(e.getMessage().contains(root.resolve("vae/config.json").toString()), e.getMessage());

        Files.createDirectories(root.resolve("transformer"));
        Files.copy(WAN.resolve("config.json"), root.resolve("transformer/config.json"));
        e = assertThrows(ConfigException.class, () -> folder.transformer(DType.FLOAT32, CPU));
        assertTrue(e.getMessage().contains("component 'transformer' has a config.json but no *.safetensors"), e.getMessage());
        assertThrows(ConfigException.class, folder::schedulerConfig);
        assertThrows(ConfigException.class, () -> WanModelFolder.of(root.resolve("absent")));
    }

    @Test
    void aVaceLoaderRejectsAPlainTransformerConfig() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> WanVACETransformer3DModel.load(WAN.resolve("config.json"), WAN.resolve("model.safetensors"),
                        DType.FLOAT32, CPU));
        assertTrue(e.getMessage().contains("no vace_layers"), e.getMessage());
    }

    @Test
    void unsupportedConfigsSayWhatIsUnsupported(@TempDir Path tmp) throws Exception {
        Path i2v = tmp.resolve("i2v.json");
        Files.writeString(i2v, Files.readString(WAN.resolve("config.json")).replace("\"image_dim\": null", "\"image_dim\": 1280"));
        assertTrue(assertThrows(ConfigException.class, () -> WanTransformerConfig.read(i2v)).getMessage()
                .contains("image conditioning"));
        Path wan22 = tmp.resolve("vae22.json");
        Files.writeString(wan22, Files.readString(VAE.resolve("config.json")).replace("\"is_residual\": false", "\"is_residual\": true"));
        assertTrue(assertThrows(ConfigException.class, () -> AutoencoderKLWanConfig.read(wan22)).getMessage()
                .contains("Wan2.2 VAE"));
        Path missing = tmp.resolve("missing.json");
        Files.writeString(missing, Files.readString(WAN.resolve("config.json")).replace("\"num_layers\": 2,", ""));
        assertTrue(assertThrows(ConfigException.class, () -> WanTransformerConfig.read(missing)).getMessage()
                .contains("missing required field 'num_layers'"));
    }

    @Test
    void forwardRejectsInputsOfTheWrongShape() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1);
             WanTransformer3DModel m = WanTransformer3DModel.load(WAN.resolve("config.json"), WAN.resolve("model.safetensors"),
                     DType.FLOAT32, CPU)) {
            Tensor t = rng.rand(1);
            Tensor text = rng.randn(1, 4, 32);
            String odd = assertThrows(IllegalArgumentException.class, () -> m.forward(rng.randn(1, 16, 2, 7, 8), t, text))
                    .getMessage();
            assertTrue(odd.contains("multiples of the patch size"), odd);
            String channels = assertThrows(IllegalArgumentException.class, () -> m.forward(rng.randn(1, 8, 2, 8, 8), t, text))
                    .getMessage();
            assertTrue(channels.contains("[B, 16, F, H, W]"), channels);
            String width = assertThrows(IllegalArgumentException.class, () -> m.forward(rng.randn(1, 16, 2, 8, 8), t,
                    rng.randn(1, 4, 31))).getMessage();
            assertTrue(width.contains("[B, L, 32]"), width);
        }
    }

    @Test
    void theVaeEncodesOnlyOnePlusFourKFrames() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1);
             AutoencoderKLWan vae = AutoencoderKLWan.load(VAE.resolve("config.json"), VAE.resolve("model.safetensors"),
                     DType.FLOAT32, CPU)) {
            String frames = assertThrows(IllegalArgumentException.class, () -> vae.encodeMoments(rng.rand(1, 3, 6, 32, 32)))
                    .getMessage();
            assertTrue(frames.contains("1 + 4k"), frames);
            assertThrows(IllegalArgumentException.class, () -> vae.encodeMoments(rng.rand(1, 3, 5, 30, 32)));
            assertThrows(IllegalArgumentException.class, () -> vae.decode(rng.randn(1, 3, 2, 4, 4)));
        }
    }

    private static Path copyWithout(Path from, Path to, String dropped) {
        try (NativeScope scope = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(from)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : f.names()) {
                if (!n.equals(dropped)) {
                    tensors.put(n, f.tensor(n));
                }
            }
            SafetensorsWriter.write(to, tensors, Map.of());
        }
        return to;
    }
}
