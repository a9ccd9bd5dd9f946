package ai.unison.diffusion.wan;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link VaceInputs.LatentEncoder} that encodes like {@link VaceInputs#controlLatents(AutoencoderKLWan)} but
 * keeps the latents of all-zero videos by shape: the empty context of text-to-X and reference requests and
 * the masked-out halves of control and image-to-video requests are all zeros, so each request of a size
 * seen before skips those VAE encodes. At most {@code capacity} shapes are kept (least recently used goes
 * first). A cached result is handed out as a new alias of the kept tensor, which the caller (or its
 * {@link NativeScope}) owns like any other result; evicting or closing the cache never frees what a caller
 * still holds. Thread-safe; closing frees every kept tensor.
 */
public final class ZeroLatentCache implements VaceInputs.LatentEncoder, AutoCloseable {
    private final AutoencoderKLWan vae;
    private final Map<String, Tensor> cache;

    public ZeroLatentCache(AutoencoderKLWan vae, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.vae = vae;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tensor> eldest) {
                if (size() > capacity) {
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public synchronized Tensor encode(Tensor video) {
        if (video.abs().max().item().toDouble() != 0) {
            return VaceInputs.latents(vae, video);
        }
        String key = Arrays.toString(Torch.shape(video));
        Tensor t = cache.get(key);
        if (t == null) {
            try (NativeScope scope = NativeScope.open()) {
                t = NativeScope.own(VaceInputs.latents(vae, video).contiguous());
            }
            cache.put(key, t);
        }
        return t.alias();
    }

    /** Number of shapes kept. */
    public synchronized int size() {
        return cache.size();
    }

    @Override
    public synchronized void close() {
        cache.values().forEach(Tensor::close);
        cache.clear();
    }
}
