// Kernel API: the compute engine. DST is modelled as 16 tiles of floats; values are rounded to the
// accumulation format (fp32, or bfloat16/fp16 when fp32_dest_acc_en is off) after every math step
// and to the CB's data format when packed. The DST handshake and the init-before-op rules are
// enforced because breaking them hangs or corrupts a real core. Reductions are in reduce.cc, SFPU
// ops in sfpu.cc.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>

#include "sim/compute_detail.h"

namespace tt_sim::k {

namespace compute_detail {

const char *format_name(tt::DataFormat f) {
    switch (f) {
    case tt::DataFormat::Float32: return "Float32";
    case tt::DataFormat::Float16: return "Float16";
    case tt::DataFormat::Float16_b: return "Float16_b";
    case tt::DataFormat::Bfp8_b: return "Bfp8_b";
    default: return "an unsupported format";
    }
}

const char *math_name(const ComputeState &cs) {
    switch (cs.math) {
    case Math::None: return "nothing";
    case Math::Matmul: return "matmul";
    case Math::Binary: return "an element-wise binary op";
    case Math::Copy: return "copy_tile";
    case Math::Reduce: return "reduce";
    case Math::Transpose: return "transpose";
    case Math::UnaryBcast: return "unary_bcast";
    }
    return "?";
}

ComputeState &compute_state(const char *call, const Loc &loc) {
    KernelInstance &k = current_kernel();
    if (!k.compute) fail(call, loc, "compute API called from a data-movement kernel");
    return *k.compute;
}

CircularBuffer &cb_for(uint32_t cb, const char *call, const Loc &loc) {
    const int limit = current_run().device->spec.num_circular_buffers;
    if (cb >= static_cast<uint32_t>(limit)) fail(call, loc, "cb index " + std::to_string(cb) + " is out of range");
    CircularBuffer &state = current_run().cbs[current_kernel().core][cb];
    if (!state.configured) fail(call, loc, "cb " + std::to_string(cb) + " was not created on this core");
    if (!tile_format_supported(state.format))
        fail(call, loc,
             "cb " + std::to_string(cb) + " holds " + format_name(state.format) +
                 " tiles, which the simulator does not model");
    return state;
}

namespace {

/*! The L1 page of tile `index` of an input CB, after the checks every unpack makes. */
const uint8_t *input_page(ComputeState &cs, CircularBuffer &state, uint32_t cb, uint32_t index, const char *call,
                          const Loc &loc) {
    if (index >= state.waited)
        fail(call, loc,
             "reads tile " + std::to_string(index) + " of cb " + std::to_string(cb) + " but only " +
                 std::to_string(state.waited) + " page(s) were waited for (cb_wait_front)");
    if (!cs.hw_started)
        fail(call, loc,
             "no full init configured the unpacker (compute_kernel_hw_startup, mm_init, binary_op_init_common, ...)");
    if (state.format != cs.unpack_a && state.format != cs.unpack_b)
        fail(call, loc,
             std::string("cb ") + std::to_string(cb) + " holds " + format_name(state.format) +
                 " tiles but the unpacker is configured for " + format_name(cs.unpack_a) +
                 " (call reconfig_data_format or an init *_with_dt)");
    const uint8_t *page =
        current_run().device->memory.l1(current_kernel().core, state.slot_address(state.read_slot + index));
    if (never_written(page, state.page_size))
        fail(call, loc,
             "reads tile " + std::to_string(index) + " of cb " + std::to_string(cb) +
                 ", a page its producer pushed without filling it (no NoC read, pack or store wrote it after "
                 "cb_reserve_back)");
    return page;
}

}  // namespace

namespace {

/*! Whether tiles of `state` (CB `cb`) reach DST without the source registers on `path`; fails where
 *  the CB's mode and the op disagree. */
bool unpacks_to_dest(const CircularBuffer &state, uint32_t cb, Unpack path, const char *call, const Loc &loc) {
    const KernelSpec &spec = *current_kernel().spec;
    if (state.format != tt::DataFormat::Float32 || !spec.unpack_to_dest_fp32[cb]) return false;
    if (path == Unpack::Source)
        fail(call, loc,
             "cb " + std::to_string(cb) +
                 " is UnpackToDestFp32 (ComputeConfig::unpack_to_dest_mode): its Float32 tiles unpack only "
                 "straight into DST, and this op reads them through the source registers; leave the CB in "
                 "UnpackToDestMode::Default, or copy its tiles into DST (copy_tile) and use the SFPU form");
    if (!spec.fp32_dest_acc_en)
        fail(call, loc,
             "cb " + std::to_string(cb) +
                 " is UnpackToDestFp32 but DST holds 16-bit values (fp32_dest_acc_en=false); unpacking Float32 "
                 "to DST needs fp32_dest_acc_en=true");
    return true;
}

}  // namespace

void read_input(ComputeState &cs, uint32_t cb, uint32_t index, Tile &out, Unpack path, const char *call,
                const Loc &loc) {
    CircularBuffer &state = cb_for(cb, call, loc);
    unpack_tile(input_page(cs, state, cb, index, call, loc), state.format, out);
    // The other formats have at most the source registers' 10 mantissa bits.
    if (state.format == tt::DataFormat::Float32 && !unpacks_to_dest(state, cb, path, call, loc))
        mask(out, kSourceMantissaBits);
}

void require_math(ComputeState &cs, uint32_t dst, const char *call, const Loc &loc) {
    if (cs.dst_state != Dst::Acquired)
        fail(call, loc,
             cs.dst_state == Dst::Released ? "math on DST before tile_regs_acquire"
                                           : "math on DST after tile_regs_commit (acquire DST again first)");
    if (dst >= static_cast<uint32_t>(cs.capacity))
        fail(call, loc,
             "DST index " + std::to_string(dst) + " is beyond the DST capacity of " + std::to_string(cs.capacity) +
                 " tiles (fp32_dest_acc_en=" + (current_kernel().spec->fp32_dest_acc_en ? "true" : "false") +
                 ", dst_full_sync_en=" + (current_kernel().spec->dst_full_sync_en ? "true" : "false") + ")");
}

void require_init(ComputeState &cs, Math wanted, const char *call, const char *init, const Loc &loc) {
    if (cs.reduce_active && wanted != Math::Reduce) fail(call, loc, "called after reduce_init without reduce_uninit");
    if (cs.math != wanted)
        fail(call, loc,
             std::string("the math engine is configured for ") + math_name(cs) + "; call " + init + " first");
}

Rounding dst_rounding(const ComputeState &cs) {
    if (current_kernel().spec->fp32_dest_acc_en) return Rounding::None;
    return cs.unpack_a == tt::DataFormat::Float16 ? Rounding::Float16 : Rounding::Bfloat16;
}

float to_dst(const ComputeState &cs, float v) {
    return round_to(dst_rounding(cs), v);
}

void store_dst(ComputeState &cs, uint32_t dst, const Tile &value) {
    copy_rounded(cs.dst[dst].data(), value.data(), dst_rounding(cs));
    cs.dst_written[dst] = true;
}

// LoFi multiplies 5 bits of srcA (4 explicit) by 7 of srcB.
int fidelity_bits(bool srca) {
    using F = tt::target::MathFidelity;
    const F f = current_kernel().spec->fidelity;
    if (f == F::LoFi) return srca ? 4 : 6;
    if (f == F::HiFi2) return srca ? 10 : 6;
    return kSourceMantissaBits;
}

void mask(Tile &t, int bits) {
    truncate_tile(t.data(), bits);
}

void count(const char *op, uint64_t cycles, const Charge &charge) {
    auto &ops = current_kernel().stats.tile_ops;
    auto it = ops.find(std::string_view(op));
    if (it == ops.end()) it = ops.emplace(op, 0).first;
    ++it->second;
    KernelStats &s = current_kernel().stats;
    s.compute_cycles += cycles;
    cost::math_op(charge.unpack_a, charge.unpack_b, charge.math);
}

uint32_t page_bytes(uint32_t cb, const char *call, const Loc &loc) {
    return cb_for(cb, call, loc).page_size;
}

/*! DST[dst] += a x b, accumulated per 16-deep face as the FPU does (rounding DST in between). */
void matmul_accumulate(ComputeState &cs, uint32_t dst, const Tile &a, const Tile &b) {
    const Rounding rounding = dst_rounding(cs);
    for (int half = 0; half < 2; ++half) {
        alignas(64) float acc[1024];
        matmul_face_pass(a.data(), b.data(), half * 16, acc);
        add_rounded(cs.dst[dst].data(), acc, rounding);
    }
    cs.dst_written[dst] = true;
}

/*! out = a op b, plus `accumulated` when not null (acc_to_dest), element by element. */
TT_SIM_VECTOR_CLONES
void combine(BinaryOp op, const float *__restrict a, const float *__restrict b, const float *__restrict accumulated,
             float *__restrict out) {
    if (op == BinaryOp::Add)
        for (int i = 0; i < 1024; ++i) out[i] = a[i] + b[i];
    else if (op == BinaryOp::Sub)
        for (int i = 0; i < 1024; ++i) out[i] = a[i] - b[i];
    else
        for (int i = 0; i < 1024; ++i) out[i] = a[i] * b[i];
    if (accumulated)
        for (int i = 0; i < 1024; ++i) out[i] += accumulated[i];
}

void transpose(Tile &t) {
    for (int r = 0; r < 32; ++r)
        for (int c = r + 1; c < 32; ++c) std::swap(t[r * 32 + c], t[c * 32 + r]);
}

void start_math(ComputeState &cs, Math math) {
    cs.math = math;
}

tt::DataFormat format_of(uint32_t cb, const char *call, const Loc &loc) {
    return cb_for(cb, call, loc).format;
}

const Tile &read_operand(ComputeState &cs, uint32_t cb, uint32_t index, int bits, bool transposed, const char *call,
                         const Loc &loc) {
    CircularBuffer &state = cb_for(cb, call, loc);
    const uint32_t address = state.slot_address(state.read_slot + index);
    const uint8_t *page = input_page(cs, state, cb, index, call, loc);
    unpacks_to_dest(state, cb, Unpack::Source, call, loc);
    auto &cache = cs.operands;
    for (size_t i = 0; i < cache.size(); ++i) {
        ComputeState::Operand &e = cache[i];
        if (e.address == address && e.format == state.format && e.bits == bits && e.transposed == transposed &&
            e.raw.size() == state.page_size && std::memcmp(e.raw.data(), page, state.page_size) == 0) {
            cs.last_operand = i;
            return e.values;
        }
    }
    // Round robin, never over the operand handed out last: a caller holds it while reading the next.
    size_t victim = cs.next_operand++ % cache.size();
    if (victim == cs.last_operand) victim = cs.next_operand++ % cache.size();
    ComputeState::Operand &e = cache[victim];
    e.address = address;
    e.format = state.format;
    e.bits = bits;
    e.transposed = transposed;
    e.raw.assign(page, page + state.page_size);
    unpack_tile(page, state.format, e.values);
    if (transposed) transpose(e.values);
    mask(e.values, bits);
    cs.last_operand = victim;
    return e.values;
}

}  // namespace compute_detail

using namespace compute_detail;

void tile_regs_acquire(Loc loc) {
    ComputeState &cs = compute_state("tile_regs_acquire", loc);
    if (cs.dst_state != Dst::Released)
        fail("tile_regs_acquire", loc, "DST is already acquired (missing tile_regs_release)");
    // Only the tiles within DST's capacity can be used, so only those need clearing.
    for (int t = 0; t < cs.capacity; ++t) cs.dst[t].fill(0.0f);
    std::fill(cs.dst_written.begin(), cs.dst_written.end(), false);
    cs.dst_state = Dst::Acquired;
    cs.acquire_loc = loc;
    cost::dst_acquire();
}

void tile_regs_commit(Loc loc) {
    ComputeState &cs = compute_state("tile_regs_commit", loc);
    if (cs.dst_state != Dst::Acquired) fail("tile_regs_commit", loc, "DST was not acquired (tile_regs_acquire)");
    cs.dst_state = Dst::Committed;
    cost::dst_commit();
}

void tile_regs_wait(Loc loc) {
    ComputeState &cs = compute_state("tile_regs_wait", loc);
    if (cs.dst_state != Dst::Committed)
        fail("tile_regs_wait", loc,
             cs.dst_state == Dst::Acquired ? "waits before tile_regs_commit (the packer would wait forever)"
                                           : "DST was not committed (tile_regs_commit)");
    cs.dst_state = Dst::Waited;
    cost::dst_wait();
}

void tile_regs_release(Loc loc) {
    ComputeState &cs = compute_state("tile_regs_release", loc);
    if (cs.dst_state != Dst::Waited)
        fail("tile_regs_release", loc, "releases DST that the packer did not wait for (tile_regs_wait)");
    cs.dst_state = Dst::Released;
    cost::dst_release();
}

void acquire_dst(Loc loc) {
    tile_regs_acquire(loc);
    compute_state("acquire_dst", loc).legacy_acquire = true;
}

void release_dst(Loc loc) {
    ComputeState &cs = compute_state("release_dst", loc);
    // release_dst is tile_regs_commit's math half followed by tile_regs_release's pack half. Once a
    // tile_regs_* round has given DST back, the math thread marks an empty section done and the packer
    // consumes that mark at once: nothing is packed and DST stays free (tt-metal's vecadd_multi_core does this).
    if (!cs.legacy_acquire && cs.dst_state == Dst::Released) return;
    if (!cs.legacy_acquire || cs.dst_state != Dst::Acquired)
        fail("release_dst", loc, "DST was not acquired with acquire_dst");
    cs.legacy_acquire = false;
    cs.dst_state = Dst::Released;
    cost::dst_commit();
    cost::dst_wait();
    cost::dst_release();
}

void hw_startup(uint32_t in0_cb, uint32_t in1_cb, uint32_t out_cb, Loc loc) {
    ComputeState &cs = compute_state("compute_kernel_hw_startup", loc);
    cs.unpack_a = format_of(in0_cb, "compute_kernel_hw_startup", loc);
    cs.unpack_b = format_of(in1_cb, "compute_kernel_hw_startup", loc);
    cs.pack_format = format_of(out_cb, "compute_kernel_hw_startup", loc);
    cs.hw_started = true;
    ++current_kernel().stats.tile_ops["init.hw_startup"];
}

void init_matmul(uint32_t in0_cb, uint32_t in1_cb, int32_t out_cb, bool transpose, uint32_t ct_dim, uint32_t rt_dim,
                 uint32_t kt_dim, Loc loc) {
    ComputeState &cs = compute_state("mm_init", loc);
    if (ct_dim == 0 || rt_dim == 0 || kt_dim == 0)
        fail("mm_block_init", loc, "ct_dim, rt_dim and kt_dim are tile counts of at least 1");
    if (out_cb >= 0) hw_startup(in0_cb, in1_cb, static_cast<uint32_t>(out_cb), loc);
    start_math(cs, Math::Matmul);
    cs.matmul_transpose = transpose;
    cs.matmul_ct = ct_dim;
    cs.matmul_rt = rt_dim;
    cs.matmul_kt = kt_dim;
    cs.reduce_active = false;
    ++current_kernel().stats.tile_ops["init.matmul"];
}

void init_binary_common(uint32_t in0_cb, uint32_t in1_cb, uint32_t out_cb, Loc loc) {
    hw_startup(in0_cb, in1_cb, out_cb, loc);
}

void init_binary(BinaryOp op, Broadcast bcast, uint32_t in0_cb, uint32_t in1_cb, bool acc_to_dest, Loc loc) {
    ComputeState &cs = compute_state("binary init", loc);
    cb_for(in0_cb, "binary init", loc);  // both CBs must exist, in a modelled format
    cb_for(in1_cb, "binary init", loc);
    start_math(cs, Math::Binary);
    cs.binary_op = op;
    cs.binary_bcast = bcast;
    cs.acc_to_dest = acc_to_dest;
    ++current_kernel().stats.tile_ops["init.binary"];
}

void init_copy(uint32_t cb, bool transpose_tiles, Loc loc) {
    ComputeState &cs = compute_state("copy_tile_init", loc);
    cb_for(cb, "copy_tile_init", loc);  // the CB must exist, in a modelled format
    start_math(cs, transpose_tiles ? Math::Transpose : Math::Copy);
    ++current_kernel().stats.tile_ops["init.copy"];
}

void init_unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t out_cb, Loc loc) {
    ComputeState &cs = compute_state("unary_bcast_init", loc);
    hw_startup(in_cb, in_cb, out_cb, loc);
    start_math(cs, Math::UnaryBcast);
    cs.unary_bcast = bcast;
    ++current_kernel().stats.tile_ops["init.unary_bcast"];
}

