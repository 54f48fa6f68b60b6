// Kernel API: reductions (reduce_init / reduce_tile / reduce_uninit) as TT-Metalium v0.67's LLK
// drives the matrix engine, face by face (16x16 quarters of the tile):
// - The unpacker gives srcB one 16-datum row per face of the input: row 0 of the same face of the
//   scaler tile. Those are the weights. SUM/AVG multiply row i (REDUCE_COL) or column i
//   (REDUCE_ROW) of the face by weight i, at the kernel's math fidelity; MAX scales by the
//   weight's power of two alone, and a zero weight drops the row or column. The rest of the
//   scaler tile is never read, so a tile of ones and a tile with ones in each face's row 0 (what
//   tt-metal's generate_reduce_scaler writes) reduce alike.
// - Each face is pooled into one 16-wide DST row, the two faces of a direction accumulating there
//   with DST's rounding. A DST tile nothing wrote since tile_regs_acquire reads as 0 for SUM and
//   as -inf for MAX (the packer left it undefined), so the first MAX is the maximum itself.
// - REDUCE_ROW then moves that row through srcB, transposes it and writes the face back: column 0
//   gets the results, row 0 keeps them (the next call accumulates there). With fp32 DST the move
//   truncates to srcB's format (bf16, or tf32 for Float32 input) unless enforce_fp32_accumulation
//   moves both halves.
// - Until reduce_uninit the packer's edge mask packs only the result column (REDUCE_ROW), row
//   (REDUCE_COL) or element (REDUCE_SCALAR) and zeros elsewhere.
// Where the hardware leaves stale source-register data in DST, the simulator writes NaN: a
// consumer that reads a reduced tile outside its result row or column shows up instead of
// reading plausible numbers.
#include <array>
#include <cmath>
#include <initializer_list>
#include <limits>

#include "sim/compute_detail.h"

