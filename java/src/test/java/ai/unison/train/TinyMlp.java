package ai.unison.train;

import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.Weights;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A small model written the way inference models are: layers loaded by upstream name from Weights. */
final class TinyMlp implements AutoCloseable {
    private final Weights weights;
    private final RMSNorm norm;
    private final Linear up;
    private final Linear down;

    TinyMlp(Weights weights, long in, long hidden, long out) {
        this.weights = weights;
        norm = RMSNorm.load(weights, "norm", in, 1e-6);
        up = Linear.load(weights, "up", in, hidden, true);
        down = Linear.load(weights, "down", hidden, out, true);
    }

    Tensor forward(Tensor x) {
        return down.forward(torch.silu(up.forward(norm.forward(x))));
    }

    /** Mean squared error against a fixed random-feature target, drawn from the step's generator. */
    Tensor loss(ai.unison.runtime.Rng rng, int batch, long in) {
        Tensor x = rng.randn(batch, in);
        Tensor y = x.sin().sum(new long[]{1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        return torch.mse_loss(forward(x), y);
    }

    @Override
    public void close() {
        weights.close();
    }
}