void reconfigure_unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t out_cb, Loc loc) {
    ComputeState &cs = compute_state("reconfigure_unary_bcast", loc);
    reconfig_unpack(static_cast<int32_t>(in_cb), static_cast<int32_t>(in_cb), loc);
    reconfig_pack(out_cb, loc);
    start_math(cs, Math::UnaryBcast);
    cs.unary_bcast = bcast;
}

void unary_bcast_uninit(Loc loc) {
    ComputeState &cs = compute_state("unary_bcast_uninit", loc);
    if (cs.math == Math::UnaryBcast) start_math(cs, Math::None);
}

void init_sfpu(SfpuOp op, Loc loc) {
    ComputeState &cs = compute_state("SFPU init", loc);
    cs.sfpu_inited |= 1ull << static_cast<int>(op);
    ++current_kernel().stats.tile_ops["init.sfpu"];
}

void reconfig_unpack(int32_t srca_cb, int32_t srcb_cb, Loc loc) {
    ComputeState &cs = compute_state("reconfig_data_format", loc);
    if (srca_cb >= 0) cs.unpack_a = format_of(static_cast<uint32_t>(srca_cb), "reconfig_data_format", loc);
    if (srcb_cb >= 0) cs.unpack_b = format_of(static_cast<uint32_t>(srcb_cb), "reconfig_data_format", loc);
}

