// Checks a corpus case's `expect` facts against the IR read from its module (corpus_facts.h).
#include "corpus_facts.h"

#include <map>

#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::ir::testing {

namespace {

/*! \brief An extent as a fact: the integer when constant, otherwise its printed text. */
Json extent_fact(const Expr &e) {
    int64_t v;
    return as_const_int(e, &v) ? Json(v) : Json(to_text(e));
}

Json extents_fact(const std::vector<Expr> &extents) {
    Json out = Json::array();
    for (const Expr &e : extents) out.push_back(extent_fact(e));
    return out;
}

/*! \brief One pre-order walk of a function body collecting every fact README.md defines. Binding
 *  sites (loop, let and block variables) and buffer shapes are not operands, so they are not
 *  counted: the counts equal the number of objects with that "k" in the body's JSON. */
class FactCollector : public IRVisitor {
public:
    std::map<std::string, int> counts;
    Json allocations = Json::array(), loops = Json::array(), launches = Json::array();

    void visit_expr(const Expr &e) override {
        if (!e) return;
        ++counts[kind_name(e->kind)];
        if (const auto *call = e.as<CallNode>()) ++counts["Call:" + call->op->name];
        IRVisitor::visit_expr(e);
    }
    void visit_stmt(const Stmt &s) override {
        if (!s) return;
        ++counts[kind_name(s->kind)];
        IRVisitor::visit_stmt(s);
    }
    void visit_buffer(const Buffer &) override {
    }

protected:
    using IRVisitor::visit;
    void visit(const ForNode *op) override {
        loops.push_back({{"var", op->loop_var->name},
                         {"kind", for_kind_name(op->for_kind)},
                         {"extent", extent_fact(op->extent)},
                         {"num_stages", op->num_stages}});
        visit_expr(op->min);
        visit_expr(op->extent);
        visit_stmt(op->body);
    }
    void visit(const LetStmtNode *op) override {
        visit_expr(op->value);
        visit_stmt(op->body);
    }
    void visit(const AllocateNode *op) override {
        const Buffer &b = op->buffer;
        allocations.push_back({{"name", b->name},
                               {"scope", scope_name(b->scope)},
                               {"dtype", b->dtype.to_string()},
                               {"shape", extents_fact(b->shape)}});
        visit_stmt(op->body);
    }
    void visit(const KernelLaunchNode *op) override {
        Json vars = Json::array();
        for (const Var &v : op->block_vars) vars.push_back(v->name);
        launches.push_back({{"extents", extents_fact(op->extents)}, {"block_vars", vars}, {"threads", op->threads}});
        for (const Expr &e : op->extents) visit_expr(e);
        visit_stmt(op->body);
    }
};

/*! \brief Reports `what` when actual differs from expected. */
void compare(const std::string &what, const Json &actual, const Json &expected, std::vector<std::string> *out) {
    if (actual != expected) out->push_back(what + ": expected " + expected.dump() + ", got " + actual.dump());
}

/*! \brief Calls check(function, expected value) for each function named in a per-function fact. */
template<typename F>
void per_function(const IRModule &m, const std::string &key, const Json &facts, std::vector<std::string> *out, F check) {
    for (auto it = facts.begin(); it != facts.end(); ++it) {
        PrimFunc f = m->lookup(it.key());
        if (!f) {
            out->push_back(key + ": no function " + it.key());
            continue;
        }
        check(f, key + "[" + it.key() + "]", it.value());
    }
}

}  // namespace

const std::vector<std::string> &fact_keys() {
    static const std::vector<std::string> keys = {"functions", "params",   "node_counts",     "allocations",
                                                  "loops",     "launches", "printed_contains"};
    return keys;
}

std::map<std::string, int> count_nodes(const Stmt &body) {
    FactCollector c;
    c(body);
    return c.counts;
}

std::vector<std::string> check_facts(const IRModule &m, const Json &expect) {
    std::vector<std::string> out;
    auto collect = [](const PrimFunc &f) {
        FactCollector c;
        c(f->body);
        return c;
    };
    for (auto it = expect.begin(); it != expect.end(); ++it) {
        const std::string &key = it.key();
        const Json &facts = it.value();
        if (key == "functions") {
            Json names = Json::array();
            for (const auto &kv : m->functions) names.push_back(kv.first);
            compare(key, names, facts, &out);
        } else if (key == "params") {
            per_function(m, key, facts, &out, [&](const PrimFunc &f, const std::string &what, const Json &want) {
                Json names = Json::array();
                for (const Buffer &b : f->params) names.push_back(b->name);
                compare(what, names, want, &out);
            });
        } else if (key == "node_counts") {
            per_function(m, key, facts, &out, [&](const PrimFunc &f, const std::string &what, const Json &want) {
                std::map<std::string, int> counts = collect(f).counts;
                for (auto kv = want.begin(); kv != want.end(); ++kv) compare(what + "[" + kv.key() + "]", counts[kv.key()], kv.value(), &out);
            });
        } else if (key == "allocations" || key == "loops" || key == "launches") {
            per_function(m, key, facts, &out, [&](const PrimFunc &f, const std::string &what, const Json &want) {
                FactCollector c = collect(f);
                compare(what, key == "allocations" ? c.allocations : key == "loops" ? c.loops : c.launches, want, &out);
            });
        } else if (key == "printed_contains") {
            std::string text = to_text(m);
            for (const Json &needle : facts) {
                if (text.find(needle.get<std::string>()) == std::string::npos) {
                    out.push_back(key + ": " + needle.dump() + " not in the printed module:\n" + text);
                }
            }
        } else {
            out.push_back("unknown expectation key '" + key + "'");
        }
    }
    return out;
}

}  // namespace tt::ir::testing
