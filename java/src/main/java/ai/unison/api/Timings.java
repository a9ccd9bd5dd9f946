package ai.unison.api;

import java.time.Duration;

/**
 * Where a request's time went: waiting in queues, planning, and the expert's encode, denoise and
 * decode stages (shared by every request of its batch); {@code total} runs from submission to
 * completion. Understanding and plan-only requests have zero expert stages.
 */
public record Timings(Duration queued, Duration plan, Duration encode, Duration denoise, Duration decode,
                      Duration total) {
}