void reconfig_pack(uint32_t out_cb, Loc loc) {
    ComputeState &cs = compute_state("pack_reconfig_data_format", loc);
    cs.pack_format = format_of(out_cb, "pack_reconfig_data_format", loc);
}

void pack_l1_accumulate(bool enable, Loc loc) {
    compute_state("pack_reconfig_l1_acc", loc).pack_l1_acc = enable;
}

void matmul_tiles(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t dst, Loc loc) {
    ComputeState &cs = compute_state("matmul_tiles", loc);
    require_init(cs, Math::Matmul, "matmul_tiles", "mm_init or mm_init_short", loc);
    // The init's block sets the unpacker's and the math engine's loop counts.
    if (cs.matmul_ct != 1 || cs.matmul_rt != 1)
        fail("matmul_tiles", loc,
             "the matmul was initialised for " + std::to_string(cs.matmul_rt) + " x " + std::to_string(cs.matmul_ct) +
                 " output tiles per call (mm_block_init); call mm_init_short before matmul_tiles");
    require_math(cs, dst, "matmul_tiles", loc);
    // in0 feeds srcB and in1 srcA; the multipliers see each at its source's fidelity.
    const Tile &a = read_operand(cs, in0_cb, in0_tile, fidelity_bits(false), false, "matmul_tiles", loc);
    const Tile &b = read_operand(cs, in1_cb, in1_tile, fidelity_bits(true), cs.matmul_transpose, "matmul_tiles", loc);
    matmul_accumulate(cs, dst, a, b);
    const int cycles = current_run().device->spec.matmul_cycles_per_tile(current_kernel().spec->fidelity);
    count("matmul_tiles", cycles,
          {page_bytes(in1_cb, "matmul_tiles", loc), page_bytes(in0_cb, "matmul_tiles", loc), double(cycles)});
}

