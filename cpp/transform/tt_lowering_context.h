/*! \file tt_lowering_context.h
 *  \brief What LowerTTTileIntrinsics and its emitters share: the circular buffer of every on-chip
 *  buffer, the value each buffer holds at a program point, and the statements being built for
 *  each of the three kernels.
 *
 *  Lowering reads the program once in order. Every tile operation is split by data flow into the
 *  parts each kernel runs: a copy from global memory is the reader's reserve/read/push plus the
 *  consumer's wait/pop, a gemm is compute's, a copy to global memory is the writer's. The value of
 *  an on-chip buffer between two operations lives in its circular buffer, so the state below says
 *  whether the tiles are there (Full), logically zero and not materialized (Zero, after T.clear),
 *  or absent (Empty).
 */
#pragma once

#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "transform/pass.h"
#include "transform/tt_attrs.h"
#include "transform/tt_multicast.h"

namespace tt::transform {

/*! \brief The order in which a circular buffer holds the tiles of a rows x cols tile block:
 *  groups of group_rows x group_cols tiles (DST subblocks), groups row-major, tiles row-major
 *  inside a group. group_rows = 1 and group_cols = cols is plain row-major order. */
struct TileOrder {
    int64_t rows = 1;
    int64_t cols = 1;
    int64_t group_rows = 1;
    int64_t group_cols = 1;
    int64_t group_tiles() const {
        return group_rows * group_cols;
    }
    int64_t groups_down() const {
        return rows / group_rows;
    }
    int64_t groups_across() const {
        return cols / group_cols;
    }
    static TileOrder row_major(int64_t rows, int64_t cols, int64_t max_group_tiles);
    /*! True when both orders enumerate the block's tiles identically: same subblocks, or both
     *  plain row-major. */
    bool enumerates_like(const TileOrder &other) const;
    /*! The position in this order of the tile at (row, col), and the inverse, as expressions. */
    ir::Expr position_of(const ir::Expr &row, const ir::Expr &col) const;
    ir::Expr row_at(const ir::Expr &position) const;
    ir::Expr col_at(const ir::Expr &position) const;
};

struct CircularBuffer;

/*! \brief What an on-chip buffer holds between tile operations. */
struct TileValue {
    /*! Empty: nothing. Constant: every element equals `constant` (T.clear, T.fill), not
     *  materialized; compute fills DST when it needs the tiles. Full: the tiles are in the CB.
     *  DstResident: the tiles are in DST, inside a loop that accumulates them there. */
    enum Kind { Empty, Constant, Full, DstResident } kind = Empty;
    double constant = 0;
    /*! For Full: when this condition holds at run time the value is still `constant` and its
     *  tiles are not in the CB (first iteration of the loop that accumulates it after a fill). */
    ir::Expr constant_if;
    TileOrder order;
    /*! For Full: compute has read the tiles (waited for them, not popped). A value may be read any
     *  number of times; compute pops it where it dies: when it is overwritten, at the end of the
     *  loop iteration that defined it, or at the end of the kernel. */
    bool read = false;
    /*! For Full: the CB holding the tiles when it is not the buffer's own (a value compute wrote
     *  over one the reader delivered lives in a CB of compute's, since a CB has one producer). */
    const CircularBuffer *home = nullptr;
    /*! For Full: a loop rewrote the value on every iteration (tt_loop_values.h); what its last
     *  iteration left may be read by nobody, and compute discards it where it dies unread. */
    bool carried = false;
    /*! The mark of the innermost loop being lowered that found this value on entry (0: none). A
     *  write builds a new TileValue without it, which is how a loop tells what its body rewrote. */
    int loop_mark = 0;
};

/*! \brief How a 1-D buffer of n elements lies in tiles. TileLang's 1-D fragments hold one value
 *  per row (`row_max[i]`, a reduction along dim 1) or per column (`bias[j]`) of a 2-D block, and
 *  Tenstorrent's reductions and broadcasts work on exactly those shapes: a Column vector is n/32
 *  tiles stacked down, its values in column 0 of each (what reduce_tile along rows produces and
 *  unary_bcast<COL> spreads); a Row vector is n/32 tiles side by side, values in row 0 (a
 *  reduction along columns; a 1-D tensor in DRAM, tilized as one row). */
enum class VectorLayout { None, Row, Column };

/*! \brief An on-chip buffer and its circular buffer. */
struct CircularBuffer {
    ir::Buffer buffer;
    CBConfig config;
    int64_t rows = 1;  ///< tile rows of the buffer
    int64_t cols = 1;  ///< tile columns of the buffer
    VectorLayout vector = VectorLayout::None;  ///< for 1-D buffers
};

/*! \brief Statements for the three kernels, in program order. */
struct RoleStmts {
    std::array<std::vector<ir::Stmt>, 3> of;
    std::vector<ir::Stmt> &operator[](KernelRole role) {
        return of[static_cast<size_t>(role)];
    }
    void append(const RoleStmts &other);
};


class LoweringContext {
public:
    LoweringContext(const ir::PrimFunc &func, const PassContext &ctx);

