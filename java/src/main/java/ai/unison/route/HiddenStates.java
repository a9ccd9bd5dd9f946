package ai.unison.route;

import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * Unison's conditioning from the planner to the generation expert: the planner's last hidden states
 * [1, S, hidden] over the request's prompt and its plan (after the final norm), which the expert's
 * projector turns into extra text tokens. Owns the tensor; closed by the engine once.
 */
public final class HiddenStates implements Conditioning {
    private final Tensor states;
    private boolean closed;

    public HiddenStates(Tensor states) {
        this.states = Objects.requireNonNull(states, "states");
    }

    /** [1, S, hidden]; valid until {@link #close}. */
    public synchronized Tensor states() {
        if (closed) {
            throw new IllegalStateException("hidden states were closed");
        }
        return states;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            states.close();
        }
    }
}
