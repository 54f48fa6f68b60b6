/*! \file ir.h
 *  \brief The tilelang-tt IR: every node, what it means, and how it is built.
 *
 *  The IR is a tree of immutable nodes held by shared handles (Expr, Stmt, Var, Buffer). A node is
 *  built only through its static make(), which checks types and arity, so an ill-typed node cannot
 *  exist. Nodes never change after construction; passes build new trees and share every unchanged
 *  subtree (see functor.h).
 *
 *  Identity: a Var and a Buffer are identified by their object, not their name; two variables named
 *  "i" are different variables. Structural equality (equal.h) compares trees up to a consistent
 *  renaming of variables and buffers and ignores source spans.
 *
 *  Semantics shared by all expressions:
 *  - Integer arithmetic is on the node's dtype; overflow wraps. Div and Mod truncate toward zero
 *    (C semantics); FloorDiv and FloorMod round toward negative infinity (Python semantics).
 *  - Operands of arithmetic and comparison have identical dtypes; the frontend inserts casts.
 *  - Evaluation has no side effects except through Call of an intrinsic declared impure.
 *
 *  TT operations and TileLang tile operations are Calls of registered intrinsics (intrinsics.h);
 *  the node set does not grow per operation.
 */
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ir/attrs.h"
#include "ir/diagnostics.h"
#include "ir/type.h"

namespace tt::ir {

// clang-format off
/*! \brief Every expression kind, listed once; drives NodeKind, functors, printer, JSON, bindings. */
#define TT_FOR_EACH_EXPR(X) \
    X(IntImm) X(FloatImm) X(StringImm) X(Var) \
    X(Add) X(Sub) X(Mul) X(Div) X(Mod) X(FloorDiv) X(FloorMod) X(Min) X(Max) \
    X(EQ) X(NE) X(LT) X(LE) X(GT) X(GE) X(And) X(Or) X(Not) \
    X(Select) X(Cast) X(BufferLoad) X(Region) X(Call)
/*! \brief The binary expression kinds (a subset of the above), with their operator spelling. */
#define TT_FOR_EACH_BINARY(X) \
    X(Add, "+") X(Sub, "-") X(Mul, "*") X(Div, "/") X(Mod, "%") X(FloorDiv, "//") X(FloorMod, "%%") \
    X(Min, "min") X(Max, "max") X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") \
    X(And, "and") X(Or, "or")
/*! \brief Every statement kind, listed once. */
#define TT_FOR_EACH_STMT(X) \
    X(For) X(SeqStmt) X(IfThenElse) X(LetStmt) X(BufferStore) X(Evaluate) X(Allocate) X(KernelLaunch)
// clang-format on

enum class NodeKind : uint8_t {
#define TT_KIND(N) N,
    TT_FOR_EACH_EXPR(TT_KIND) TT_FOR_EACH_STMT(TT_KIND)
#undef TT_KIND
};

/*! \brief The node kind's name, e.g. "Add". */
const char *kind_name(NodeKind kind);

/*! \brief Base of every node: a kind tag (used instead of RTTI for dispatch) and a source span. */
struct Node : std::enable_shared_from_this<Node> {
    NodeKind kind;
    Span span;  ///< where the construct came from in kernel source; ignored by equality
    Node(NodeKind k, Span s) : kind(k), span(std::move(s)) {
    }
    virtual ~Node() = default;
};

/*! \brief A shared, immutable handle with kind-checked downcasts. */
template<typename Base>
class Handle {
public:
    Handle() = default;
    Handle(std::shared_ptr<const Base> p) : ptr_(std::move(p)) {  // NOLINT: implicit by design
    }
    template<typename Derived, typename = std::enable_if_t<std::is_base_of_v<Base, Derived>>>
    Handle(std::shared_ptr<const Derived> p) : ptr_(std::move(p)) {  // NOLINT
    }
    /*! \brief A handle of a derived node converts to its base handle (Var to Expr). */
    template<typename Derived, typename = std::enable_if_t<std::is_base_of_v<Base, Derived>>>
    Handle(const Handle<Derived> &h) : ptr_(h.ptr()) {  // NOLINT
    }
    const Base *operator->() const {
        return ptr_.get();
    }
    const Base &operator*() const {
        return *ptr_;
    }
    const Base *get() const {
        return ptr_.get();
    }
    bool defined() const {
        return ptr_ != nullptr;
    }
    explicit operator bool() const {
        return defined();
    }
    /*! \brief The node as T, or nullptr when it is of another kind. */
    template<typename T>
    const T *as() const {
        return ptr_ && ptr_->kind == T::kKind ? static_cast<const T *>(ptr_.get()) : nullptr;
    }
    /*! \brief Same object (not structural equality). */
    bool same_as(const Handle &o) const {
        return ptr_ == o.ptr_;
    }
    const std::shared_ptr<const Base> &ptr() const {
        return ptr_;
    }

private:
    std::shared_ptr<const Base> ptr_;
};

struct ExprNode : Node {
    DataType dtype;
    ExprNode(NodeKind k, DataType t, Span s) : Node(k, std::move(s)), dtype(t) {
    }
};
struct StmtNode : Node {
    using Node::Node;
};
using Expr = Handle<ExprNode>;
using Stmt = Handle<StmtNode>;

/*! \brief Where a buffer lives. global = DRAM tensors (kernel parameters); shared, fragment and
 *  local are TileLang's on-chip scopes; cb and dst only appear after lowering to Tenstorrent
 *  (circular buffers in L1 and the DST register file). */
enum class MemoryScope : uint8_t { Global, Shared, Fragment, Local, CB, DST };
/*! \brief The scope's canonical name ("global", "shared", ..., "dst"), as parse_scope reads it. */
const char *scope_name(MemoryScope scope);
/*! \brief Parses a scope name; accepts TileLang spellings ("shared.dyn", "local.fragment"). */
MemoryScope parse_scope(const std::string &name, const Span &span = Span());

// ---------------------------------------------------------------------------------------------
// Variables and buffers
// ---------------------------------------------------------------------------------------------

/*! \brief A scalar variable (loop index, block index, let binding). Identified by object. */
struct VarNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Var;
    std::string name;
    VarNode(std::string n, DataType t, Span s) : ExprNode(kKind, t, std::move(s)), name(std::move(n)) {
    }
};
using Var = Handle<VarNode>;
/*! \brief A new variable; the name must be a C identifier. */
Var make_var(const std::string &name, DataType dtype = DataType::int32(), Span span = Span());

