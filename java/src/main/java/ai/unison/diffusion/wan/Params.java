package ai.unison.diffusion.wan;

import ai.unison.io.Checkpoint;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where a Wan model's parameters come from, asked for by their diffusers names: a checkpoint (through
 * {@link Weights}, translating each name to the stored one, see {@link WanKeyMap}), or a recorder that
 * only notes names and shapes, so that the loading code itself is the one list of parameters that
 * random initialisation writes ({@link RandomWeights}).
 */
final class Params implements AutoCloseable {
    private final Weights weights;
    private final UnaryOperator<String> storedName;
    private final String prefix;
    private final Map<String, long[]> recorded;
    private final List<Tensor> placeholders;
    private final DType dtype;
    private final Device device;

    private Params(Weights weights, UnaryOperator<String> storedName, String prefix, Map<String, long[]> recorded,
                   List<Tensor> placeholders, DType dtype, Device device) {
        this.weights = weights;
        this.storedName = storedName;
        this.prefix = prefix;
        this.recorded = recorded;
        this.placeholders = placeholders;
        this.dtype = dtype;
        this.device = device;
    }

    /** Parameters read from {@code weights}; {@code storedName} maps a diffusers name to the name in the file. */
    static Params of(Weights weights, UnaryOperator<String> storedName) {
        return new Params(weights, storedName, "", null, null, weights.dtype(), weights.device());
    }

    /**
     * Builds a model from {@code checkpoint} (which the model then owns through its weights), closing
     * everything if construction fails, e.g. on a missing tensor or a wrong shape.
     */
    static <M> M build(Checkpoint checkpoint, DType dtype, Device device, UnaryOperator<String> storedName,
                       Function<Params, M> ctor) {
        Params params = of(Weights.of(checkpoint, dtype, device), storedName);
        try {
            return ctor.apply(params);
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
    }

    /** A recorder: every parameter asked for is noted (in order) and answered with a zero-size placeholder. */
    static Params recorder() {
        return new Params(null, UnaryOperator.identity(), "", new LinkedHashMap<>(), new ArrayList<>(), DType.FLOAT32,
                new Device("cpu"));
    }

    Params prefix(String more) {
        return new Params(weights, storedName, prefix + more, recorded, placeholders, dtype, device);
    }

    DType dtype() {
        return dtype;
    }

    Device device() {
        return device;
    }

    /** The parameter in the model's compute dtype. */
    Tensor get(String name, long... shape) {
        return weights == null ? record(name, shape) : weights.get(storedName.apply(prefix + name), shape);
    }

    /** The parameter in float32 whatever the compute dtype (time embedder, modulation tables, norms). */
    Tensor getFloat32(String name, long... shape) {
        return weights == null ? record(name, shape) : weights.getFloat32(storedName.apply(prefix + name), shape);
    }

    /** The names and shapes asked for so far, in order (recorders only). */
    Map<String, long[]> recorded() {
        if (recorded == null) {
            throw new IllegalStateException("not a recorder");
        }
        return recorded;
    }

    private Tensor record(String name, long[] shape) {
        recorded.put(prefix + name, shape.clone());
        try (NativeScope scope = NativeScope.open()) {
            Tensor t = NativeScope.own(torch.zeros(1).expand(shape));
            placeholders.add(t);
            return t;
        }
    }

    @Override
    public void close() {
        if (weights != null) {
            weights.close();
        } else {
            placeholders.forEach(Tensor::close);
            placeholders.clear();
        }
    }
}