void matmul_block(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t dst,
                  bool transpose_b, uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim, Loc loc) {
    ComputeState &cs = compute_state("matmul_block", loc);
    require_init(cs, Math::Matmul, "matmul_block", "mm_block_init or mm_block_init_short", loc);
    if (ct_dim != cs.matmul_ct || rt_dim != cs.matmul_rt || kt_dim != cs.matmul_kt)
        fail("matmul_block", loc,
             "ct_dim " + std::to_string(ct_dim) + ", rt_dim " + std::to_string(rt_dim) + ", kt_dim " +
                 std::to_string(kt_dim) + " differ from the init's " + std::to_string(cs.matmul_ct) + ", " +
                 std::to_string(cs.matmul_rt) + ", " + std::to_string(cs.matmul_kt) +
                 "; the init configures the unpacker's and the math engine's loops for one block shape, so call "
                 "mm_block_init_short with this call's dimensions first");
    require_math(cs, dst + rt_dim * ct_dim - 1, "matmul_block", loc);
    const bool transposed = transpose_b || cs.matmul_transpose;
    const int cycles = current_run().device->spec.matmul_cycles_per_tile(current_kernel().spec->fidelity);
    // The source registers hold one tile of each operand: the unpacker keeps a tile of the operand
    // along the block's shorter side for a whole row (or column) of products and unpacks the other
    // operand's tile for every product.
    const uint32_t in0_page = page_bytes(in0_cb, "matmul_block", loc), in1_page = page_bytes(in1_cb, "matmul_block", loc);
    const bool keep_in0 = ct_dim >= rt_dim;
    for (uint32_t r = 0; r < rt_dim; ++r) {
        for (uint32_t c = 0; c < ct_dim; ++c) {
            const Tile &a =
                read_operand(cs, in0_cb, in0_tile + r * kt_dim, fidelity_bits(false), false, "matmul_block", loc);
            const Tile &b =
                read_operand(cs, in1_cb, in1_tile + c, fidelity_bits(true), transposed, "matmul_block", loc);
            matmul_accumulate(cs, dst + r * ct_dim + c, a, b);
            const bool first_of_line = keep_in0 ? c == 0 : r == 0;
            count("matmul_block.tile", cycles,
                  {in1_page * (keep_in0 || first_of_line), in0_page * (!keep_in0 || first_of_line), double(cycles)});
        }
    }
}

