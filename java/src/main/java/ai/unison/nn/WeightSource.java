package ai.unison.nn;

import ai.unison.io.Checkpoint;
import org.bytedeco.pytorch.Tensor;

/**
 * Where {@link Weights} reads parameters by their upstream names: a {@link Checkpoint} for inference,
 * or a set of trainable tensors for training ({@code ai.unison.train.Parameters#weights}).
 */
public interface WeightSource extends AutoCloseable {
    boolean contains(String name);

    /**
     * The tensor named {@code name}, checked against the shape the model's config implies, as a new
     * handle the caller owns: closing it never frees storage the source still uses.
     */
    Tensor tensor(String name, long... expectedShape);

    @Override
    void close();

    /** The source over a checkpoint; closing the source closes the checkpoint. */
    static WeightSource of(Checkpoint checkpoint) {
        return new WeightSource() {
            @Override
            public boolean contains(String name) {
                return checkpoint.contains(name);
            }

            @Override
            public Tensor tensor(String name, long... expectedShape) {
                return checkpoint.tensor(name, expectedShape);
            }

            @Override
            public void close() {
                checkpoint.close();
            }
        };
    }
}