/*! \brief A multi-dimensional array in a memory scope: `dtype name[shape...]`, row-major.
 *  Identified by object; every element access names the Buffer itself. */
struct BufferNode {
    std::string name;
    std::vector<Expr> shape;  ///< integer extents, outermost first; at least one dimension
    DataType dtype;
    MemoryScope scope;
    Span span;
};
using Buffer = std::shared_ptr<const BufferNode>;
/*! \brief A new buffer; shape extents must be integer expressions (positive when constant). */
Buffer make_buffer(const std::string &name, std::vector<Expr> shape, DataType dtype, MemoryScope scope,
                   Span span = Span());

/*! \brief A half-open interval [min, min + extent) of one buffer dimension. */
struct Range {
    Expr min;
    Expr extent;
};

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/*! \brief An integer or boolean constant of the node's dtype. */
struct IntImmNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::IntImm;
    int64_t value;
    static Expr make(DataType dtype, int64_t value, Span span = Span());
    IntImmNode(DataType t, int64_t v, Span s) : ExprNode(kKind, t, std::move(s)), value(v) {
    }
};
/*! \brief A floating-point constant; value is held in double and rounded on use. */
struct FloatImmNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::FloatImm;
    double value;
    static Expr make(DataType dtype, double value, Span span = Span());
    FloatImmNode(DataType t, double v, Span s) : ExprNode(kKind, t, std::move(s)), value(v) {
    }
};
/*! \brief A string constant (dtype handle); used for intrinsic options such as a gemm policy. */
struct StringImmNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::StringImm;
    std::string value;
    static Expr make(std::string value, Span span = Span());
    StringImmNode(std::string v, Span s) : ExprNode(kKind, DataType::handle(), std::move(s)), value(std::move(v)) {
    }
};

