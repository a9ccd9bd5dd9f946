package ai.unison.runtime;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The one owner of native temporaries during a step. Every tensor (or other JavaCPP pointer)
 * created on this thread while the scope is open is released when it closes, except what
 * {@link #keep} hands out. Scopes nest: a kept pointer moves to the enclosing scope, if any.
 *
 * <pre>{@code
 * try (NativeScope step = NativeScope.open()) {
 *     Tensor h = ...;              // temporaries
 *     return step.keep(logits);    // survives the scope; the caller owns it
 * }
 * }</pre>
 */
public final class NativeScope implements AutoCloseable {
    private final PointerScope scope;

    private NativeScope() {
        this.scope = new PointerScope();
    }

    public static NativeScope open() {
        Torch.load();
        return new NativeScope();
    }

    /**
     * Detaches {@code p} from this scope so that closing it does not free {@code p}. If an outer
     * scope is open, {@code p} is attached there; otherwise the caller owns it and must
     * {@link Pointer#close()} it (models do this for their weights).
     */
    public <P extends Pointer> P keep(P p) {
        // attach/detach retain and release a reference: attach to the new owner first, so the count
        // never drops to zero in between
        PointerScope outer = enclosing();
        if (outer != null) {
            outer.attach(p);
        } else {
            p.retainReference();
        }
        scope.detach(p);
        return p;
    }

    /**
     * Takes {@code p} out of whatever scope is open on this thread: the caller owns it from now on and
     * must close it. Used for long-lived objects (weights, caches) created while a scope may be open.
     */
    public static <P extends Pointer> P own(P p) {
        PointerScope inner = PointerScope.getInnerScope();
        if (inner != null) {
            p.retainReference();
            inner.detach(p);
        }
        return p;
    }

    /**
     * The reverse of {@link #own}: hands a pointer the caller owns to the scope open on this thread, as if it
     * had just been created there (it is freed when that scope closes); with no scope open the caller keeps
     * owning it. Used to return a cached result from a call whose results are normally fresh.
     */
    public static <P extends Pointer> P adopt(P p) {
        PointerScope inner = PointerScope.getInnerScope();
        if (inner != null) {
            inner.attach(p);
            p.releaseReference();
        }
        return p;
    }

    private PointerScope enclosing() {
        var it = PointerScope.getScopeIterator();
        while (it != null && it.hasNext()) {
            PointerScope s = it.next();
            if (s != scope) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void close() {
        scope.close();
    }
}