    /*! \brief The circular buffer holding an on-chip buffer's value; a Validation error at span
     *  otherwise. For a gemm accumulator that is its partial-sum CB: PropagateTTLayout's
     *  "<name>.partials", else its own CB when that is intermediate, else one added here. */
    const CircularBuffer &cb(const ir::Buffer &buffer, const Span &span) const;
    /*! \brief True when some tl.gemm accumulates into buffer (compute reads its CB back). */
    bool is_accumulator(const ir::Buffer &buffer) const {
        return accumulators_.count(buffer.get()) > 0;
    }
    /*! \brief True when some compute operation reads buffer (gemm operand, on-chip copy source,
     *  element-wise operand, reduction source): compute, not the writer, consumes its CB. */
    bool compute_reads(const ir::Buffer &buffer) const { return compute_reads_.count(buffer.get()) > 0; }
    /*! \brief How many tile operations and element loads of the function read buffer (buffer_reads). */
    int reads(const ir::Buffer &buffer) const {
        auto it = reads_.find(buffer.get());
        return it == reads_.end() ? 0 : it->second;
    }
    /*! \brief The CB the writer drains when `buffer`'s value (in cb(buffer)) is copied to a global
     *  buffer of dtype, when compute must first move it there: the buffer's own output CB when it
     *  has one in that format, else a staging CB added here. */
    const CircularBuffer &drain_cb(const ir::Buffer &buffer, ir::DataType dtype);
    /*! \brief The CB the reader fills when a copy from a global buffer writes `buffer`: an
     *  accumulator's own input CB (its partial sums live in cb(buffer), which compute fills),
     *  else cb(buffer). */
    const CircularBuffer &fill_cb(const ir::Buffer &buffer, const Span &span) const;
    /*! \brief A one-tile CB holding the reductions' scaler (all ones). On the first call, appends
     *  to `setup` compute's fill of it (before the block loop) and to `teardown` its pop (after). */
    const CircularBuffer &scaler_cb(std::vector<ir::Stmt> *setup, std::vector<ir::Stmt> *teardown, const Span &span);
    /*! \brief A two-tile CB of element indices: tile 0 holds each element's row (0..31), tile 1 its
     *  column, for conditions on T.Parallel's loop indices. On the first call, appends to `setup`
     *  compute's making of them (a column of ones summed down the tile by cumsum_tile, minus one;
     *  its transpose) and to `teardown` their pop. */
    const CircularBuffer &index_cb(std::vector<ir::Stmt> *setup, std::vector<ir::Stmt> *teardown, const Span &span);
    /*! \brief A one-tile CB of `global`'s format ("<name>.element") the reader reads single
     *  elements of the tensor into (the block mask of a data-dependent if): it reserves the page
     *  and reads into it, then pushes and pops it itself, so no other kernel sees the CB. */
    const CircularBuffer &element_cb(const ir::Buffer &global, const Span &span);
    /*! \brief A one-page CB ("<name>.written") through which the writer tells the reader that its
     *  writes of `global` have landed: the writer pushes a page after each write's barrier, the
     *  reader pops it at the same point of its program, so its later reads of `global` see the
     *  write (tt_tile_ops.h, ordered globals). The page carries no data. */
    const CircularBuffer &written_cb(const ir::Buffer &global, const Span &span);
    /*! \brief While defined, the reader's copies from global memory are conditional: it reads the
     *  tiles when this condition holds and writes zeros into the reserved pages otherwise, pushing
     *  them either way (a data-dependent if around the loads of a gemm's operands). */
    ir::Expr &read_condition() { return read_condition_; }
    /*! \brief A CB like `buffer`'s for an intermediate value lowering computes ("<name>.<what>"). */
    const CircularBuffer &scratch_cb(const ir::Buffer &buffer, const std::string &what);
    /*! \brief Whether scratch_cb(buffer, what) would get a CB index and fit L1 beside the CBs so far
     *  (or exists already): for optional scratch, which must not take what later lowering needs. */
    bool scratch_fits(const ir::Buffer &buffer, const std::string &what) const;
    /*! \brief The CB compute fills with the transposed tiles of `buffer` (T.gemm transpose_A):
     *  "<name>.transposed", an intermediate CB of the buffer's format added here. */
    const CircularBuffer &transposed_cb(const ir::Buffer &buffer, const Span &span);
    /*! \brief A value that follows from the tensor shapes, named so that GridToPersistentTT makes
     *  it a runtime argument: the unbound runtime argument tt.runtime_constant(name, value), with
     *  its formula of the dynamic dimensions when it depends on them (formula not null). A name
     *  already given to another value gets a numeric suffix. */
    ir::Expr runtime_constant(const std::string &name, int64_t value, const Json &formula = Json());
    /*! \brief Per axis of a global buffer, the dynamic dimension whose extent it is ("" static;
     *  empty when the kernel has no dynamic dimensions). */
    std::vector<std::string> dynamic_axes(const ir::Buffer &global) const;
    /*! \brief The layout of a global buffer parameter. */
    const BufferLayout &layout(const ir::Buffer &global, const Span &span) const;
    /*! \brief The tensor operand of NoC page calls on `global` in `role`'s kernel; records that the
     *  kernel declares a TensorAccessor for it (once, in first-use order). */
    ir::Expr accessor(KernelRole role, const ir::Buffer &global);
    const std::vector<ir::Buffer> &accessors(KernelRole role) const {
        return accessors_[static_cast<size_t>(role)];
    }