/*! \brief `a op b`. Arithmetic kinds require equal numeric dtypes and yield that dtype; comparison
 *  kinds yield bool; And/Or require bool operands. Min/Max are the usual functions. */
template<NodeKind K>
struct BinaryNode : ExprNode {
    static constexpr NodeKind kKind = K;
    Expr a, b;
    static Expr make(Expr a, Expr b, Span span = Span());
    BinaryNode(DataType t, Expr x, Expr y, Span s) : ExprNode(kKind, t, std::move(s)), a(std::move(x)), b(std::move(y)) {
    }
};
#define TT_BINARY_ALIAS(N, OP) using N##Node = BinaryNode<NodeKind::N>;
TT_FOR_EACH_BINARY(TT_BINARY_ALIAS)
#undef TT_BINARY_ALIAS

/*! \brief Builds the binary node of `kind`; checks as the kind's make() does. */
Expr make_binary(NodeKind kind, Expr a, Expr b, Span span = Span());
/*! \brief The operands of a binary node; false (and a, b untouched) for other kinds. */
bool binary_operands(const Expr &e, Expr *a, Expr *b);
/*! \brief The operator spelling of a binary kind ("+", "min", ...). */
const char *binary_op_name(NodeKind kind);

/*! \brief Logical negation of a bool. */
struct NotNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Not;
    Expr a;
    static Expr make(Expr a, Span span = Span());
    NotNode(Expr x, Span s) : ExprNode(kKind, DataType::boolean(), std::move(s)), a(std::move(x)) {
    }
};
/*! \brief `cond ? true_value : false_value`; both values are evaluated (no short circuit). */
struct SelectNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Select;
    Expr cond, true_value, false_value;
    static Expr make(Expr cond, Expr true_value, Expr false_value, Span span = Span());
    SelectNode(Expr c, Expr t, Expr f, Span s)
        : ExprNode(kKind, t->dtype, std::move(s)), cond(std::move(c)), true_value(std::move(t)), false_value(std::move(f)) {
    }
};
/*! \brief Conversion of a numeric value to dtype (float→int truncates toward zero). */
struct CastNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Cast;
    Expr value;
    static Expr make(DataType dtype, Expr value, Span span = Span());
    CastNode(DataType t, Expr v, Span s) : ExprNode(kKind, t, std::move(s)), value(std::move(v)) {
    }
};
/*! \brief `buffer[indices...]`: one element; one integer index per dimension. */
struct BufferLoadNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::BufferLoad;
    Buffer buffer;
    std::vector<Expr> indices;
    static Expr make(Buffer buffer, std::vector<Expr> indices, Span span = Span());
    BufferLoadNode(Buffer b, std::vector<Expr> i, Span s)
        : ExprNode(kKind, b->dtype, std::move(s)), buffer(std::move(b)), indices(std::move(i)) {
    }
};
/*! \brief A rectangular part of a buffer, `buffer[min0:min0+ext0, ...]`, as an operand of tile
 *  intrinsics (copy, gemm, fill). dtype handle; one Range per dimension. */
struct RegionNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Region;
    Buffer buffer;
    std::vector<Range> ranges;
    static Expr make(Buffer buffer, std::vector<Range> ranges, Span span = Span());
    /*! \brief The whole buffer. */
    static Expr full(Buffer buffer, Span span = Span());
    RegionNode(Buffer b, std::vector<Range> r, Span s)
        : ExprNode(kKind, DataType::handle(), std::move(s)), buffer(std::move(b)), ranges(std::move(r)) {
    }
};

struct IntrinsicInfo;
/*! \brief A call of a registered intrinsic. The registry entry fixes the argument kinds and the
 *  result type; make() checks args against it. */
