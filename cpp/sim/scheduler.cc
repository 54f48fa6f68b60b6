// Program launch: places circular buffers and semaphores, builds one kernel instance per core and
// kernel, and runs them as cooperative fibers in a fixed order until all finish: core by core, each
// core's kernels round-robin until none of them can move on. A round over all cores in which no
// blocked kernel's condition holds is a deadlock, reported with every waiter. The
// kernels run in a child process (isolation.h), so a kernel's crash cannot end the host, or in
// several at once when that cannot change the result (parallel.h).
#include <chrono>
#include <set>
#include <sstream>

#include "sim/isolation.h"
#include "sim/parallel.h"
#include "sim/races.h"
#include "sim/runtime.h"

namespace tt_sim {

namespace {

Run *g_run = nullptr;
KernelInstance *g_kernel = nullptr;

constexpr size_t kKernelStackBytes = 256 * 1024;

std::string basename_of(const std::string &path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string core_name(const CoreCoord &c) {
    return "core (" + std::to_string(c.x) + "," + std::to_string(c.y) + ")";
}

[[noreturn]] void program_error(const std::string &message) {
    throw tt::Error(tt::ErrorKind::Simulation, message);
}

/*! Places every CB of the program in the L1 of its cores, upward from the unreserved base. */
void place_circular_buffers(Run &run, const ProgramState &program) {
    const auto &spec = run.device->spec;
    std::vector<uint32_t> next(spec.num_cores(), spec.l1_unreserved_base);
    for (const CircularBufferSpec &cb : program.circular_buffers) {
        for (const CoreCoord &c : corerange_to_cores(cb.cores, std::nullopt, true)) {
            if (c.x >= static_cast<size_t>(spec.grid_x) || c.y >= static_cast<size_t>(spec.grid_y))
                program_error("circular buffer placed on " + core_name(c) + ", outside the " +
                              std::to_string(spec.grid_x) + "x" + std::to_string(spec.grid_y) + " grid of " +
                              spec.name);
            const int core = run.device->core_index(c.x, c.y);
            const uint32_t base = (next[core] + spec.l1_alignment - 1) / spec.l1_alignment * spec.l1_alignment;
            if (uint64_t(base) + cb.total_size > run.device->l1_buffer_floor)
                program_error("circular buffers on " + core_name(c) + " need " +
                              std::to_string(base + cb.total_size - spec.l1_unreserved_base) +
                              " bytes of L1 but only " +
                              std::to_string(run.device->l1_buffer_floor - spec.l1_unreserved_base) + " are free on " +
                              spec.name);
            next[core] = base + cb.total_size;
            for (const auto &fmt : cb.formats) {
                const uint8_t index = fmt.first;
                if (index >= spec.num_circular_buffers)
                    program_error("circular buffer index " + std::to_string(index) + " is beyond the " +
                                  std::to_string(spec.num_circular_buffers) + " CBs of " + spec.name);
                auto page = cb.page_sizes.find(index);
                if (page == cb.page_sizes.end() || page->second == 0 || cb.total_size % page->second != 0)
                    program_error("circular buffer " + std::to_string(index) + ": total size " +
                                  std::to_string(cb.total_size) + " is not a whole number of pages (set_page_size)");
                CircularBuffer &state = run.cbs[core][index];
                if (state.configured)
                    program_error("circular buffer " + std::to_string(index) + " configured twice on " + core_name(c));
                state.configured = true;
                state.base = base;
                state.page_size = page->second;
                state.num_pages = cb.total_size / page->second;
                state.format = fmt.second;
            }
        }
    }
}

void init_semaphores(Run &run, const ProgramState &program) {
    const auto &spec = run.device->spec;
    if (program.semaphores.size() > static_cast<size_t>(spec.num_semaphores))
        program_error(std::to_string(program.semaphores.size()) + " semaphores created; cores have " +
                      std::to_string(spec.num_semaphores));
    run.num_semaphores = static_cast<uint32_t>(program.semaphores.size());
    for (size_t id = 0; id < program.semaphores.size(); ++id) {
        for (const CoreCoord &c : corerange_to_cores(program.semaphores[id].cores, std::nullopt, true)) {
            uint32_t value = program.semaphores[id].initial_value;
            std::memcpy(run.device->memory.l1(run.device->core_index(c.x, c.y), kSemaphoreBase + id * kSemaphoreStride),
                        &value, 4);
        }
    }
}

std::string deadlock_report(const Run &run, tt::Span &first) {
    std::ostringstream os;
    os << "deadlock: no kernel can make progress. Blocked kernels:";
    for (const auto &k : run.instances) {
        if (k->finished) continue;
        os << "\n  " << core_name(k->coord) << ", " << k->spec->describe() << ": waits in " << k->waiting_call << " at "
           << (k->waiting_loc.file ? k->waiting_loc.file : "?") << ":" << k->waiting_loc.line;
        if (!k->waiting_detail.empty()) os << " (" << k->waiting_detail << ")";
        if (!first.defined() && k->waiting_loc.file) first = tt::Span{k->waiting_loc.file, k->waiting_loc.line, 1};
    }
    return os.str();
}

/*! Checks what a kernel must not leave behind when it returns. */
void check_kernel_end(Run &run, KernelInstance &k) {
    for (int cb = 0; cb < static_cast<int>(NUM_CIRCULAR_BUFFERS); ++cb) {
        const CircularBuffer &state = run.cbs[k.core][cb];
        if (state.reserved > 0 && state.producer == &k)
            fail("kernel end", state.reserve_loc,
                 "the kernel returned with " + std::to_string(state.reserved) + " page(s) of cb " + std::to_string(cb) +
                     " reserved but never pushed (missing cb_push_back)");
    }
    if (k.compute && k.compute->dst_state != ComputeState::Dst::Released)
        fail("kernel end", k.compute->acquire_loc,
             "the kernel returned holding the DST registers (missing tile_regs_release)");
}

/*! Rethrows the exception that ended a kernel; one that is not the simulator's own (a kernel's
 *  `throw`) becomes a SimulationError naming the core and kernel. */
[[noreturn]] void rethrow_located(const KernelInstance &k) {
    try {
        std::rethrow_exception(k.fiber->error());
    } catch (const tt::Error &) {
        throw;
    } catch (const PartitionConflict &) {
        throw;
    } catch (const std::exception &e) {
        program_error(k.describe() + ": the kernel threw an exception: " + e.what());
    } catch (...) {
        program_error(k.describe() + ": the kernel threw an exception that is not a std::exception");
    }
}

}  // namespace

Run &current_run() {
    return *g_run;
}
KernelInstance &current_kernel() {
    return *g_kernel;
}
void set_current(Run *run, KernelInstance *kernel) {
    g_run = run;
    g_kernel = kernel;
}

std::string KernelSpec::describe() const {
    return label + " kernel " + basename_of(path);
}

std::string KernelInstance::describe() const {
    return core_name(coord) + ", " + spec->describe();
}

void fail(const char *call, const Loc &loc, const std::string &problem) {
    std::string message = problem;
    if (g_kernel) message = g_kernel->describe() + ": " + call + ": " + problem;
    tt::Span span;
    if (loc.file && loc.line > 0)
        span = tt::Span{loc.file, loc.line, 1};
    else if (loc.file)
        message += " (in " + std::string(loc.file) + ")";
    throw tt::Error(tt::ErrorKind::Simulation, message, span);
}

void block_until(const char *call, const Loc &loc, std::function<bool()> ready, std::function<std::string()> detail) {
    if (ready()) return;
    KernelInstance &k = current_kernel();
    ++k.stats.stalls[call];
    k.ready = std::move(ready);
    k.waiting_call = call;
    k.waiting_loc = loc;
    k.waiting_detail = detail ? detail() : "";
    k.fiber->yield();
    k.ready = nullptr;
}

void yield_polling(const char *call, const Loc &loc, std::string detail) {
    KernelInstance &k = current_kernel();
    k.polling = true;
    k.waiting_call = call;
    k.waiting_loc = loc;
    k.waiting_detail = std::move(detail);
    k.fiber->yield();
}

RunStats run_program(DeviceState &device, const ProgramState &program) {
    const auto wall_start = std::chrono::steady_clock::now();
    const auto &spec = device.spec;
    Run run;
    run.device = &device;
    run.cbs.resize(spec.num_cores());
    run.core_in_use.assign(spec.num_cores(), false);
    if (const char *trace = std::getenv("TT_SIM_TRACE")) run.trace.enabled = trace[0] != '\0';

    place_circular_buffers(run, program);
    init_semaphores(run, program);

    // One instance per (kernel, core); the CB format table each instance is compiled with.
    std::vector<const KernelSpec *> specs;
    std::vector<std::array<uint8_t, NUM_CIRCULAR_BUFFERS>> tables;
    std::vector<size_t> variant_of;
    std::set<std::pair<int, int>> processor_used;
    for (const KernelSpec &ks : program.kernels) {
        for (const CoreCoord &c : corerange_to_cores(ks.cores, std::nullopt, true)) {
            if (c.x >= static_cast<size_t>(spec.grid_x) || c.y >= static_cast<size_t>(spec.grid_y))
                program_error(ks.describe() + " placed on " + core_name(c) + ", outside the grid of " + spec.name);
            const int core = device.core_index(c.x, c.y);
            const int slot = ks.compute ? 2 : ks.processor;
            if (!processor_used.insert({core, slot}).second)
                program_error(ks.describe() + ": " + core_name(c) + " already runs a kernel on the same processor");
            std::array<uint8_t, NUM_CIRCULAR_BUFFERS> table;
            for (size_t i = 0; i < NUM_CIRCULAR_BUFFERS; ++i)
                table[i] = static_cast<uint8_t>(run.cbs[core][i].configured ? run.cbs[core][i].format
                                                                            : tt::DataFormat::Float16_b);
            size_t variant = 0;
            while (variant < specs.size() && !(specs[variant] == &ks && tables[variant] == table)) ++variant;
            if (variant == specs.size()) {
                specs.push_back(&ks);
                tables.push_back(table);
            }
            auto inst = std::make_unique<KernelInstance>();
            inst->spec = &ks;
            inst->core = core;
            inst->coord = c;
            auto args = ks.runtime_args.find({c.x, c.y});
            if (args != ks.runtime_args.end()) inst->runtime_args = args->second;
            if (ks.compute) {
                inst->compute = std::make_unique<ComputeState>();
                inst->compute->capacity = spec.dst_tiles(ks.fp32_dest_acc_en, ks.dst_full_sync_en);
                if (inst->compute->capacity == 0)
                    throw tt::Error(tt::ErrorKind::Validation,
                                    ks.describe() + ": fp32_dest_acc_en is not supported on " + spec.name);
                inst->compute->dst.resize(16);
                inst->compute->dst_written.assign(16, false);
            }
            run.core_in_use[core] = true;
            variant_of.push_back(variant);
            run.instances.push_back(std::move(inst));
        }
    }
    // Instances run core by core, then in kernel creation order: a deterministic schedule.
    std::vector<size_t> order(run.instances.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return run.instances[a]->core < run.instances[b]->core; });