    TileValue &value(const ir::Buffer &buffer);
    /*! \brief The lets around the statement being lowered (variable → value). */
    std::map<const ir::VarNode *, ir::Expr> &lets() { return lets_; }
    /*! \brief The buffer a values() key stands for (every key is an on-chip buffer with a CB). */
    const ir::Buffer &buffer_of(const ir::BufferNode *node) const;
    std::map<const ir::BufferNode *, TileValue> &values() {
        return values_;
    }

    /*! \brief The CB descriptors, including staging CBs added during lowering. */
    CBDesc cb_desc() const;
    int dst_tiles() const {
        return compute_.dst_tiles;
    }
    bool fp32_dest_acc() const { return compute_.fp32_dest_acc_en; }
    bool prefetch() const {
        return prefetch_;
    }
    const target::DeviceSpec &device() const {
        return device_;
    }
    target::MathFidelity fidelity() const { return fidelity_; }
    /*! \brief The multicast of a global tensor's copies (tt.multicast, tt_multicast.h), or nullptr
     *  when every core reads its own. */
    const MulticastOperand *multicast(const ir::Buffer &global) const {
        return multicast_ ? find_multicast_operand(*multicast_, global->name) : nullptr;
    }
    /*! \brief The trip count every reader of a core row runs for a loop of multicast copies whose
     *  count depends on the block: its largest over the launch grid (max_over_blocks, through the
     *  current lets); nullopt without multicast or when it is not known. */
    std::optional<int64_t> row_trip_count(const ir::Expr &extent) const {
        return multicast_ ? max_over_blocks(extent, block_vars_, grid_, lets_) : std::nullopt;
    }

private:
    /*! A CB added by lowering, as `base` with another key, dtype and flow; checks the CB count
     *  and the L1 budget. */
    const CircularBuffer &add_cb(const std::string &key, const CircularBuffer &base, ir::DataType dtype, CBFlow flow);
    int64_t l1_in_use() const;  ///< bytes of every CB so far

    CBDesc desc_;  ///< as PropagateTTLayout wrote it, plus the CBs add_cb adds
    std::set<const ir::BufferNode *> accumulators_;
    std::set<const ir::BufferNode *> compute_reads_;
    std::map<const ir::BufferNode *, int> reads_;
    std::map<const ir::BufferNode *, CircularBuffer> cbs_;    ///< value CB of each on-chip buffer
    std::map<const ir::BufferNode *, CircularBuffer> own_;    ///< the buffer's own CB where it differs
    std::map<std::string, CircularBuffer> added_;
    std::map<std::string, BufferLayout> layouts_;
    std::map<std::string, std::vector<std::string>> dynamic_axes_;
    std::map<std::string, std::pair<int64_t, Json>> runtime_constants_;
    std::array<std::vector<ir::Buffer>, 3> accessors_;
    std::map<const ir::BufferNode *, TileValue> values_;
    std::map<const ir::VarNode *, ir::Expr> lets_;
    ir::Expr read_condition_;
    std::optional<MulticastPlan> multicast_;
    std::vector<ir::Var> block_vars_;  ///< the launch's, with multicast
    std::vector<int64_t> grid_;        ///< the launch grid's extents, with multicast
    ComputeConfig compute_;
    bool prefetch_;
    const target::DeviceSpec &device_;
    target::MathFidelity fidelity_;
};

/*! \brief `body(v)` inside `for v in range(extent)`, or body(0) alone when extent is 1, so the
 *  generated kernels carry no single-iteration loops. */
ir::Stmt tile_loop(const std::string &name, int64_t extent, const std::function<ir::Stmt(const ir::Expr &)> &body);
/*! \brief Evaluate(call) of a TT intrinsic by its name without the "tt." prefix. */
ir::Stmt tt_call(const std::string &name, std::vector<ir::Expr> args);
/*! \brief A sequence of the statements (a single one as is). */
ir::Stmt seq(std::vector<ir::Stmt> stmts);

}  // namespace tt::transform
