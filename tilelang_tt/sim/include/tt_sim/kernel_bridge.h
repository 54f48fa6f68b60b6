/*! \file kernel_bridge.h
 *  \brief The functions kernel code reaches through the TT-Metalium kernel API headers.
 *
 *  Every public kernel API function is a thin inline wrapper that forwards here with the caller's
 *  source location, so an error or a deadlock report names the kernel line that made the call.
 *  These are implemented by the simulator runtime (libtt_metal_sim.so), which knows which core and
 *  kernel is running. Nothing here is part of TT-Metalium's API; kernels never call it directly.
 */
#pragma once

#include <cstdint>

namespace tt_sim {

/*! \brief A call site in kernel source. Captured through default arguments, so it is the line of
 *  the kernel's call, not of the header. */
struct Loc {
    const char *file;
    int line;
    static constexpr Loc here(const char *file = __builtin_FILE(), int line = __builtin_LINE()) {
        return Loc{file, line};
    }
};

/*! \brief Encoding of NoC addresses (modelled on Wormhole's, shared by the runtime and the kernel
 *  headers): local address in bits [0, 36), x in [36, 42), y in [42, 48); multicast adds the
 *  rectangle's start corner in [48, 60) and sets bit 63. DRAM bank b sits at NoC coordinates (0, b),
 *  a column no worker uses in the device table. */
namespace noc_addr {
constexpr unsigned kLocalBits = 36;
constexpr unsigned kNodeIdBits = 6;
constexpr uint64_t kLocalMask = (1ull << kLocalBits) - 1;
constexpr uint64_t kMulticastFlag = 1ull << 63;
constexpr uint32_t kDramColumn = 0;
/*! \brief NoC x of a unicast address (TT-Metalium's NOC_UNICAST_ADDR_X). */
constexpr uint32_t unicast_x(uint64_t addr) {
    return static_cast<uint32_t>((addr >> kLocalBits) & ((1u << kNodeIdBits) - 1));
}
/*! \brief NoC y of a unicast address (TT-Metalium's NOC_UNICAST_ADDR_Y). */
constexpr uint32_t unicast_y(uint64_t addr) {
    return static_cast<uint32_t>((addr >> (kLocalBits + kNodeIdBits)) & ((1u << kNodeIdBits) - 1));
}
}  // namespace noc_addr

/*! \brief Element-wise FPU operations. */
enum class BinaryOp : uint8_t { Add, Sub, Mul };
/*! \brief Which part of the second operand a broadcast binary op replicates. */
enum class Broadcast : uint8_t { None, Row, Col, Scalar };
/*! \brief SFPU operations on tiles already in DST. */
enum class SfpuOp : uint8_t {
    Exp, Relu, Recip, Sqrt, Rsqrt, Gelu, Sigmoid, Tanh, Log, Abs, Neg, Square, Sin, Cos, Silu,
    Exp2, Expm1, ReluMax, ReluMin, LeakyRelu, Elu, Power, AddScalar, SubScalar, MulScalar, DivScalar, RsubScalar, Fill,
    BinaryAdd, BinarySub, BinaryMul, BinaryDiv, BinaryMax, BinaryMin, UnaryMax, UnaryMin, Erf, Erfc,
    UnaryNe, UnaryEq, UnaryGt, UnaryGe, UnaryLt, UnaryLe, Gtz, Nez, Gez, Ltz, Eqz, Lez, Where, Cumsum,
};
/*! \brief Reduction kind and direction (mirror TT-Metalium's PoolType / ReduceDim values). */
enum class Pool : uint8_t { Sum, Avg, Max };
enum class ReduceAxis : uint8_t { Row, Col, Scalar };

namespace k {

uint32_t runtime_arg(uint32_t index, bool common, Loc loc);
/*! \brief Stops the run: `call` asks for `what`, which the simulator does not model. */
[[noreturn]] void not_modelled(const char *call, const char *what, Loc loc);
/*! \brief Stops the run unless `cb` is a CB index of the device created on the running core. */
void check_cb_index(int32_t cb, const char *call, Loc loc);

// Circular buffers.
void cb_reserve_back(int32_t cb, int32_t pages, Loc loc);
void cb_push_back(int32_t cb, int32_t pages, Loc loc);
void cb_wait_front(int32_t cb, int32_t pages, Loc loc);
void cb_pop_front(int32_t cb, int32_t pages, Loc loc);
bool cb_pages_reservable_at_back(int32_t cb, int32_t pages, Loc loc);
bool cb_pages_available_at_front(int32_t cb, int32_t pages, Loc loc);
uint32_t cb_write_ptr(uint32_t cb, Loc loc);
uint32_t cb_read_ptr(uint32_t cb, Loc loc);
uint32_t cb_page_size(uint32_t cb, Loc loc);

// NoC.
void noc_read(uint64_t src_noc_addr, uint32_t dst_l1, uint32_t size, uint8_t noc, Loc loc);
void noc_write(uint32_t src_l1, uint64_t dst_noc_addr, uint32_t size, uint8_t noc, Loc loc);
void noc_write_multicast(uint32_t src_l1, uint64_t dst_mcast_addr, uint32_t size, uint32_t num_dests,
                         bool include_self, uint8_t noc, Loc loc);
void noc_read_barrier(Loc loc);
void noc_write_barrier(Loc loc);
void noc_writes_flushed(Loc loc);
uint64_t core_noc_addr(uint32_t x, uint32_t y, uint32_t addr);
uint64_t multicast_noc_addr(uint32_t x_start, uint32_t y_start, uint32_t x_end, uint32_t y_end, uint32_t addr);
uint64_t local_noc_addr(uint32_t addr);
uint64_t bank_noc_addr(bool dram, uint32_t bank, uint32_t offset, Loc loc);
/*! \brief Stops the run unless `page_id` < `num_pages` (a tensor accessor's page or shard id). */
void check_page_id(uint32_t page_id, uint32_t num_pages, const char *call, Loc loc);
uint64_t interleaved_page_noc_addr(bool dram, uint32_t base, uint32_t page_size, uint32_t page_id,
                                   uint32_t offset, Loc loc);
/*! \brief The local L1 address behind `noc_addr`; stops the run unless it is on the running core
 *  (`what` names the object a local address was asked of). */
uint32_t local_l1_address(uint64_t noc_addr, const char *call, const char *what, Loc loc);
/*! \brief Stops the run unless `noc` names one of a Tensix core's two NoCs. */
void check_noc_index(uint32_t noc, const char *call, Loc loc);

// Semaphores.
uint32_t semaphore_address(uint32_t id, Loc loc);
void semaphore_wait(volatile uint32_t *addr, uint32_t value, bool at_least, Loc loc);
void semaphore_set(volatile uint32_t *addr, uint32_t value, Loc loc);
void semaphore_inc(uint64_t noc_addr, uint32_t increment, Loc loc);

// Where am I.
uint32_t logical_x();
uint32_t logical_y();

// Compute: DST register protocol.
void tile_regs_acquire(Loc loc);
void tile_regs_commit(Loc loc);
void tile_regs_wait(Loc loc);
void tile_regs_release(Loc loc);
void acquire_dst(Loc loc);
void release_dst(Loc loc);

// Compute: unpacker/math/packer configuration.
void hw_startup(uint32_t in0_cb, uint32_t in1_cb, uint32_t out_cb, Loc loc);
/*! ct_dim x rt_dim x kt_dim: the block the unpacker and math are configured for (1 x 1 x 1 for
 *  matmul_tiles; matmul_block must pass the same). */
void init_matmul(uint32_t in0_cb, uint32_t in1_cb, int32_t out_cb, bool transpose, uint32_t ct_dim, uint32_t rt_dim,
                 uint32_t kt_dim, Loc loc);
void init_binary(BinaryOp op, Broadcast bcast, uint32_t in0_cb, uint32_t in1_cb, bool acc_to_dest, Loc loc);
void init_binary_common(uint32_t in0_cb, uint32_t in1_cb, uint32_t out_cb, Loc loc);
void init_copy(uint32_t cb, bool transpose, Loc loc);
void init_reduce(Pool pool, ReduceAxis axis, bool fp32_accumulation, uint32_t in_cb, uint32_t scaler_cb,
                 uint32_t out_cb, Loc loc);
void reduce_uninit(Loc loc);
void init_unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t out_cb, Loc loc);
void reconfigure_unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t out_cb, Loc loc);
void unary_bcast_uninit(Loc loc);
void init_sfpu(SfpuOp op, Loc loc);
void reconfig_unpack(int32_t srca_cb, int32_t srcb_cb, Loc loc);
void reconfig_pack(uint32_t out_cb, Loc loc);
void pack_l1_accumulate(bool enable, Loc loc);

