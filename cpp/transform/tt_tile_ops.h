/*! \file tt_tile_ops.h
 *  \brief One TileLang tile operation (tl.copy, tl.gemm, tl.fill) split into the statements of the
 *  reader, compute and writer kernels, following the buffers' values (tt_lowering_context.h).
 *
 *  Which kernel does what follows the data flow of the operands' memory scopes, never their
 *  names: reading global memory is the reader's, writing it the writer's, everything between
 *  on-chip buffers compute's. A value in a circular buffer is consumed exactly once: the
 *  operation that reads it waits for and pops its tiles, so a value read twice, overwritten
 *  unread, or never read is a Validation error naming the buffer.
 */
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "transform/tt_gemm_delivery.h"
#include "transform/tt_lowering_context.h"

namespace tt::transform {

/*! \brief The frontend tile operation (tl.copy, tl.gemm, ...) a statement evaluates, or null. */
const ir::CallNode *tile_call(const ir::Stmt &s);
/*! \brief Whether a flag argument (clear_accum, transpose_A, ...) is the constant false. */
bool is_false(const ir::Expr &flag);

/*! \brief A tile operation call and the span of its statement. */
using LocatedCall = std::pair<const ir::CallNode *, Span>;

struct EltwiseStore;
struct GatherLoad;

class TileOpLowering {
public:
    explicit TileOpLowering(LoweringContext &ctx) : ctx_(ctx) {}

    /*! \brief True for a tl.copy from a global buffer into an on-chip one (a reader stage member). */
    static bool is_global_load(const ir::CallNode *call);
    /*! \brief Consecutive loads from global memory, read as one stage (emit_reader_stage). */
    RoleStmts lower_loads(const std::vector<LocatedCall> &loads);
    /*! \brief Any other tile operation call, evaluated at span. */
    RoleStmts lower(const ir::CallNode *call, const Span &span);
    /*! \brief An element-wise T.Parallel nest (tt_tile_elementwise.h): compute's statements. */
    RoleStmts lower_parallel(const ir::ForNode *loop);
    /*! \brief A gather nest (tt_gather_loads.h): the reader fills the destination's CB row by row. */
    RoleStmts lower_gather(const GatherLoad &gather);
    /*! \brief The nest as an update of `acc` where its tiles are, in acquired DST, right after the K
     *  loop that accumulated them there and before they are packed (a fused epilogue): compute's
     *  statements, or null when the nest is not such an update or does not fit DST beside them. */
    ir::Stmt lower_parallel_in_dst(const ir::ForNode *loop, const ir::Buffer &acc);

    /*! \brief The CB holding `buffer`'s current value (TileValue::home, else its own). */
    const CircularBuffer &value_cb(const ir::Buffer &buffer, const Span &span);
    /*! \brief The CB compute writes a new value of `buffer` into: its own, or, over a buffer the reader
     *  fills (a CB has one producer), a scratch CB of compute's where the value then lives. */
    const CircularBuffer &compute_target(const ir::Buffer &buffer, const Span &span);
    /*! \brief The global buffers written so far in program order (a loop's first lowering pass
     *  saves and restores them). */
    std::set<const ir::BufferNode *> &written_globals() { return written_globals_; }

    /*! The K loop about to be lowered (delivery.loop) may pack its accumulator's final value
     *  straight into the CB the writer drains for its copy out, on the step where `last` holds
     *  (tt_gemm_delivery.h). */
    void plan_delivery(const GemmDelivery &delivery, const ir::Expr &last);
    void end_delivery() { delivery_.reset(); }
    /*! The CB a planned delivery of `acc` packs into, when packing DST there gives the value
     *  packing it into `from` (C's partial sums) and converting would; else null. */
    const CircularBuffer *delivery_for(const ir::Buffer &acc, const CircularBuffer &from) const;
    /*! Whether the planned delivery is the one after `loop`. */
    bool delivers_after(const ir::ForNode *loop) const { return delivery_ && delivery_->loop == loop; }
    /*! `acc`'s final value is in the writer's CB: its T.copy out is the writer's alone. */
    void mark_delivered(const ir::Buffer &acc) { delivered_.insert(acc.get()); }
    /*! \brief The global buffers whose writes the reader must see before it reads them again: the
     *  kernel reads and writes them in one loop (an update of DRAM, iteration after iteration).
     *  After each write of one the writer hands the reader a token through written_cb, which the
     *  reader takes at the same point of its program; the reader and the writer otherwise run
     *  concurrently, and its next read could see the tiles before the write. */
    void order_rewrites(std::set<const ir::BufferNode *> globals) { ordered_globals_ = std::move(globals); }

