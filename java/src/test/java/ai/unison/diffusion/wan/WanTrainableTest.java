package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import ai.unison.train.ParameterInit;
import ai.unison.train.Parameters;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The models build over trainable parameters, and a loss reaches every one of them. */
class WanTrainableTest {
    @Test
    void aLossOnTheVaceTransformerReachesEveryParameter() {
        WanTransformerConfig config = WanTransformerConfig.read(TestFixtures.dir("wan-vace-tiny").resolve("config.json"));
        try (Parameters params = new Parameters(); Rng init = new Rng(0);
             WanVACETransformer3DModel model = new WanVACETransformer3DModel(
                     params.weights(init, ParameterInit.standard(0.02)), config);
             NativeScope step = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor out = model.forward(rng.randn(1, 16, 1, 4, 4), Torch.fromLongs(new long[]{10}, 1), rng.randn(1, 3, 32),
                    rng.randn(1, 96, 1, 4, 4), 1.0);
            out.pow(Torch.scalar(2)).mean().backward();
            assertEquals(WanVACETransformer3DModel.parameterShapes(config).keySet(), params.all().keySet());
            assertAllHaveGradients(params);
        }
    }

    @Test
    void aLossOnTheVaeDecoderReachesItsParameters() {
        AutoencoderKLWanConfig config = AutoencoderKLWanConfig.read(TestFixtures.dir("wan-vae-tiny").resolve("config.json"));
        try (Parameters params = new Parameters(); Rng init = new Rng(0);
             AutoencoderKLWan vae = new AutoencoderKLWan(params.weights(init, ParameterInit.standard(0.02)), config);
             NativeScope step = NativeScope.open(); Rng rng = new Rng(1)) {
            vae.decode(rng.randn(1, 4, 2, 2, 2)).mean().backward();
            for (Map.Entry<String, Tensor> e : params.all().entrySet()) {
                if (e.getKey().startsWith("decoder.") || e.getKey().startsWith("post_quant_conv.")) {
                    assertTrue(e.getValue().grad().defined(), e.getKey());
                }
            }
        }
    }

    private static void assertAllHaveGradients(Parameters params) {
        for (Map.Entry<String, Tensor> e : params.all().entrySet()) {
            assertTrue(e.getValue().grad().defined(), "no gradient reached " + e.getKey());
        }
    }
}