struct CallNode : ExprNode {
    static constexpr NodeKind kKind = NodeKind::Call;
    const IntrinsicInfo *op;
    std::vector<Expr> args;
    /*! \brief Looks `name` up in the registry and checks the arguments. */
    static Expr make(const std::string &name, std::vector<Expr> args, Span span = Span());
    /*! \brief For intrinsics whose result type is given by the caller (e.g. math functions). */
    static Expr make(const std::string &name, DataType dtype, std::vector<Expr> args, Span span = Span());
    CallNode(DataType t, const IntrinsicInfo *o, std::vector<Expr> a, Span s)
        : ExprNode(kKind, t, std::move(s)), op(o), args(std::move(a)) {
    }
};

/*! \brief Convenience constructors used throughout the passes. */
Expr make_int(int64_t value, Span span = Span());
Expr make_bool(bool value, Span span = Span());
/*! \brief The constant value of an integer immediate, if `e` is one. */
bool as_const_int(const Expr &e, int64_t *value);

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

/*! \brief How a loop's iterations are executed.
 *  Serial: in order. Pipelined: in order, with its loads issued `num_stages` iterations ahead
 *  (TileLang's T.Pipelined; on Tenstorrent it sets the circular-buffer depth). Parallel: every
 *  iteration is independent (T.Parallel). Unrolled: serial, fully unrolled by code generation. */
enum class ForKind : uint8_t { Serial, Pipelined, Parallel, Unrolled };
/*! \brief The kind's name ("serial", "pipelined", "parallel", "unrolled"), as parse_for_kind reads it. */
const char *for_kind_name(ForKind kind);
/*! \brief Parses a loop kind name; a Validation error listing the valid names otherwise. */
ForKind parse_for_kind(const std::string &name);

/*! \code for (loop_var = min; loop_var < min + extent; ++loop_var) body \endcode
 *  annotations are hints (e.g. a gemm policy) that passes may read; they never change meaning. */
struct ForNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::For;
    Var loop_var;
    Expr min, extent;
    ForKind for_kind;
    int num_stages;  ///< only for Pipelined; 0 otherwise
    AttrMap annotations;
    Stmt body;
    static Stmt make(Var loop_var, Expr min, Expr extent, ForKind kind, Stmt body, int num_stages = 0,
                     AttrMap annotations = {}, Span span = Span());
    ForNode(Var v, Expr mn, Expr ext, ForKind k, int stages, AttrMap ann, Stmt b, Span s)
        : StmtNode(kKind, std::move(s)), loop_var(std::move(v)), min(std::move(mn)), extent(std::move(ext)), for_kind(k),
          num_stages(stages), annotations(std::move(ann)), body(std::move(b)) {
    }
};
/*! \brief The statements in order. Never empty. */
struct SeqStmtNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::SeqStmt;
    std::vector<Stmt> seq;
    static Stmt make(std::vector<Stmt> seq, Span span = Span());
    /*! \brief Like make(), but a single statement is returned as is and nested sequences flatten. */
    static Stmt flatten(std::vector<Stmt> seq, Span span = Span());
    SeqStmtNode(std::vector<Stmt> q, Span s) : StmtNode(kKind, std::move(s)), seq(std::move(q)) {
    }
};
/*! \brief `if (cond) then_case else else_case`; else_case may be undefined. */
struct IfThenElseNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::IfThenElse;
    Expr cond;
    Stmt then_case, else_case;
    static Stmt make(Expr cond, Stmt then_case, Stmt else_case = Stmt(), Span span = Span());
    IfThenElseNode(Expr c, Stmt t, Stmt e, Span s)
        : StmtNode(kKind, std::move(s)), cond(std::move(c)), then_case(std::move(t)), else_case(std::move(e)) {
    }
};
/*! \brief `{ const var = value; body }` */
struct LetStmtNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::LetStmt;
    Var var;
    Expr value;
    Stmt body;
    static Stmt make(Var var, Expr value, Stmt body, Span span = Span());
    LetStmtNode(Var v, Expr val, Stmt b, Span s)
        : StmtNode(kKind, std::move(s)), var(std::move(v)), value(std::move(val)), body(std::move(b)) {
    }
};
/*! \brief `buffer[indices...] = value`; value has the buffer's dtype. */
struct BufferStoreNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::BufferStore;
    Buffer buffer;
    Expr value;
    std::vector<Expr> indices;
    static Stmt make(Buffer buffer, Expr value, std::vector<Expr> indices, Span span = Span());
    BufferStoreNode(Buffer b, Expr v, std::vector<Expr> i, Span s)
        : StmtNode(kKind, std::move(s)), buffer(std::move(b)), value(std::move(v)), indices(std::move(i)) {
    }
};
/*! \brief Evaluates an expression for its effect (a call of an impure intrinsic). */
struct EvaluateNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::Evaluate;
    Expr value;
    static Stmt make(Expr value, Span span = Span());
    EvaluateNode(Expr v, Span s) : StmtNode(kKind, std::move(s)), value(std::move(v)) {
    }
};
/*! \brief Declares a buffer that is live in body: an on-chip one inside a T.Kernel launch, or a
 *  global one (T.alloc_global, a DRAM tensor the host allocates) around the launches. */
