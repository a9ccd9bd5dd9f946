// Standalone check and timing of the CPU noise kernel (unison_cpu_lincomb_randn in include/unison_cpu.h),
// with the flags kernels/build.sh gives the JNI glue:
//
//   g++ -O3 -march=x86-64 -fno-math-errno -ffp-contract=off -Ikernels/include kernels/harness/cpu_noise.cpp -o cpu_noise
//   ./cpu_noise [n]            (default n = 16*21*60*104, 81 frames of 480x832 Wan latents)
//
// Check: the draw against libtorch's scalar normal_fill written out here with std::mt19937 (the same
// Mersenne Twister as at::mt19937) and libm, over sizes around 16, 624 and the block size, two draws in a
// row (the stream must continue), values within 2e-6 relative. Timing (min of 25 rounds, an 8 MB sweep
// before each so that no operand starts in cache): a two-input pass, the fused draw + 2-input combination,
// and the draw alone.
#include "unison_cpu.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

static void reference_fill(std::mt19937& g, float* data, long size) {
    for (long i = 0; i < size; i++) data[i] = (float) (g() & 0xffffff) * (1.0f / 16777216.0f);
    auto group = [](float* d) {
        for (int j = 0; j < 8; j++) {
            const float u1 = 1 - d[j];
            const float u2 = d[j + 8];
            const float radius = std::sqrt(-2 * std::log(u1));
            const float theta = 2.0f * 3.14159265358979323846f * u2;
            d[j] = radius * std::cos(theta);
            d[j + 8] = radius * std::sin(theta);
        }
    };
    for (long i = 0; i + 16 <= size; i += 16) group(data + i);
    if (size % 16 != 0) {
        float* d = data + size - 16;
        for (int i = 0; i < 16; i++) d[i] = (float) (g() & 0xffffff) * (1.0f / 16777216.0f);
        group(d);
    }
}

static void seeded_state(unison_cpu_torch_rng* st, uint32_t seed) {
    memset(st, 0, sizeof *st);
    st->the_initial_seed = seed;
    st->seeded = 1;
    st->left = 1;
    uint32_t s = seed;
    st->state[0] = s;
    for (int j = 1; j < UNISON_MT_N; j++) {
        s = 1812433253u * (s ^ (s >> 30)) + (uint32_t) j;
        st->state[j] = s;
    }
}

int main(int argc, char** argv) {
    int failures = 0;
    for (long n : {16L, 17L, 100L, 624L, 625L, 1040L, 2063L, 4111L, 100003L}) {
        for (uint32_t seed : {0u, 42u, 123456789u}) {
            std::mt19937 g(seed);
            unison_cpu_torch_rng st;
            seeded_state(&st, seed);
            long sp = (long) &st;
            float one = 1.0f;
            std::vector<float> want(n), got(n);
            long exact = 0;
            double worst = 0;
            for (int draw = 0; draw < 2; draw++) {
                reference_fill(g, want.data(), n);
                if (unison_cpu_lincomb_randn(1, n, &sp, 0, nullptr, &one, (long) got.data(), 0, 0.0f) != UNISON_CPU_OK) {
                    printf("n=%ld: kernel refused\n", n);
                    return 1;
                }
                for (long i = 0; i < n; i++) {
                    const double d = std::fabs((double) want[i] - got[i]) / std::max(1.0, std::fabs((double) want[i]));
                    worst = std::max(worst, d);
                    exact += want[i] == got[i];
                }
            }
            if (worst > 2e-6) {
                printf("FAIL n=%ld seed=%u: worst relative difference %.3g\n", n, seed, worst);
                failures++;
            } else if (n == 100003L && seed == 0) {
                printf("n=%ld: %.1f%% bit-identical to the libm reference, worst relative difference %.3g\n", n,
                       100.0 * exact / (2.0 * n), worst);
            }
        }
    }
    printf("%s\n", failures == 0 ? "check passed" : "check FAILED");

    const long n = argc > 1 ? atol(argv[1]) : 16L * 21 * 60 * 104;
    std::vector<float> a(n), b(n), out(n), sweep(2 << 20);
    for (long i = 0; i < n; i++) {
        a[i] = (float) i * 1e-7f;
        b[i] = 1.0f - (float) i * 1e-7f;
    }
    unison_cpu_torch_rng st;
    seeded_state(&st, 7);
    long sp = (long) &st;
    long in[2] = {(long) a.data(), (long) b.data()};
    float coef[3] = {1.0f, 0.5f, 0.3f};
    auto evict = [&] { for (size_t i = 0; i < sweep.size(); i += 16) sweep[i] += 1.0f; };
    auto ms = [](auto t0, auto t1) { return std::chrono::duration<double, std::milli>(t1 - t0).count(); };
    double pass = 1e30, fused = 1e30, draw = 1e30;
    for (int round = 0; round < 25; round++) {
        evict();
        auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < n; i++) out[i] = a[i] + 0.5f * b[i];
        auto t1 = std::chrono::steady_clock::now();
        evict();
        auto t2 = std::chrono::steady_clock::now();
        unison_cpu_lincomb_randn(1, n, &sp, 2, in, coef, (long) out.data(), 0, 0.0f);
        auto t3 = std::chrono::steady_clock::now();
        evict();
        auto t4 = std::chrono::steady_clock::now();
        unison_cpu_lincomb_randn(1, n, &sp, 0, in, coef + 2, (long) out.data(), 0, 0.0f);
        auto t5 = std::chrono::steady_clock::now();
        pass = std::min(pass, ms(t0, t1));
        fused = std::min(fused, ms(t2, t3));
        draw = std::min(draw, ms(t4, t5));
    }
    printf("n=%ld: two-input pass %.3f ms; draw + combination %.3f ms (%.2fx); draw alone %.3f ms (%.2fx)\n", n, pass,
           fused, fused / pass, draw, draw / pass);
    return failures == 0 ? 0 : 1;
}