namespace tt_sim::k {

using namespace compute_detail;

namespace {

constexpr int kFace = 16;
constexpr float kStale = std::numeric_limits<float>::quiet_NaN();

using FaceRow = std::array<float, kFace>;

/*! Row-major index of element (r, c) of face `face` (faces are the tile's quarters in row-major order). */
int face_index(int face, int r, int c) {
    return ((face / 2) * kFace + r) * 32 + (face % 2) * kFace + c;
}

/*! What an undefined DST datum reads as for the pool instruction. */
float identity(bool is_max) {
    return is_max ? -INFINITY : 0.0f;
}

/*! GMPOOL's scaling: the datum times the weight's power of two; a zero or subnormal weight drops it. */
float max_scaled(float value, float weight) {
    const int kind = std::fpclassify(weight);
    if (kind == FP_ZERO || kind == FP_SUBNORMAL) return -INFINITY;
    int exponent = 0;
    std::frexp(weight, &exponent);  // |weight| = m * 2^exponent, m in [0.5, 1)
    return std::ldexp(value, exponent - 1);
}

/*! The 16 results of one pool instruction on face `face` of `input`: along its rows, one per column;
 *  for REDUCE_ROW, whose face the unpacker transposed, one per row. */
FaceRow pool_face(const Tile &input, const Tile &scaler, int face, bool transposed, bool is_max) {
    FaceRow out;
    for (int j = 0; j < kFace; ++j) {
        float acc = identity(is_max);
        for (int i = 0; i < kFace; ++i) {
            const float x = transposed ? input[face_index(face, j, i)] : input[face_index(face, i, j)];
            const float weight = scaler[face_index(face, 0, i)];
            acc = is_max ? std::max(acc, max_scaled(x, weight)) : acc + x * weight;
        }
        out[j] = acc;
    }
    return out;
}

/*! DST after one pool instruction adds (SUM) or max-es (MAX) `pooled` into `slot`. GMPOOL writes
 *  DST by truncation: to bf16 in 16-bit DST (fp16 input stays fp16), to tf32 in fp32 DST. */
float accumulate(const ComputeState &cs, bool is_max, float slot, float pooled) {
    if (!is_max) return to_dst(cs, slot + pooled);
    const bool wide = current_kernel().spec->fp32_dest_acc_en || cs.unpack_a == tt::DataFormat::Float16;
    return truncate_mantissa(std::max(slot, pooled), wide ? 10 : 7);
}

/*! A DST value moved to srcB and back (the transposes of REDUCE_ROW and REDUCE_SCALAR): lossless from
 *  16-bit DST; from fp32 DST truncated to srcB's format, unless moved as two exact halves. */
float through_srcb(const ComputeState &cs, float v, bool exact_halves) {
    if (!current_kernel().spec->fp32_dest_acc_en || exact_halves) return v;
    return truncate_mantissa(v, cs.unpack_a == tt::DataFormat::Float32 ? 10 : 7);
}

/*! Pool instructions on the input faces `faces`, accumulated onto row `row` of DST face `out_face`
 *  (starting from its value, or from the identity if DST is undefined); returns that row. */
FaceRow pool_faces(const ComputeState &cs, const Tile &d, bool written, const Tile &input, const Tile &scaler,
                   std::initializer_list<int> faces, int out_face, int row, bool transposed, bool is_max) {
    FaceRow acc;
    for (int j = 0; j < kFace; ++j) acc[j] = written ? d[face_index(out_face, row, j)] : identity(is_max);
    for (int face : faces) {
        const FaceRow pooled = pool_face(input, scaler, face, transposed, is_max);
        for (int j = 0; j < kFace; ++j) acc[j] = accumulate(cs, is_max, acc[j], pooled[j]);
    }
    return acc;
}

/*! GAPOOL writes four DST rows from four srcB rows, of which the unpacker filled only the first;
 *  GMPOOL zeros the other three. */
void clobber_pool_rows(Tile &d, int face, int first_row, bool is_max) {
    for (int r = first_row + 1; r < first_row + 4; ++r)
        for (int c = 0; c < kFace; ++c) d[face_index(face, r, c)] = is_max ? 0.0f : kStale;
}

/*! REDUCE_ROW: faces 0 and 1 reduce into DST face 0, faces 2 and 3 into DST face 2. */
void reduce_rows(ComputeState &cs, Tile &d, bool written, const Tile &input, const Tile &scaler, bool is_max) {
    for (int out_face : {0, 2}) {
        FaceRow acc = pool_faces(cs, d, written, input, scaler, {out_face, out_face + 1}, out_face, 0, true, is_max);
        for (float &v : acc) v = through_srcb(cs, v, cs.reduce_fp32_accumulation);
        for (int r = 0; r < kFace; ++r)
            for (int c = 0; c < kFace; ++c) d[face_index(out_face, r, c)] = r == 0 ? acc[c] : c == 0 ? acc[r] : kStale;
    }
}

/*! REDUCE_COL: faces 0 and 2 reduce into row 0 of DST face 0, faces 1 and 3 into row 0 of face 1. */
void reduce_columns(ComputeState &cs, Tile &d, bool written, const Tile &input, const Tile &scaler, bool is_max) {
    for (int out_face : {0, 1}) {
        const FaceRow acc =
            pool_faces(cs, d, written, input, scaler, {out_face, out_face + 2}, out_face, 0, false, is_max);
        for (int j = 0; j < kFace; ++j) d[face_index(out_face, 0, j)] = acc[j];
        clobber_pool_rows(d, out_face, 0, is_max);
    }
}

/*! REDUCE_SCALAR: every face pools into row 4 of DST face 0; that row is transposed into a srcA
 *  column and pooled once more with the weights still in srcB (the last face's) into element
 *  [0][0]. The weights apply twice, which is why AVG wants 1/sqrt(N) there. */
void reduce_scalar(ComputeState &cs, Tile &d, bool written, const Tile &input, const Tile &scaler, bool is_max) {
    constexpr int kScratchRow = 4;
    const FaceRow row = pool_faces(cs, d, written, input, scaler, {0, 1, 2, 3}, 0, kScratchRow, false, is_max);
    float folded = identity(is_max);
    for (int i = 0; i < kFace; ++i) {
        const float x = through_srcb(cs, row[i], false), weight = scaler[face_index(3, 0, i)];
        if (is_max)
            folded = std::max(folded, max_scaled(x, weight));
        else
            folded += truncate_mantissa(x, fidelity_bits(true)) * weight;
    }
    d[0] = accumulate(cs, is_max, written ? d[0] : identity(is_max), folded);
    for (int c = 1; c < kFace; ++c) d[c] = kStale;  // the other srcA columns held stale srcB rows
    clobber_pool_rows(d, 0, 0, is_max);
    clobber_pool_rows(d, 0, kScratchRow, is_max);
    for (int c = 0; c < kFace; ++c) d[face_index(0, kScratchRow, c)] = 0.0f;  // ZEROACC: undefined, packs as zero
}

}  // namespace

namespace compute_detail {

Tile reduce_edge_masked(const ComputeState &cs, const Tile &t) {
    Tile out{};
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c) {
            // REDUCE_ROW keeps the first datum of every 16-wide face row; REDUCE_COL row 0; REDUCE_SCALAR [0][0].
            const bool kept = cs.reduce_axis == ReduceAxis::Row   ? c % kFace == 0
                              : cs.reduce_axis == ReduceAxis::Col ? r == 0
                                                                  : r == 0 && c == 0;
            if (kept) out[r * 32 + c] = t[r * 32 + c];
        }
    return out;
}

}  // namespace compute_detail