struct AllocateNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::Allocate;
    Buffer buffer;
    Stmt body;
    static Stmt make(Buffer buffer, Stmt body, Span span = Span());
    AllocateNode(Buffer b, Stmt bd, Span s) : StmtNode(kKind, std::move(s)), buffer(std::move(b)), body(std::move(bd)) {
    }
};
/*! \brief `with T.Kernel(extents..., threads=...) as (block_vars...)`: runs body once per point of
 *  the launch grid, block_vars[i] ranging over [0, extents[i]). `threads` is what the kernel asked
 *  for; Tenstorrent cores have no SIMT threads, so it is recorded and has no effect on lowering. */
struct KernelLaunchNode : StmtNode {
    static constexpr NodeKind kKind = NodeKind::KernelLaunch;
    std::vector<Expr> extents;
    std::vector<Var> block_vars;
    std::vector<int64_t> threads;
    Stmt body;
    static Stmt make(std::vector<Expr> extents, std::vector<Var> block_vars, std::vector<int64_t> threads, Stmt body,
                     Span span = Span());
    KernelLaunchNode(std::vector<Expr> e, std::vector<Var> v, std::vector<int64_t> t, Stmt b, Span s)
        : StmtNode(kKind, std::move(s)), extents(std::move(e)), block_vars(std::move(v)), threads(std::move(t)),
          body(std::move(b)) {
    }
};

// ---------------------------------------------------------------------------------------------
// Functions and modules
// ---------------------------------------------------------------------------------------------

/*! \brief A kernel: global buffer parameters, a body and attributes (facts passes hand on). */
struct PrimFuncNode {
    std::string name;
    std::vector<Buffer> params;
    Stmt body;
    AttrMap attrs;
    Span span;
};
using PrimFunc = std::shared_ptr<const PrimFuncNode>;
/*! \brief Builds a function; the name must be an identifier and the parameters distinct global
 *  buffers (Validation error otherwise). */
PrimFunc make_prim_func(const std::string &name, std::vector<Buffer> params, Stmt body, AttrMap attrs = {},
                        Span span = Span());
/*! \brief `func` with attribute `key` set to value (a new function; the input is unchanged). */
PrimFunc with_attr(PrimFunc func, const std::string &key, Json value);
/*! \brief `func` with a new body (a new function; the input is unchanged). */
PrimFunc with_body(PrimFunc func, Stmt body);

/*! \brief Named functions in insertion order plus module attributes. */
struct IRModuleNode {
    std::vector<std::pair<std::string, PrimFunc>> functions;
    AttrMap attrs;
    /*! \brief The function called name, or nullptr. */
    PrimFunc lookup(const std::string &name) const;
};
using IRModule = std::shared_ptr<const IRModuleNode>;
/*! \brief Builds a module; function names must be unique. */
IRModule make_module(std::vector<std::pair<std::string, PrimFunc>> functions, AttrMap attrs = {});
/*! \brief `mod` with function name replaced by (or, when absent, extended with) func. */
IRModule with_function(IRModule mod, const std::string &name, PrimFunc func);
/*! \brief `mod` with module attribute `key` set to value (a new module; the input is unchanged). */
IRModule with_module_attr(IRModule mod, const std::string &key, Json value);

}  // namespace tt::ir
