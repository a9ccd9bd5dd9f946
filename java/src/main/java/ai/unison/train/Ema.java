package ai.unison.train;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of the trainable parameters, as diffusion models are usually sampled from: after
 * every optimizer step {@code ema ← d·ema + (1 − d)·θ} with {@code d = min(decay, (1 + n) / (10 + n))} after the
 * average's n-th update, so that the first steps do not hold on to the initial weights. It starts as a copy of the
 * parameters. {@link #swap} exchanges the averaged and the current values in place, so that a model built over the
 * parameters evaluates (or is exported with) the average, and a second swap restores the training values.
 */
final class Ema implements AutoCloseable {
    /** The update count's entry in a saved average, beside the parameters' names. */
    static final String UPDATES = "ema_updates";
    private final double decay;
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> averages = new ArrayList<>();
    private long updates;

    /**
     * An average of {@code parameters}' trainable tensors, starting at their current values; {@code decay} in (0, 1)
     * ({@link TrainConfig} checks it).
     */
    Ema(Parameters parameters, double decay) {
        this.decay = decay;
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            parameters.trainable().forEach((name, p) -> {
                names.add(name);
                params.add(p);
                averages.add(NativeScope.own(p.detach().clone()));
            });
        }
    }

    /** The decay the next update uses. */
    private double currentDecay() {
        return Math.min(decay, (1.0 + updates) / (10.0 + updates));
    }

    /** Moves the average towards the parameters' current values. */
    void update() {
        double d = currentDecay();
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            Scalar w = new Scalar(1 - d);
            for (int i = 0; i < params.size(); i++) {
                averages.get(i).lerp_(params.get(i), w);
            }
        }
        updates++;
    }

    /** Starts the average afresh from the parameters' current values (update count 0). */
    void restart() {
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                averages.get(i).copy_(params.get(i));
            }
        }
        updates = 0;
    }

    /** Exchanges the parameters' values with the average's, in place (a second call undoes the first). */
    void swap() {
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor current = params.get(i).detach().clone();
                params.get(i).copy_(averages.get(i));
                averages.get(i).copy_(current);
            }
        }
    }

    /** Writes the average (float32) under the parameters' names, with its update count ({@link #UPDATES}). */
    void save(Path file) {
        try (NativeScope scope = NativeScope.open()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), averages.get(i));
            }
            out.put(UPDATES, Torch.fromLongs(new long[]{updates}, 1));
            SafetensorsWriter.write(file, out, Map.of("ema_decay", Double.toString(decay)));
        }
    }

    /** Restores an average written by {@link #save} for the same names and shapes. */
    void load(Path file) {
        try (Checkpoint c = Checkpoint.open(file); NativeScope scope = NativeScope.open();
             NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < names.size(); i++) {
                if (!c.contains(names.get(i))) {
                    throw new IllegalArgumentException(file + " holds no average for parameter '" + names.get(i) + "'");
                }
                averages.get(i).copy_(c.tensor(names.get(i), Torch.shape(params.get(i))));
            }
            if (!c.contains(UPDATES)) {
                throw new IllegalArgumentException(file + " does not record " + UPDATES);
            }
            updates = Torch.toLongs(c.tensor(UPDATES, 1))[0];
        }
    }

    @Override
    public void close() {
        averages.forEach(Tensor::close);
        averages.clear();
        params.clear();
    }
}
