package ai.unison.route;

/**
 * What a generation expert takes from the planner besides the plan, for one request: in Unison,
 * the planner's hidden states that the expert's projector reads. Opaque to the engine: the planner
 * creates it, the expert casts it to the type it knows, and the engine closes it exactly once when
 * the request leaves the engine (after its expert batch, or when it fails or is cancelled before).
 * Native memory inside must be owned by this object ({@code NativeScope.own}), not by a scope.
 */
public interface Conditioning extends AutoCloseable {
    @Override
    void close();
}