void binary_tiles(BinaryOp op, Broadcast bcast, uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile,
                  uint32_t dst, Loc loc) {
    static const char *names[] = {"add_tiles", "sub_tiles", "mul_tiles"};
    const char *call = names[static_cast<int>(op)];
    ComputeState &cs = compute_state(call, loc);
    require_init(cs, Math::Binary, call, "the matching *_tiles_init / *_bcast_*_init_short", loc);
    if (cs.binary_op != op || cs.binary_bcast != bcast)
        fail(call, loc,
             "the math engine was initialised for a different element-wise op or broadcast; call its init first");
    require_math(cs, dst, call, loc);
    Tile a, b;
    read_input(cs, in0_cb, in0_tile, a, Unpack::Source, call, loc);
    read_input(cs, in1_cb, in1_tile, b, Unpack::Source, call, loc);
    if (op == BinaryOp::Mul) {
        mask(a, fidelity_bits(true));
        mask(b, fidelity_bits(false));
    }
    if (bcast != Broadcast::None) {
        const Tile source = b;
        for (int r = 0; r < 32; ++r)
            for (int c = 0; c < 32; ++c)
                b[r * 32 + c] = bcast == Broadcast::Row   ? source[c]
                                : bcast == Broadcast::Col ? source[r * 32]
                                                          : source[0];
    }
    Tile out;
    combine(op, a.data(), b.data(), cs.acc_to_dest ? cs.dst[dst].data() : nullptr, out.data());
    store_dst(cs, dst, out);
    const bool mul = op == BinaryOp::Mul;
    const int cycles = current_run().device->spec.eltwise_cycles_per_tile(mul, current_kernel().spec->fidelity);
    count(bcast == Broadcast::None ? call : "bcast_tiles", cycles,
          {page_bytes(in0_cb, call, loc), page_bytes(in1_cb, call, loc), double(cycles)});
}

void unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t tile, uint32_t dst, Loc loc) {
    ComputeState &cs = compute_state("unary_bcast", loc);
    require_init(cs, Math::UnaryBcast, "unary_bcast", "unary_bcast_init", loc);
    if (cs.unary_bcast != bcast)
        fail("unary_bcast", loc,
             "the broadcast differs from unary_bcast_init's (the unpacker was configured for the other one)");
    require_math(cs, dst, "unary_bcast", loc);
    Tile in, out;
    read_input(cs, in_cb, tile, in, Unpack::ToDest, "unary_bcast", loc);
    for (int r = 0; r < 32; ++r)
        for (int c = 0; c < 32; ++c)
            out[r * 32 + c] = bcast == Broadcast::Col      ? in[r * 32]
                              : bcast == Broadcast::Row    ? in[c]
                              : bcast == Broadcast::Scalar ? in[0]
                                                           : in[r * 32 + c];
    store_dst(cs, dst, out);
    count("unary_bcast", 0,
          {page_bytes(in_cb, "unary_bcast", loc), 0, double(current_run().device->spec.cost.copy_cycles_per_tile)});
}

void copy_tile(uint32_t cb, uint32_t tile, uint32_t dst, Loc loc) {
    ComputeState &cs = compute_state("copy_tile", loc);
    require_init(cs, Math::Copy, "copy_tile", "copy_tile_init or copy_tile_to_dst_init_short", loc);
    require_math(cs, dst, "copy_tile", loc);
    read_input(cs, cb, tile, cs.dst[dst], Unpack::ToDest, "copy_tile", loc);
    round_in_place(cs.dst[dst].data(), dst_rounding(cs));
    cs.dst_written[dst] = true;
    count("copy_tile", 0,
          {page_bytes(cb, "copy_tile", loc), 0, double(current_run().device->spec.cost.copy_cycles_per_tile)});
}

