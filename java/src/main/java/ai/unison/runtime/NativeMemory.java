package ai.unison.runtime;

import org.bytedeco.javacpp.Pointer;

/** Process memory readings used to prove that steps do not leak native memory. */
public final class NativeMemory {
    private NativeMemory() {
    }

    /** Resident set size of this process in bytes (Linux {@code /proc/self/statm}), as JavaCPP reads it. */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }

    /** Bytes JavaCPP currently tracks as allocated through its own deallocators. */
    public static long trackedBytes() {
        return Pointer.totalBytes();
    }
}