    const auto compile_start = std::chrono::steady_clock::now();
    std::vector<CompiledKernel> compiled = compile_kernels(specs, tables, spec);
    RunStats stats;
    stats.device = spec.name;
    stats.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_start).count();

    races::begin(run);
    std::vector<KernelInstance *> schedule;
    for (size_t i : order) {
        KernelInstance *k = run.instances[i].get();
        k->entry = compiled[variant_of[i]].entry;
        k->fiber = std::make_unique<Fiber>([k]() { k->entry(); }, kKernelStackBytes);
        run.trace.name_track(k->core, static_cast<int>(schedule.size()), core_name(k->coord), k->spec->describe());
        schedule.push_back(k);
    }

    // The cores in schedule order, and the slots of each core's instances.
    std::vector<int> cores;
    std::vector<std::pair<size_t, size_t>> slots_of_core(spec.num_cores());
    for (size_t slot = 0; slot < schedule.size(); ++slot) {
        const int core = schedule[slot]->core;
        if (cores.empty() || cores.back() != core) {
            cores.push_back(core);
            slots_of_core[core].first = slot;
        }
        slots_of_core[core].second = slot + 1;
    }
    uint64_t step = 0;
    // Runs the instances of `run_cores` to completion, in order: one part of the cores, or all of them.
    const auto run_cores = [&](const std::vector<int> &some_cores) {
        size_t remaining = 0;
        for (int core : some_cores) remaining += slots_of_core[core].second - slots_of_core[core].first;
        struct ClearCurrent {
            ~ClearCurrent() { set_current(nullptr, nullptr); }
        } clear_current;
        // Rounds in a row in which kernels only polled: a poll loop may legitimately give up after a
        // number of tries, so only a long run of them is a deadlock.
        constexpr int kPollOnlyRounds = 100000;
        int poll_only_rounds = 0;
        while (remaining > 0) {
            bool progressed = false, polled = false;
            for (int core : some_cores) {
                const auto [first, end] = slots_of_core[core];
                // A core's kernels run, round after round, until none of them can move on: the core's
                // L1 is mapped once and its working set stays in the host's caches. Cores that wait on
                // each other still alternate, as the outer rounds visit every core in turn.
                for (bool core_progressed = true; core_progressed && remaining > 0;) {
                    core_progressed = false;
                    for (size_t slot = first; slot < end; ++slot) {
                        KernelInstance *k = schedule[slot];
                        if (k->finished || (k->ready && !k->ready())) continue;
                        k->polling = false;
                        device.memory.show_core(k->core);
                        set_current(&run, k);
                        my_x[0] = my_x[1] = static_cast<uint8_t>(spec.worker_noc_x[k->coord.x]);
                        my_y[0] = my_y[1] = static_cast<uint8_t>(spec.worker_noc_y[k->coord.y]);
                        const uint64_t begin = step++;
                        note_slice(slot);
                        k->fiber->resume();
                        polled |= k->polling;
                        core_progressed |= !k->polling;
                        run.trace.slice(k->fiber->finished() ? "run" : "run until " + k->waiting_call, k->core,
                                        static_cast<int>(slot), begin, step);
                        if (!k->fiber->finished()) continue;
                        if (k->fiber->error()) rethrow_located(*k);
                        check_kernel_end(run, *k);
                        k->finished = true;
                        --remaining;
                    }
                    progressed |= core_progressed;
                }
            }
            poll_only_rounds = progressed ? 0 : poll_only_rounds + 1;
            if (!progressed && (!polled || poll_only_rounds >= kPollOnlyRounds)) {
                tt::Span first;
                std::string report = deadlock_report(run, first);
                throw tt::Error(tt::ErrorKind::Simulation, report, first);
            }
        }
        if (run.trace.enabled) run.trace.write(std::getenv("TT_SIM_TRACE"));
    };
    // Several processes when that cannot change the result (parallel.h); otherwise, or when the
    // parallel run does not count, one.
    stats.processes = static_cast<uint32_t>(run_in_parts(run, program, schedule, cores, step, run_cores));
    if (stats.processes == 0) {
        stats.processes = 1;
        run_isolated(schedule, step, [&] { run_cores(cores); });
    }

    stats.scheduler_steps = step;
    for (size_t i : order) {
        const KernelInstance &k = *run.instances[i];
        stats.kernels.push_back(KernelRecord{static_cast<int>(k.coord.x), static_cast<int>(k.coord.y), k.spec->label,
                                             k.spec->path, k.stats});
    }
    stats.finish_roofline(spec);
    stats.finish_cost(spec);
    stats.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return stats;
}

}  // namespace tt_sim
