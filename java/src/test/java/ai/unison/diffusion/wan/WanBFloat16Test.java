package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.UMT5EncoderModel;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bfloat16 compute stays close to the float32 reference (relative L2 error of a few 1e-3). */
class WanBFloat16Test {
    private static final Device CPU = new Device("cpu");

    @Test
    void theVaceTransformerInBfloat16MatchesTheFloat32Reference() {
        Path dir = TestFixtures.dir("wan-vace-tiny");
        try (NativeScope scope = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             WanVACETransformer3DModel m = WanVACETransformer3DModel.load(dir.resolve("config.json"),
                     dir.resolve("model.safetensors"), DType.BFLOAT16, CPU)) {
            Tensor y = m.forward(in.tensor("b1.hidden_states"), in.tensor("b1.timestep"), in.tensor("b1.encoder_hidden_states"),
                    in.tensor("b1.control_hidden_states"), new double[]{1.0, 0.5}, null);
            assertEquals(ScalarType.BFloat16.value, y.scalar_type().value);
            assertClose(y, out.tensor("b1.sample"), 3e-2);
        }
    }

    @Test
    void theVaeInBfloat16MatchesTheFloat32Reference() {
        Path dir = TestFixtures.dir("wan-vae-tiny");
        try (NativeScope scope = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             AutoencoderKLWan vae = AutoencoderKLWan.load(dir.resolve("config.json"), dir.resolve("model.safetensors"),
                     DType.BFLOAT16, CPU)) {
            assertClose(vae.decode(in.tensor("latent.z")), out.tensor("latent.decoded"), 3e-2);
            assertClose(vae.encodeMoments(in.tensor("video.x")), out.tensor("video.moments"), 3e-2);
        }
    }

    @Test
    void umt5InBfloat16MatchesTheFloat32Reference() {
        Path dir = TestFixtures.dir("umt5-tiny");
        try (NativeScope scope = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             UMT5EncoderModel m = UMT5EncoderModel.load(dir.resolve("config.json"), dir.resolve("model.safetensors"),
                     DType.BFLOAT16, CPU)) {
            assertClose(m.promptEmbeds(in.tensor("input_ids"), in.tensor("attention_mask")),
                    out.tensor("wan_prompt_embeds"), 3e-2);
        }
    }

    private static void assertClose(Tensor actual, Tensor expected, double maxRelL2) {
        Tensor a = actual.to(ScalarType.Float);
        double err = a.sub(expected).norm().item_double() / expected.norm().item_double();
        assertTrue(err < maxRelL2, "relative L2 error " + err);
        assertTrue(err > 0, "bfloat16 should not be bit-identical to float32");
        assertEquals(Torch.shape(expected).length, Torch.shape(actual).length);
    }
}
