package ai.unison.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Tokens a benchmark method processed (prefill), generated or masked; JMH reports them per second beside the
 * method's own score, as the secondary result {@code tokens}. Reset every iteration.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class TokenCounter {
    public long tokens;

    @Setup(Level.Iteration)
    public void reset() {
        tokens = 0;
    }
}