    /*! \brief Compute writes the tiles of `constant` into the CB of `buffer`'s value (which holds
     *  tiles) when `cond` holds at run time: after a loop that may run no iteration. */
    RoleStmts fill_if(const ir::Buffer &buffer, const ir::Expr &cond, double constant);

    /*! \brief Compute copies `buffer`'s value into the CB of `moved` (home, else the buffer's own),
     *  where it then lives as `moved`: before a loop that updates it there (tt_loop_values.h). */
    RoleStmts move_value(const ir::Buffer &buffer, const TileValue &moved, const Span &span);

    /*! \brief Compute pops `buffer`'s value if it holds one it has read, or a carried one (the value
     *  dies here); null otherwise. */
    ir::Stmt retire(const ir::Buffer &buffer);

    /*! \brief The compute kernel's once-per-kernel init (of its first op) and what it sets up
     *  once (the reductions' scaler tile), if it has any op. */
    ir::Stmt compute_init() const;
    /*! \brief What the compute kernel undoes after its block loop (the scaler tile's pop). */
    const std::vector<ir::Stmt> &compute_teardown() const { return compute_teardown_; }

private:
    /*! A Validation error when the kernel wrote `global` earlier: the reader would race the writer. */
    void require_unwritten(const ir::Buffer &global, const Span &span) const;
    RoleStmts lower_store(const ir::RegionNode *src, const ir::RegionNode *dst, const Span &span);
    RoleStmts lower_onchip_copy(const ir::RegionNode *src, const ir::RegionNode *dst, const Span &span);
    RoleStmts lower_gemm(const ir::CallNode *call, const Span &span);
    /*! T.reduce_* (tt_tile_reduce.cc). */
    RoleStmts lower_reduce(const ir::CallNode *call, const Span &span);
    RoleStmts lower_fill(const ir::CallNode *call, const Span &span);
    /*! Compute writes the constant `region`'s buffer holds (T.fill) into its CB, so that a copy,
     *  gemm or reduction can read it; for a value that is still the constant on a loop's first
     *  iteration (TileValue::constant_if), on that iteration only. Nothing when the buffer holds
     *  tiles already. */
    RoleStmts materialize_constant(const ir::RegionNode *region);
    /*! The value of `buffer` for reading at span: Full, of the whole buffer. */
    TileValue &full_value(const ir::Buffer &buffer, const char *op, const Span &span);
    /*! Marks the whole of `buffer` as written with `order`. Its old value must have been read;
     *  returns compute's pop of it (retire), or null when there was none. */
    ir::Stmt define(const ir::Buffer &buffer, const TileOrder &order, const Span &span,
                    const CircularBuffer *home = nullptr);
    /*! Compute has read `buffer`'s value; it stays in the CB until it dies (retire). */
    void mark_read(const ir::Buffer &buffer);
    void note_compute_init(ir::Stmt init);
    /*! Points the store's comparisons of loop indices at the CB of index tiles (made once per
     *  kernel); a Validation error without float32 in DST. */
    void bind_indices(EltwiseStore &store);

    LoweringContext &ctx_;
    ir::Stmt compute_init_;
    std::set<const ir::BufferNode *> written_globals_;  ///< global buffers the writer has written so far
    std::set<const ir::BufferNode *> ordered_globals_;  ///< see order_rewrites
    std::vector<ir::Stmt> compute_setup_;               ///< once per kernel, after compute_init_
    std::vector<ir::Stmt> compute_teardown_;            ///< once per kernel, after the block loop
    struct Delivery {
        const ir::ForNode *loop;
        const ir::BufferNode *acc;
        const CircularBuffer *drain;
        ir::Expr last;
    };
    std::optional<Delivery> delivery_;                  ///< see plan_delivery
    std::set<const ir::BufferNode *> delivered_;        ///< see mark_delivered
};

/*! \brief The NotImplemented-style error: "<what> is not supported on Tenstorrent yet: <why>;
 *  instead <instead>", a Validation error at span. */
[[noreturn]] void unsupported(const Span &span, const std::string &what, const std::string &why,
                              const std::string &instead);

/*! \brief A Validation error at span unless region covers the whole of its on-chip buffer (each
 *  shared/fragment buffer is one circular buffer moved whole). */
void require_whole(const ir::RegionNode *region, const CircularBuffer &cb, const char *op, const Span &span);

}  // namespace tt::transform
