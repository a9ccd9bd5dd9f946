package ai.unison.route;

/**
 * The planning model (a vision-language model): turns requests into signals or answers, with
 * continuous batching. The engine drives it from one thread, which owns its tensors; every method
 * but {@link #version} and {@link #slots} is called on that thread.
 *
 * <p>The engine {@linkplain #admit admits} tasks while fewer than {@link #slots} are unfinished and
 * calls {@link #step} while any is unfinished. Each step advances every admitted task (the prompt of
 * a newcomer, one token of the others) and finishes those that are done with
 * {@link PlanTask#complete} or {@link PlanTask#fail}; newcomers join between steps, nobody waits
 * for the longest task. A task that is no longer {@linkplain PlanTask#live live} should be failed at
 * the next step so its slot frees up. Every admitted task must be finished eventually.
 *
 * <p>A problem with one request (an unreadable attachment, a prompt too long) fails that task
 * alone. An exception thrown from {@code admit} fails that task; one thrown from {@code step} fails
 * every unfinished task, and the planner must then drop them (their {@link PlanTask#isDone} is true):
 * a task finished by someone else is never the planner's to step again.
 */
public interface Planner extends AutoCloseable {

    /** The model's version for results and sidecars, e.g. {@code unison-planner-tiny 2025-06-01 3f2a9c1}. */
    String version();

    /** Most tasks admitted at once (KV-cache slots). */
    int slots();

    void admit(PlanTask task);

    void step();

    @Override
    void close();
}
