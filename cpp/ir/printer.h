/*! \file printer.h
 *  \brief The readable, TileLang-like printer, and the base the C++ code generators build on.
 *
 *  Output looks like the TileLang source it came from (`for k in T.Pipelined(32, num_stages=3):`,
 *  `T.copy(A[...], A_shared)`), with attributes as `T.func_attr({...})` and lowered TT calls by
 *  their intrinsic names. Each Var and Buffer object gets a unique printed name (a suffix when two
 *  objects share a name), so the text is unambiguous and deterministic.
 *  Code generators derive from IRPrinter and override the hooks of the kinds they print
 *  differently; the walk, indentation, naming and precedence live here once.
 */
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "ir/ir.h"

namespace tt::ir {

/*! \brief Gives every Var/Buffer object a unique, stable identifier-safe name. */
class NameTable {
public:
    std::string name_of(const void *object, const std::string &hint);
    /*! \brief Marks a name as taken (e.g. a C++ keyword or a runtime symbol). */
    void reserve(const std::string &name) {
        used_.insert(name);
    }

private:
    std::map<const void *, std::string> names_;
    std::set<std::string> used_;
};

class IRPrinter {
public:
    virtual ~IRPrinter() = default;
    /*! \brief The printed text so far. */
    std::string str() const {
        return os_.str();
    }
    /*! \brief An expression as text (precedence-aware; no trailing newline). */
    std::string print_expr(const Expr &e);
    /*! \brief A statement as indented lines. */
    void print_stmt(const Stmt &s);
    void print_func(const PrimFunc &f);
    void print_module(const IRModule &m);

protected:
    // Expressions: return the text; precedence() decides parentheses.
#define TT_PRINT_EXPR_DECL(N) virtual std::string print(const N##Node *op);
    TT_FOR_EACH_EXPR(TT_PRINT_EXPR_DECL)
#undef TT_PRINT_EXPR_DECL
    // Statements: emit lines at the current indentation.
#define TT_PRINT_STMT_DECL(N) virtual void print(const N##Node *op);
    TT_FOR_EACH_STMT(TT_PRINT_STMT_DECL)
#undef TT_PRINT_STMT_DECL

    /*! \brief Binding strength of an expression for parenthesization (higher binds tighter). */
    virtual int precedence(const Expr &e) const;
    /*! \brief e, parenthesized when it binds less tightly than `parent`. */
    std::string operand(const Expr &e, int parent);
    /*! \brief The text of min + extent (an interval's end), folded when both are constants. */
    std::string end_of(const Expr &min, const Expr &extent);
    std::string var_name(const Var &v) {
        return names_.name_of(v.get(), v->name);
    }
    std::string buffer_name(const Buffer &b) {
        return names_.name_of(b.get(), b->name);
    }
    virtual std::string dtype_str(DataType t) const;
    /*! \brief Writes one line at the current indentation. */
    void line(const std::string &text);
    /*! \brief A source comment for a node's span ("" when it has none). */
    static std::string span_comment(const Span &span);

    std::ostringstream os_;
    int indent_ = 0;
    int indent_width_ = 4;
    NameTable names_;
};

/*! \brief Convenience wrappers around IRPrinter. */
std::string to_text(const Expr &e);
std::string to_text(const Stmt &s);
std::string to_text(const PrimFunc &f);
std::string to_text(const IRModule &m);

}  // namespace tt::ir
