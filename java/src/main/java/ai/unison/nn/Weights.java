package ai.unison.nn;

import ai.unison.io.Checkpoint;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Loads a model's parameters by their upstream names from a {@link WeightSource} (usually a
 * {@link Checkpoint}), converted to the model's dtype and device, and owns them: {@link #close()} frees
 * every tensor it handed out and closes the source. A parameter already in the right dtype on the CPU
 * stays a zero-copy view of the mapped file, so the checkpoint must stay open as long as this object.
 *
 * <p>Over trainable float32 CPU parameters (a float32 model on the cpu), {@link #get} returns handles to
 * the very parameter tensors (same storage and autograd identity, no copy), so gradients reach them;
 * closing this object then releases only those handles, never the parameters.
 *
 * <p>{@code prefix("model.layers.3.")} gives a view that resolves relative names and shares ownership.
 */
public final class Weights implements AutoCloseable {
    private final WeightSource source;
    private final String prefix;
    private final DType dtype;
    private final Device device;
    private final List<Tensor> owned;
    private final boolean root;

    private Weights(WeightSource source, String prefix, DType dtype, Device device, List<Tensor> owned,
                    boolean root) {
        this.source = source;
        this.prefix = prefix;
        this.dtype = dtype;
        this.device = device;
        this.owned = owned;
        this.root = root;
    }

    public static Weights of(Checkpoint checkpoint, DType dtype, Device device) {
        return of(WeightSource.of(checkpoint), dtype, device);
    }

    public static Weights of(WeightSource source, DType dtype, Device device) {
        return new Weights(source, "", dtype, device, new ArrayList<>(), true);
    }

    /** A view whose names are relative to {@code prefix}; closing the root closes everything. */
    public Weights prefix(String more) {
        return new Weights(source, prefix + more, dtype, device, owned, false);
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    public boolean contains(String name) {
        return source.contains(prefix + name);
    }

    /** The parameter, checked against the shape the config implies, in the model's dtype and device. */
    public Tensor get(String name, long... shape) {
        return place(source.tensor(prefix + name, shape), dtype);
    }

    /** Like {@link #get} but keeps float32 regardless of the model dtype (norm weights, scales). */
    public Tensor getFloat32(String name, long... shape) {
        return place(source.tensor(prefix + name, shape), DType.FLOAT32);
    }

    private Tensor place(Tensor stored, DType want) {
        Tensor t = stored;
        if (t.scalar_type().value != want.scalarType().value || !device.is_cpu()) {
            Tensor moved = t.to(device, want.scalarType());
            t.close();
            t = moved;
        }
        owned.add(NativeScope.own(t));
        return t;
    }

    @Override
    public void close() {
        if (!root) {
            return;
        }
        for (Tensor t : owned) {
            t.close();
        }
        owned.clear();
        source.close();
    }
}