// Compute: math.
void matmul_tiles(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t dst, Loc loc);
void matmul_block(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t dst,
                  bool transpose, uint32_t ct_dim, uint32_t rt_dim, uint32_t kt_dim, Loc loc);
void binary_tiles(BinaryOp op, Broadcast bcast, uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile,
                  uint32_t in1_tile, uint32_t dst, Loc loc);
void copy_tile(uint32_t cb, uint32_t tile, uint32_t dst, Loc loc);
void transpose_tile(uint32_t cb, uint32_t tile, uint32_t dst, Loc loc);
void reduce_tile(Pool pool, ReduceAxis axis, bool fp32_accumulation, uint32_t in_cb, uint32_t scaler_cb, uint32_t tile,
                 uint32_t scaler_tile, uint32_t dst, Loc loc);
void unary_bcast(Broadcast bcast, uint32_t in_cb, uint32_t tile, uint32_t dst, Loc loc);
void sfpu_unary(SfpuOp op, uint32_t dst, uint32_t param, Loc loc);
void sfpu_binary(SfpuOp op, uint32_t dst0, uint32_t dst1, uint32_t out_dst, Loc loc);
/*! \brief where_tile<format>: DST[out] = DST[cond] != 0 ? DST[if_true] : DST[if_false]; `fp32_format` is
 *  whether the kernel named DataFormat::Float32 (else Float16_b), which must match DST's mode. */
/*! \brief cumsum_tile: DST[dst] = its running sum down each column; `first` is whether the tile
 *  starts its columns (the carry from a tile above is not modelled). */
void sfpu_cumsum(uint32_t dst, bool first, Loc loc);
void sfpu_where(bool fp32_format, uint32_t cond, uint32_t if_true, uint32_t if_false, uint32_t out_dst, Loc loc);
void pack_tile(uint32_t dst, uint32_t out_cb, uint32_t out_tile, bool out_of_order, Loc loc);

}  // namespace k
}  // namespace tt_sim

/*! \brief Physical NoC coordinates of the running core, per NoC (TT-Metalium's my_x / my_y). */
extern uint8_t my_x[2];
extern uint8_t my_y[2];
