package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The next step's model input, computed by a step in the same pass as its result (an Euler step's
 * {@code sample / sqrt(sigma^2 + 1)}), kept until {@code scaleModelInput} asks for exactly it: the tensor the
 * step returned, unmodified since (same object, same storage, same version counter), at the step after.
 * Handed out once, into the caller's scope, as a fresh result would be; anything else frees it and the
 * caller computes the input as usual. The scheduler owns it until then.
 */
final class NextInput implements AutoCloseable {
    /** How many inputs were handed out, for tests. */
    static final AtomicLong HANDED_OUT = new AtomicLong();

    private Tensor source;
    private long address;
    private long version;
    private int stepIndex = -1;
    private Tensor input;

    /** Keeps {@code input}, the model input of step {@code stepIndex} when the sample is {@code source}. */
    void put(Tensor source, int stepIndex, Tensor input) {
        close();
        this.source = source;
        this.address = source.data_ptr().address();
        this.version = source._version();
        this.stepIndex = stepIndex;
        this.input = NativeScope.own(input);
    }

    /** The kept input if {@code sample} at {@code stepIndex} is what it was computed for, else {@code null}. */
    Tensor take(Tensor sample, int stepIndex) {
        if (input == null) {
            return null;
        }
        boolean same = sample == source && stepIndex == this.stepIndex && sample.data_ptr().address() == address
                && sample._version() == version;
        Tensor out = input;
        input = null;
        source = null;
        if (!same) {
            out.close();
            return null;
        }
        HANDED_OUT.incrementAndGet();
        return NativeScope.adopt(out);
    }

    @Override
    public void close() {
        if (input != null) {
            input.close();
            input = null;
        }
        source = null;
    }
}
