package ai.unison.api;

/**
 * Which work goes first when both wait: interactive requests ({@code run}, {@code submit}) are
 * planned and batched before batch work ({@code runBatch}, {@code unison batch}). A batch already
 * running on an expert is not interrupted.
 */
public enum Priority {
    INTERACTIVE, BATCH
}
