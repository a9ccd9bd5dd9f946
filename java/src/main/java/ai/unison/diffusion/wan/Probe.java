package ai.unison.diffusion.wan;

import org.bytedeco.pytorch.Tensor;

/**
 * Receives named intermediate tensors during a forward, for conformance checks and debugging; the names
 * follow the fixtures' forward-hook captures ({@code patch_embedding}, {@code blocks.3}, ...). A value
 * is only valid during the call: copy it to keep it.
 */
@FunctionalInterface
public interface Probe {
    void capture(String name, Tensor value);
}