void init_reduce(Pool pool, ReduceAxis axis, bool fp32_accumulation, uint32_t in_cb, uint32_t scaler_cb,
                 uint32_t out_cb, Loc loc) {
    ComputeState &cs = compute_state("reduce_init", loc);
    hw_startup(in_cb, scaler_cb, out_cb, loc);
    start_math(cs, Math::Reduce);
    cs.reduce_pool = pool;
    cs.reduce_axis = axis;
    cs.reduce_fp32_accumulation = fp32_accumulation;
    cs.reduce_active = true;
    ++current_kernel().stats.tile_ops["init.reduce"];
}

void reduce_uninit(Loc loc) {
    ComputeState &cs = compute_state("reduce_uninit", loc);
    cs.reduce_active = false;
    start_math(cs, Math::None);
}

void reduce_tile(Pool pool, ReduceAxis axis, bool fp32_accumulation, uint32_t in_cb, uint32_t scaler_cb, uint32_t tile,
                 uint32_t scaler_tile, uint32_t dst, Loc loc) {
    ComputeState &cs = compute_state("reduce_tile", loc);
    require_init(cs, Math::Reduce, "reduce_tile", "reduce_init", loc);
    if (cs.reduce_pool != pool || cs.reduce_axis != axis)
        fail("reduce_tile", loc, "the reduce kind or dimension differs from reduce_init's");
    if (cs.reduce_fp32_accumulation != fp32_accumulation)
        fail("reduce_tile", loc, "enforce_fp32_accumulation differs from reduce_init's");
    require_math(cs, dst, "reduce_tile", loc);
    if (axis != ReduceAxis::Col && cs.unpack_a == tt::DataFormat::Float16 && current_kernel().spec->fp32_dest_acc_en &&
        !fp32_accumulation)
        not_modelled("reduce_tile",
                     "REDUCE_ROW or REDUCE_SCALAR of Float16 tiles with fp32_dest_acc_en (the transpose moves fp32 DST "
                     "through srcB as fp16; use enforce_fp32_accumulation)",
                     loc);
    Tile input, scaler;
    read_input(cs, in_cb, tile, input, Unpack::Source, "reduce_tile", loc);
    read_input(cs, scaler_cb, scaler_tile, scaler, Unpack::Source, "reduce_tile", loc);
    const bool is_max = pool == Pool::Max;
    if (!is_max) {
        mask(input, fidelity_bits(true));  // the input feeds srcA, the weights srcB
        mask(scaler, fidelity_bits(false));
    }
    Tile &d = cs.dst[dst];
    const bool written = cs.dst_written[dst];
    if (axis == ReduceAxis::Row)
        reduce_rows(cs, d, written, input, scaler, is_max);
    else if (axis == ReduceAxis::Col)
        reduce_columns(cs, d, written, input, scaler, is_max);
    else
        reduce_scalar(cs, d, written, input, scaler, is_max);
    cs.dst_written[dst] = true;
    const int cycles = current_run().device->spec.reduce_cycles_per_tile();
    count("reduce_tile", cycles,
          {page_bytes(in_cb, "reduce_tile", loc), page_bytes(scaler_cb, "reduce_tile", loc), double(cycles)});
}

}  // namespace tt_sim::k
