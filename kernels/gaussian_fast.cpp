#include "kernels/gaussian_fast.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>

namespace riskmap::kernels {

namespace {
// 16 float lanes as one value: one AVX-512 register, two AVX2 or four SSE2 registers. Written
// with GCC vector extensions rather than intrinsics so one source serves every instruction set;
// the operations are element-wise, so every lane computes the same scalar expression in the
// same order whatever the register width.
using Vec = float __attribute__((vector_size(64)));
// GCC warns that passing a 64-byte vector by value has an ABI that depends on AVX-512; the
// helpers below are file-local and always inlined, so no such call crosses a boundary.
#pragma GCC diagnostic ignored "-Wpsabi"
using Mask = std::int32_t __attribute__((vector_size(64))); // lane masks and shuffle indices
constexpr int kVecLanes = 16;
// Rows filtered together by the horizontal pass, one per lane.
constexpr int kRows = kVecLanes;
// Widest column strip of the vertical pass: two vectors of state per quantity, which with the
// coefficients still fit the 32 AVX-512 registers.
constexpr int kMaxStripVecs = 2;

// The sweeps are vectorised across columns (vertical) or rows (horizontal); the binary is
// built for baseline x86-64 (SSE2), so the hot loops are also compiled for AVX2 and AVX-512
// and picked at load time (GCC function multi-versioning). Floating-point contraction is off
// for this file (kernels/CMakeLists.txt) and nothing reassociates, so every version computes
// the same bytes.
// Not under ThreadSanitizer: its runtime is not up yet when the loader runs the versions'
// resolvers (ifuncs), and the test binary crashes before main.
// scripts/check_simd_bytes.sh builds each version alone (RISKMAP_SIMD_TARGET) and compares.
#if defined(RISKMAP_SIMD_TARGET)
#define RISKMAP_WIDE_SIMD __attribute__((target(RISKMAP_SIMD_TARGET)))
#elif defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                           \
    !defined(__SANITIZE_THREAD__)
#define RISKMAP_WIDE_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RISKMAP_WIDE_SIMD
#endif

[[gnu::always_inline]] inline Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
[[gnu::always_inline]] inline void store(float* p, Vec v) {
    std::memcpy(p, &v, sizeof v);
}
[[gnu::always_inline]] inline Vec splat(float x) {
    return Vec{} + x;
}

// All-zero coefficients for unused lanes.
const RecursiveGaussian kZeroFilter = [] {
    RecursiveGaussian f;
    f.weight_re[0] = 0;
    return f;
}();

/// Coefficients per lane (each lane may have its own sigma), in single precision.
struct VecFilter {
    Vec pr[2], pi[2], wr[2], wi[2];
};

VecFilter broadcast(const RecursiveGaussian& f) {
    VecFilter k;
    for (int j = 0; j < 2; ++j) {
        k.pr[j] = splat(static_cast<float>(f.pole_re[j]));
        k.pi[j] = splat(static_cast<float>(f.pole_im[j]));
        k.wr[j] = splat(static_cast<float>(f.weight_re[j]));
        k.wi[j] = splat(static_cast<float>(f.weight_im[j]));
    }
    return k;
}

/// Recursion state of 16 lanes: the complex state of both sections, and the last input
/// (anti-causal sweep). Local values, so the compiler keeps them in registers.
struct State {
    Vec r0{}, i0{}, r1{}, i1{}, x1{};
};

// One step of both sections: causal z = p z + x[n], anti-causal z = p (z + x[n+1]); returns
// Re(w0 z0) + Re(w1 z1).
[[gnu::always_inline]] inline Vec causal_step(const VecFilter& k, State& s, Vec x) {
    const Vec r0 = k.pr[0] * s.r0 - k.pi[0] * s.i0 + x;
    const Vec i0 = k.pr[0] * s.i0 + k.pi[0] * s.r0;
    const Vec r1 = k.pr[1] * s.r1 - k.pi[1] * s.i1 + x;
    const Vec i1 = k.pr[1] * s.i1 + k.pi[1] * s.r1;
    s.r0 = r0, s.i0 = i0, s.r1 = r1, s.i1 = i1;
    return (k.wr[0] * r0 - k.wi[0] * i0) + (k.wr[1] * r1 - k.wi[1] * i1);
}

[[gnu::always_inline]] inline Vec anti_step(const VecFilter& k, State& s, Vec x) {
    const Vec u0 = s.r0 + s.x1, u1 = s.r1 + s.x1;
    const Vec r0 = k.pr[0] * u0 - k.pi[0] * s.i0;
    const Vec i0 = k.pr[0] * s.i0 + k.pi[0] * u0;
    const Vec r1 = k.pr[1] * u1 - k.pi[1] * s.i1;
    const Vec i1 = k.pr[1] * s.i1 + k.pi[1] * u1;
    s.r0 = r0, s.i0 = i0, s.r1 = r1, s.i1 = i1, s.x1 = x;
    return (k.wr[0] * r0 - k.wi[0] * i0) + (k.wr[1] * r1 - k.wi[1] * i1);
}

/// Column strip width for a column of `height` rows: the strip's input and output
/// (8 bytes per pixel) stay in a 1 MiB L2 between the causal and the anti-causal sweep, so each
/// pixel comes from memory once.
int strip_vecs(int height) {
    const auto bytes =
        static_cast<std::size_t>(kMaxStripVecs * kVecLanes) * 8 * static_cast<std::size_t>(height);
    return bytes <= (3u << 18) ? kMaxStripVecs : 1;
}

// Rows ahead the vertical sweeps ask for: a strip row is only one or two cache lines, too
// short for the hardware prefetchers to see a stream, so the sweeps would wait for memory row
// by row. The causal sweep also asks for the next strip's lines, so memory serves 4 lines per
// row at a time. Measured, whole sum on one core (taskset -c 0, load ~4): 2830 x 2830,
// 43 ms without prefetching, 39 ms at 8 rows ahead, 30 ms at 32 (64: no better); 1000 x 1000,
// 7.2 ms without the next strip's lines, 2.9-3.5 ms with them (4 strips ahead: no better).
constexpr int kPrefetchRows = 32;

void prefetch_row(LayerView<const float> v, int r, int c0, int n) {
    if (r < 0 || r >= v.height)
        return;
    for (int c = 0; c < n; c += kVecLanes)
        __builtin_prefetch(v.row(r) + c0 + c);
}

/// One row of a strip: V vectors read from (or written to) `p`, or through a zero-padded copy
/// when the strip is narrower (the last strip of a range).
template <int V> struct StripRow {
    alignas(64) float pad[V * kVecLanes] = {};
    Vec v[V];

    void read(const float* p, int n) {
        if (n < V * kVecLanes) {
            std::memcpy(pad, p, sizeof(float) * static_cast<std::size_t>(n));
            p = pad;
        }
        for (int i = 0; i < V; ++i)
            v[i] = load(p + std::ptrdiff_t{i} * kVecLanes);
    }
    void write(float* p, int n) {
        float* dst = n < V * kVecLanes ? pad : p;
        for (int i = 0; i < V; ++i)
            store(dst + std::ptrdiff_t{i} * kVecLanes, v[i]);
        if (dst == pad)
            std::memcpy(p, pad, sizeof(float) * static_cast<std::size_t>(n));
    }
};

// One bucket's column recursion over columns [c0, c0 + n), n <= V * 16. The causal sweep runs
// from row 0 (state at rest = zeros above the grid) to the bucket's last row and stores its
// rows; the anti-causal sweep runs from the bottom and adds. One lane per column: contiguous
// loads, and the state of V vectors stays in registers.
template <int V>
[[gnu::always_inline]] inline bool
vertical_strip(LayerView<const float> in, LayerView<float> out, const SigmaBucket& bucket,
               const std::vector<double>& weight_y, int c0, int n, int ahead) {
    const VecFilter k = broadcast(bucket.filter);
    State s[V];
    StripRow<V> x, y;
    Mask negative{};
    for (int r = 0; r < bucket.row_end; ++r) {
        prefetch_row(in, r + kPrefetchRows, c0, ahead);
        x.read(in.row(r) + c0, n);
        for (int i = 0; i < V; ++i) {
            y.v[i] = causal_step(k, s[i], x.v[i]);
            negative |= x.v[i] < 0;
        }
        if (r >= bucket.row_begin)
            y.write(out.row(r) + c0, n);
    }
    for (auto& si : s)
        si = State{};
    for (int r = in.height - 1; r >= bucket.row_begin; --r) {
        prefetch_row(in, r - kPrefetchRows, c0, n);
        prefetch_row(out, r - kPrefetchRows, c0, n);
        x.read(in.row(r) + c0, n);
        if (r >= bucket.row_end) {
            for (int i = 0; i < V; ++i)
                anti_step(k, s[i], x.v[i]);
            continue;
        }
        const Vec w = splat(static_cast<float>(weight_y[r]));
        y.read(out.row(r) + c0, n);
        for (int i = 0; i < V; ++i)
            y.v[i] = (y.v[i] + anti_step(k, s[i], x.v[i])) * w;
        y.write(out.row(r) + c0, n);
    }
    for (int l = 0; l < kVecLanes; ++l)
        if (negative[l])
            return true;
    return false;
}

RISKMAP_WIDE_SIMD bool vertical_strips(LayerView<const float> in, LayerView<float> out,
                                       const FastGaussianPlan& plan, int col_begin, int col_end) {
    const int vecs = strip_vecs(in.height), strip = vecs * kVecLanes;
    bool negative = false;
    // Strips outside, buckets inside: a strip's pixels stay in L2 across its buckets.
    for (int c = col_begin; c < col_end; c += strip)
        for (const SigmaBucket& bucket : plan.buckets_y) {
            const int n = std::min(strip, col_end - c), ahead = std::min(2 * strip, col_end - c);
            negative |= vecs == 2 ? vertical_strip<2>(in, out, bucket, plan.weight_y, c, n, ahead)
                                  : vertical_strip<1>(in, out, bucket, plan.weight_y, c, n, ahead);
        }
    return negative;
}

/// Per-lane coefficients of kRows rows, so one vector step filters kRows rows at once.
VecFilter lane_filters(const FastGaussianPlan& plan, int row, int rows) {
    alignas(64) float pr[2][kRows], pi[2][kRows], wr[2][kRows], wi[2][kRows];
    for (int l = 0; l < kRows; ++l) {
        // Unused lanes get all-zero coefficients and produce zeros that are never stored.
        const RecursiveGaussian& f = l < rows ? plan.rows_x[row + l] : kZeroFilter;
        for (int j = 0; j < 2; ++j) {
            pr[j][l] = static_cast<float>(f.pole_re[j]),
            pi[j][l] = static_cast<float>(f.pole_im[j]);
            wr[j][l] = static_cast<float>(f.weight_re[j]);
            wi[j][l] = static_cast<float>(f.weight_im[j]);
        }
    }
    VecFilter k;
    for (int j = 0; j < 2; ++j)
        k.pr[j] = load(pr[j]), k.pi[j] = load(pi[j]), k.wr[j] = load(wr[j]), k.wi[j] = load(wi[j]);
    return k;
}

/// A 16 x 16 block in registers, one vector per row (or column).
struct Block {
    Vec v[kVecLanes];
};

// Transposes a block in place: step s swaps bit s of the row and column indices (Eklundh
// 1972, "A fast computer method for matrix transposing"), 4 steps of 16 two-vector shuffles.
[[gnu::always_inline]] inline Vec shuffle(Vec a, Vec c, Mask m) {
#if defined(__clang__) // clang-tidy and clang builds: no __builtin_shuffle (GCC only)
    Vec r;
    for (int l = 0; l < kVecLanes; ++l)
        r[l] = m[l] < kVecLanes ? a[m[l]] : c[m[l] - kVecLanes];
    return r;
#else
    return __builtin_shuffle(a, c, m);
#endif
}

template <int S> [[gnu::always_inline]] inline void transpose_step(Block& b, Mask lo, Mask hi) {
    for (int i = 0; i < kVecLanes; ++i)
        if ((i & S) == 0) {
            const Vec a = b.v[i], c = b.v[i + S];
            b.v[i] = shuffle(a, c, lo);
            b.v[i + S] = shuffle(a, c, hi);
        }
}
[[gnu::always_inline]] inline void transpose(Block& b) {
    transpose_step<8>(b, Mask{0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23},
                      Mask{8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31});
    transpose_step<4>(b, Mask{0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27},
                      Mask{4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31});
    transpose_step<2>(b, Mask{0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29},
                      Mask{2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31});
    transpose_step<1>(b, Mask{0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30},
                      Mask{1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31});
}

/// Columns [c0, c0 + 16) of rows [r0, r0 + rows) as 16 column vectors (lane = row); rows past
/// `rows` and columns past the layer are zero.
[[gnu::always_inline]] inline Block read_columns(LayerView<const float> in, int r0, int rows,
                                                 int c0) {
    Block b;
    const int n = std::min(kVecLanes, in.width - c0);
    for (int l = 0; l < kVecLanes; ++l) {
        if (l >= rows) {
            b.v[l] = Vec{};
        } else if (n == kVecLanes) {
            b.v[l] = load(in.row(r0 + l) + c0);
        } else {
            alignas(64) float pad[kVecLanes] = {};
            std::memcpy(pad, in.row(r0 + l) + c0, sizeof(float) * static_cast<std::size_t>(n));
            b.v[l] = load(pad);
        }
    }
    transpose(b);
    return b;
}

/// The inverse of read_columns() for the first `rows` rows; negative sums become 0 when
/// `non_negative`.
[[gnu::always_inline]] inline void write_columns(Block b, int r0, int rows, int c0,
                                                 bool non_negative, LayerView<float> out) {
    transpose(b);
    const int n = std::min(kVecLanes, out.width - c0);
    for (int l = 0; l < rows; ++l) {
        Vec v = b.v[l];
        if (non_negative)
            v = v < 0 ? Vec{} : v; // as std::max(v, 0.0f): NaN and -0 pass
        if (n == kVecLanes) {
            store(out.row(r0 + l) + c0, v);
        } else {
            alignas(64) float pad[kVecLanes];
            store(pad, v);
            std::memcpy(out.row(r0 + l) + c0, pad, sizeof(float) * static_cast<std::size_t>(n));
        }
    }
}

// Rows [r0, r0 + rows), rows <= 16, one per lane: the causal sweep runs left to right over
// blocks of 16 columns transposed in registers and keeps its sums in `y` (column-major, one
// vector per column); the anti-causal sweep runs right to left over the same blocks, adds, and
// transposes the sums back into the rows. Columns past the layer are zeros, which leave a
// recursion at rest, so the padded block changes nothing. Each input block is read before its
// output is written, so `in` and `out` may be the same rows.
RISKMAP_WIDE_SIMD void horizontal_rows(LayerView<const float> in, LayerView<float> out,
                                       const VecFilter& k, int r0, int rows, bool non_negative,
                                       float* y) {
    const int blocks = (in.width + kVecLanes - 1) / kVecLanes;
    State s;
    for (int b = 0; b < blocks; ++b) {
        const Block x = read_columns(in, r0, rows, b * kVecLanes);
        float* yb = y + static_cast<std::ptrdiff_t>(b) * kVecLanes * kVecLanes;
        for (int c = 0; c < kVecLanes; ++c)
            store(yb + std::ptrdiff_t{c} * kVecLanes, causal_step(k, s, x.v[c]));
    }
    s = State{};
    for (int b = blocks - 1; b >= 0; --b) {
        const Block x = read_columns(in, r0, rows, b * kVecLanes);
        const float* yb = y + static_cast<std::ptrdiff_t>(b) * kVecLanes * kVecLanes;
        Block sum;
        for (int c = kVecLanes - 1; c >= 0; --c)
            sum.v[c] = load(yb + std::ptrdiff_t{c} * kVecLanes) + anti_step(k, s, x.v[c]);
        write_columns(sum, r0, rows, b * kVecLanes, non_negative, out);
    }
}
} // namespace

bool gaussian_fast_vertical(LayerView<const float> in, LayerView<float> out,
                            const FastGaussianPlan& plan, int col_begin, int col_end) {
    return vertical_strips(in, out, plan, col_begin, col_end);
}

void gaussian_fast_horizontal(LayerView<const float> in, LayerView<float> out,
                              const FastGaussianPlan& plan, int row_begin, int row_end,
                              bool non_negative) {
    // Per-thread scratch for the causal sums, grown once: the sweeps never allocate, and the
    // block of a province row (2830 x 16 floats) is not mapped and unmapped for every call.
    thread_local std::vector<float> y;
    const std::size_t size = static_cast<std::size_t>(in.width + kVecLanes) * kRows;
    if (y.size() < size)
        y.resize(size);
    for (int r0 = row_begin; r0 < row_end; r0 += kRows) {
        const int rows = std::min(kRows, row_end - r0);
        horizontal_rows(in, out, lane_filters(plan, r0, rows), r0, rows, non_negative, y.data());
    }
}

} // namespace riskmap::kernels
