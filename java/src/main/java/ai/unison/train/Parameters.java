package ai.unison.train;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafetensorsWriter;
import ai.unison.nn.WeightSource;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The trainable tensors of a model: float32 CPU leaf tensors that require gradients, named by their
 * upstream names, in the order they were added. This object owns them: {@link #close()} frees them
 * (and their gradients). Tensors returned by {@link #get} belong to it; do not close them.
 *
 * <p>A trainer builds the inference model class over {@link #weights()} (or
 * {@link #weights(Rng, ParameterInit)}, which creates parameters as the model asks for them), runs its
 * forward on these very tensors, and exports them with {@link #save} in the shipped format.
 */
public final class Parameters implements AutoCloseable {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private boolean closed;

    public Parameters() {
        Torch.load();
    }

    /** Parameters holding float32 copies of every tensor in a safetensors file or checkpoint folder. */
    public static Parameters load(Path checkpoint) {
        return load(checkpoint, name -> true);
    }

    /**
     * Parameters holding float32 copies of the tensors of a safetensors file or checkpoint folder whose names
     * {@code keep} accepts (the others are left for a model built over {@link #weights(Rng, ParameterInit)} to
     * initialise afresh).
     */
    public static Parameters load(Path checkpoint, Predicate<String> keep) {
        Parameters p = new Parameters();
        try (Checkpoint c = Checkpoint.open(checkpoint); NativeScope scope = NativeScope.open()) {
            for (String name : c.names()) {
                if (keep.test(name)) {
                    p.add(name, c.tensor(name));
                }
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** A new parameter drawn from Normal(0, std). */
    public Tensor normal(String name, double std, Rng rng, long... shape) {
        return create(name, ParameterInit.normal(std), rng, shape);
    }

    /** A new parameter drawn from Uniform(-bound, bound). */
    public Tensor uniform(String name, double bound, Rng rng, long... shape) {
        return create(name, ParameterInit.uniform(bound), rng, shape);
    }

    public Tensor zeros(String name, long... shape) {
        return create(name, ParameterInit.zeros(), null, shape);
    }

    public Tensor ones(String name, long... shape) {
        return create(name, ParameterInit.ones(), null, shape);
    }

    /** A new parameter holding a float32 copy of {@code values} (any floating dtype, any device). */
    public Tensor add(String name, Tensor values) {
        checkOpen();
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("parameter '" + name + "' already exists");
        }
        if (!values.is_floating_point()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be floating point, got "
                    + values.scalar_type());
        }
        Tensor t;
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            t = scope.keep(Torch.empty(ScalarType.Float, Torch.shape(values)));
            t.copy_(values);
        }
        t.set_requires_grad(true);
        tensors.put(name, NativeScope.own(t));
        return t;
    }

    private Tensor create(String name, ParameterInit init, Rng rng, long... shape) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor values = init.values(name, shape, rng);
            if (!Arrays.equals(Torch.shape(values), shape)) {
                throw new IllegalStateException("initialiser for '" + name + "' made shape "
                        + Torch.shapeString(values) + ", expected " + Torch.shapeString(shape));
            }
            return add(name, values);
        }
    }

    /** The parameter itself (owned by this object). */
    public Tensor get(String name) {
        checkOpen();
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' among " + tensors.size() + " parameters");
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Names in the order the parameters were added. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** All parameters by name, in order (a read-only view). */
    public Map<String, Tensor> all() {
        checkOpen();
        return Collections.unmodifiableMap(tensors);
    }

    /** The parameters that currently require gradients, by name, in order. */
    public Map<String, Tensor> trainable() {
        checkOpen();
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((n, t) -> {
            if (t.requires_grad()) {
                out.put(n, t);
            }
        });
        return out;
    }

    /** The number of scalar values in all parameters. */
    public long count() {
        return tensors.values().stream().mapToLong(Tensor::numel).sum();
    }

    /** Stops training the named parameters: no gradient, no optimizer update. They are still saved. */
    public void freeze(Predicate<String> names) {
        checkOpen();
        tensors.forEach((n, t) -> {
            if (names.test(n)) {
                t.set_requires_grad(false);
            }
        });
    }

    /** Drops every gradient (sets it to undefined, as PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        checkOpen();
        for (Tensor t : tensors.values()) {
            t.mutable_grad().reset();
        }
    }

    /**
     * Overwrites the values in place from a safetensors file that holds exactly these names and shapes,
     * so models built over {@link #weights()} see the restored values.
     */
    public void restore(Path file) {
        checkOpen();
        try (Checkpoint c = Checkpoint.open(file); NativeScope scope = NativeScope.open();
             NoGradGuard noGrad = new NoGradGuard()) {
            List<String> missing = new ArrayList<>(tensors.keySet());
            missing.removeAll(c.names());
            List<String> unexpected = new ArrayList<>(c.names());
            unexpected.removeAll(tensors.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException(file + " does not match the parameters: missing " + missing
                        + ", unexpected " + unexpected);
            }
            tensors.forEach((n, t) -> t.copy_(c.tensor(n, Torch.shape(t))));
        }
    }

    /**
     * Writes every parameter to one safetensors file in {@code dtype} (bfloat16 rounds to nearest even),
     * under its upstream name, with {@code metadata} in the header ({@code format: pt} is added).
     */
    public void save(Path file, DType dtype, Map<String, String> metadata) {
        save(file, dtype, metadata, name -> true);
    }

    /**
     * As {@link #save(Path, DType, Map)}, writing only the parameters whose names {@code keep} accepts (e.g. not a
     * training-only head).
     */
    public void save(Path file, DType dtype, Map<String, String> metadata, Predicate<String> keep) {
        checkOpen();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            tensors.forEach((n, t) -> {
                if (keep.test(n)) {
                    out.put(n, t.detach().to(dtype.scalarType()));
                }
            });
            SafetensorsWriter.write(file, out, meta);
        }
    }

    /** Weights over these parameters (float32, cpu): a name the model asks for must exist. */
    public Weights weights() {
        return Weights.of(new Source(null, null), DType.FLOAT32, new Device("cpu"));
    }

    /**
     * Weights that create each parameter the model asks for and does not exist yet, with values from
     * {@code init} drawn from {@code rng}, in the order the model asks: building the model initialises it.
     * {@link Weights#contains} reports only parameters that already exist.
     */
    public Weights weights(Rng rng, ParameterInit init) {
        return Weights.of(new Source(rng, init), DType.FLOAT32, new Device("cpu"));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("parameters are closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Tensor t : tensors.values()) {
            t.close();
        }
        tensors.clear();
    }

    /** Hands out new handles to the parameter tensors; closing it leaves the parameters alone. */
    private final class Source implements WeightSource {
        private final Rng rng;
        private final ParameterInit init;

        Source(Rng rng, ParameterInit init) {
            this.rng = rng;
            this.init = init;
        }

        @Override
        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        @Override
        public Tensor tensor(String name, long... expectedShape) {
            Tensor t = tensors.get(name);
            if (t == null && init != null) {
                t = create(name, init, rng, expectedShape);
            }
            if (t == null) {
                throw new IllegalArgumentException("no parameter '" + name + "' among " + tensors.size()
                        + " parameters");
            }
            if (!Arrays.equals(Torch.shape(t), expectedShape)) {
                throw new IllegalArgumentException("parameter '" + name + "' has shape " + Torch.shapeString(t)
                        + ", the config implies " + Torch.shapeString(expectedShape));
            }
            return new Tensor(t);
        }

        @Override
        public void close() {
            // the parameters belong to the Parameters object
        }
    }
}