void transpose_tile(uint32_t cb, uint32_t tile, uint32_t dst, Loc loc) {
    ComputeState &cs = compute_state("transpose_wh_tile", loc);
    require_init(cs, Math::Transpose, "transpose_wh_tile", "transpose_wh_init", loc);
    require_math(cs, dst, "transpose_wh_tile", loc);
    Tile t;
    read_input(cs, cb, tile, t, Unpack::Source, "transpose_wh_tile", loc);
    transpose(t);
    store_dst(cs, dst, t);
    count("transpose_wh_tile", 16, {page_bytes(cb, "transpose_wh_tile", loc), 0, 16});
}

void pack_tile(uint32_t dst, uint32_t out_cb, uint32_t out_tile, bool out_of_order, Loc loc) {
    ComputeState &cs = compute_state("pack_tile", loc);
    const bool packable = cs.dst_state == Dst::Waited || (cs.legacy_acquire && cs.dst_state == Dst::Acquired);
    if (!packable)
        fail("pack_tile", loc,
             cs.dst_state == Dst::Acquired    ? "pack before tile_regs_commit and tile_regs_wait"
             : cs.dst_state == Dst::Committed ? "pack before tile_regs_wait"
                                              : "pack outside tile_regs_acquire/release");
    if (dst >= static_cast<uint32_t>(cs.capacity))
        fail("pack_tile", loc,
             "DST index " + std::to_string(dst) + " is beyond the DST capacity of " + std::to_string(cs.capacity) +
                 " tiles");
    CircularBuffer &state = cb_for(out_cb, "pack_tile", loc);
    if (cs.hw_started && state.format != cs.pack_format)
        fail("pack_tile", loc,
             std::string("cb ") + std::to_string(out_cb) + " holds " + format_name(state.format) +
                 " tiles but the packer is configured for " + format_name(cs.pack_format) +
                 " (call pack_reconfig_data_format)");
    const uint32_t index = out_of_order ? out_tile : state.pack_cursor;
    if (index >= state.reserved)
        fail("pack_tile", loc,
             "writes page " + std::to_string(index) + " of cb " + std::to_string(out_cb) + " but only " +
                 std::to_string(state.reserved) + " page(s) are reserved (cb_reserve_back)");
    if (!out_of_order) ++state.pack_cursor;
    uint8_t *page =
        current_run().device->memory.l1(current_kernel().core, state.slot_address(state.write_slot + index));
    Tile masked;
    if (cs.reduce_active) masked = reduce_edge_masked(cs, cs.dst[dst]);
    const Tile &packed = cs.reduce_active ? masked : cs.dst[dst];
    if (cs.pack_l1_acc) {
        // Reserving marked the page unwritten; the device adds to the bytes it held before.
        const uint32_t slot = (state.write_slot + index) % state.num_pages;
        const uint8_t *held = page;
        if (never_written(page, state.page_size) && !state.reserved_over.empty())
            held = &state.reserved_over[size_t(slot) * state.page_size];
        if (state.packed.empty() || !state.packed[slot] || never_written(held, state.page_size))
            fail("pack_tile", loc,
                 "accumulates (pack_reconfig_l1_acc) onto page " + std::to_string(slot) + " of cb " +
                     std::to_string(out_cb) + ", which holds no packed tile; pack the first value without L1 "
                     "accumulation");
        Tile sum;
        unpack_tile(held, state.format, sum);
        for (int i = 0; i < 1024; ++i) sum[i] += packed[i];
        pack_tile_bytes(sum, state.format, page);
    } else {
        pack_tile_bytes(packed, state.format, page);
    }
    if (state.packed.empty()) state.packed.resize(state.num_pages);
    state.packed[(state.write_slot + index) % state.num_pages] = true;
    count("pack_tile", 0, {});
    cost::pack(state.page_size, cs.pack_l1_acc);
}

}  // namespace tt_sim::k
