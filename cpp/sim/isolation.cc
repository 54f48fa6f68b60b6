// Fault isolation of simulated kernels (isolation.h): the scheduler runs in a forked child; a shared
// page tells the parent which kernel is running and, after a fault, where it happened.
#include "sim/isolation.h"

#include "sim/parallel.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

extern char **environ;

namespace tt_sim {

namespace {

using json = nlohmann::json;

constexpr int kMaxFrames = 64;
constexpr double kDefaultWatchdogSeconds = 300;
/*! Signal the parent sends when the watchdog expires: the child records where the kernel is. */
constexpr int kWatchdogSignal = SIGUSR2;

/*! What the child publishes for the parent, in memory both share. */
struct Watch {
    std::atomic<uint64_t> slices;  ///< kernel resumptions so far; the watchdog's sign of progress
    std::atomic<int64_t> running;  ///< slot of the kernel running now, or -1
    volatile sig_atomic_t signal;  ///< the fatal signal the child caught, or 0
    bool exited;                   ///< a kernel called exit()
    int code;                      ///< its si_code
    uintptr_t fault_address;
    uintptr_t stack_pointer;
    int num_frames;
    void *frames[kMaxFrames];  ///< [0] is the interrupted instruction, then the return addresses
};

Watch *g_watch = nullptr;

uintptr_t interrupted_pc(const ucontext_t &uc) {
#if defined(__x86_64__)
    return static_cast<uintptr_t>(uc.uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return static_cast<uintptr_t>(uc.uc_mcontext.pc);
#else
    (void)uc;
    return 0;
#endif
}

uintptr_t interrupted_sp(const ucontext_t &uc) {
#if defined(__x86_64__)
    return static_cast<uintptr_t>(uc.uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
    return static_cast<uintptr_t>(uc.uc_mcontext.sp);
#else
    (void)uc;
    return 0;
#endif
}

/*! Records the fault (or the watchdog's stop) with its stack, then ends the child: the parent
 *  turns the record into the error. Runs on the alternate stack, so stack overflows land here too. */
void on_fatal_signal(int sig, siginfo_t *info, void *context) {
    Watch &w = *g_watch;
    const auto &uc = *static_cast<const ucontext_t *>(context);
    w.code = info->si_code;
    w.fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
    w.stack_pointer = interrupted_sp(uc);
    w.frames[0] = reinterpret_cast<void *>(interrupted_pc(uc));
    w.num_frames = 1 + backtrace(w.frames + 1, kMaxFrames - 1);
    w.signal = sig;
    _exit(128 + sig);
}

/*! Runs first among the child's exit handlers when a kernel calls exit(): records its stack. */
void on_kernel_exit() {
    Watch &w = *g_watch;
    if (w.running.load() < 0) return;
    w.num_frames = backtrace(w.frames, kMaxFrames);
    w.exited = true;
}

void install_fault_handlers() {
    std::atexit(&on_kernel_exit);
    const size_t alt_bytes = 256 * 1024;
    stack_t alt{};
    alt.ss_sp = mmap(nullptr, alt_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    alt.ss_size = alt_bytes;
    if (alt.ss_sp != MAP_FAILED) sigaltstack(&alt, nullptr);
    struct sigaction action {};
    action.sa_sigaction = &on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&action.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, kWatchdogSignal})
        sigaction(sig, &action, nullptr);
    // backtrace() loads the unwinder on first use; do it now rather than inside the handler.
    void *warm[2];
    backtrace(warm, 2);
}

void write_all(int fd, const std::string &data) {
    for (size_t done = 0; done < data.size();) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

json error_record(const tt::Error &e) {
    return {{"kind", static_cast<int>(e.kind())},
            {"message", e.message()},
            {"file", e.span().file},
            {"line", e.span().line},
            {"col", e.span().col}};
}

json stats_record(const KernelStats &s) {
    return {{"tile_ops", s.tile_ops},
            {"dram_read_bytes", s.dram_read_bytes},
            {"dram_write_bytes", s.dram_write_bytes},
            {"noc_read_bytes", s.noc_read_bytes},
            {"noc_write_bytes", s.noc_write_bytes},
            {"noc_local_bytes", s.noc_local_bytes},
            {"noc_multicast_copy_bytes", s.noc_multicast_copy_bytes},
            {"stalls", s.stalls},
            {"compute_cycles", s.compute_cycles},
            {"cost", {s.unpack_cycles, s.math_cycles, s.pack_cycles, s.dst_handoffs, s.noc_transfers, s.noc_barriers,
                      s.cost_cycles}}};
}

void restore_stats(const json &j, KernelStats &s) {
    s.tile_ops = j.at("tile_ops").get<std::map<std::string, uint64_t, std::less<>>>();
    s.dram_read_bytes = j.at("dram_read_bytes");
    s.dram_write_bytes = j.at("dram_write_bytes");
    s.noc_read_bytes = j.at("noc_read_bytes");
    s.noc_write_bytes = j.at("noc_write_bytes");
    s.noc_local_bytes = j.at("noc_local_bytes");
    s.noc_multicast_copy_bytes = j.at("noc_multicast_copy_bytes");
    s.stalls = j.at("stalls").get<std::map<std::string, uint64_t>>();
    s.compute_cycles = j.at("compute_cycles");
    const json &cost = j.at("cost");
    size_t i = 0;
    for (uint64_t *field : {&s.unpack_cycles, &s.math_cycles, &s.pack_cycles, &s.dst_handoffs, &s.noc_transfers,
                            &s.noc_barriers, &s.cost_cycles})
        *field = cost.at(i++);
}

/*! The child's side: run, then report the statistics of the instances it ran (`slots` of
 *  `schedule`), the error it raised or a conflict with another part, as one JSON document. */
[[noreturn]] void run_child(int out, const std::vector<KernelInstance *> &schedule, const std::vector<size_t> &slots,
                            uint64_t &steps, const std::function<void()> &work) {
    install_fault_handlers();
    json report;
    try {
        work();
        report["steps"] = steps;
        json kernels = json::array();
        for (size_t slot : slots) kernels.push_back(stats_record(schedule[slot]->stats));
        report["kernels"] = kernels;
    } catch (const tt::Error &e) {
        report["error"] = error_record(e);
    } catch (const PartitionConflict &) {
        report["conflict"] = true;
    } catch (const std::exception &e) {
        report["error"] = error_record(tt::Error(tt::ErrorKind::Internal, e.what()));
    }
    g_watch->running = -1;
    write_all(out, report.dump());
    std::fflush(nullptr);
    std::cout.flush();
    _exit(0);
}

double watchdog_seconds() {
    const char *env = std::getenv("TT_SIM_WATCHDOG_SECONDS");
    if (!env || !*env) return kDefaultWatchdogSeconds;
    char *end = nullptr;
    const double value = std::strtod(env, &end);
    if (*end != '\0' || value < 0)
        throw tt::Error(tt::ErrorKind::Validation,
                        std::string("TT_SIM_WATCHDOG_SECONDS must be a number of seconds >= 0, not '") + env + "'");
    return value;
}

/*! Output of a short helper command (addr2line), or "" when it cannot run. */
std::string command_output(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return "";
    std::vector<char *> argv;
    for (std::string &a : args) argv.push_back(&a[0]);
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    std::string out;
    char buffer[4096];
    for (ssize_t n; spawned == 0 && (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        out.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    if (spawned == 0) waitpid(pid, nullptr, 0);
    return out;
}

/*! The line of the running kernel's own source nearest to the recorded stack's top: the kernel
 *  objects carry line tables (-g1), and the child's addresses are valid here (same mappings). */
tt::Span kernel_line(const Watch &w, const KernelInstance &k) {
    Dl_info kernel_object;
    if (!dladdr(reinterpret_cast<void *>(k.entry), &kernel_object) || !kernel_object.dli_fname) return {};
    for (int i = 0; i < w.num_frames && i < kMaxFrames; ++i) {
        // Return addresses point after the call; the call itself is one byte earlier. Only a
        // signal's first frame is the interrupted instruction itself.
        const bool exact = i == 0 && w.signal != 0;
        const uintptr_t address = reinterpret_cast<uintptr_t>(w.frames[i]) - (exact ? 0 : 1);
        Dl_info info;
        if (!dladdr(reinterpret_cast<void *>(address), &info) || info.dli_fbase != kernel_object.dli_fbase) continue;
        std::ostringstream offset;
        offset << "0x" << std::hex << (address - reinterpret_cast<uintptr_t>(info.dli_fbase));
        // -i lists the inlining chain innermost first: the first entry in the kernel's file is the line.
        std::istringstream lines(command_output({"addr2line", "-i", "-e", kernel_object.dli_fname, offset.str()}));
        for (std::string line; std::getline(lines, line);) {
            const size_t colon = line.rfind(':');
            if (colon == std::string::npos || line.substr(0, colon) != k.spec->path) continue;
            const int number = std::atoi(line.c_str() + colon + 1);
            if (number > 0) return tt::Span{k.spec->path, number, 1};
        }
    }
    return {};
}

std::string signal_problem(const Watch &w, const KernelInstance &k, double watchdog) {
    std::ostringstream os;
    switch (w.signal) {
    case SIGSEGV:
    case SIGBUS:
        if (k.fiber->overflowed(w.fault_address, w.stack_pointer))
            os << "stack overflow: the kernel needs more than its " << k.fiber->stack_bytes() / 1024
               << " KiB stack (deep recursion or large local arrays)";
        else
            os << "invalid memory access at address 0x" << std::hex << w.fault_address << std::dec << " ("
               << (w.signal == SIGSEGV ? "SIGSEGV" : "SIGBUS") << ")";
        break;
    case SIGFPE:
        os << (w.code == FPE_INTDIV   ? "integer division by zero"
               : w.code == FPE_INTOVF ? "integer overflow"
                                      : "arithmetic fault")
           << " (SIGFPE)";
        break;
    case SIGILL: os << "illegal instruction (SIGILL)"; break;
    case SIGABRT: os << "the kernel aborted (abort() or a failed assertion)"; break;
    case SIGTRAP: os << "the kernel hit a trap (SIGTRAP)"; break;
    case kWatchdogSignal:
        os << "watchdog: the kernel ran for " << watchdog
           << " s without yielding to the scheduler (an endless loop without a blocking TT-Metalium call, such as "
              "a busy-wait on L1 or a loop polling a non-blocking call); set TT_SIM_WATCHDOG_SECONDS to allow longer";
        break;
    default: os << "fatal signal " << w.signal;
    }
    return os.str();
}

/*! The error for a child that ended without reporting. */
tt::Error lost_child_error(const Watch &w, int status, const std::vector<KernelInstance *> &schedule, double watchdog) {
    const int64_t slot = w.running.load();
    const KernelInstance *k = slot >= 0 && slot < static_cast<int64_t>(schedule.size()) ? schedule[slot] : nullptr;
    std::string problem;
    const bool located = k && (w.signal != 0 || w.exited);
    if (w.signal != 0 && k)
        problem = signal_problem(w, *k, watchdog);
    else if (WIFEXITED(status))
        problem = "the kernel ended the simulation process (exit(" + std::to_string(WEXITSTATUS(status)) + "))";
    else if (WIFSIGNALED(status))
        problem = "the simulation process was killed by signal " + std::to_string(WTERMSIG(status));
    else
        problem = "the simulation process ended without a result";
    if (!k) return tt::Error(tt::ErrorKind::Simulation, problem);
    return tt::Error(tt::ErrorKind::Simulation, k->describe() + ": " + problem,
                     located ? kernel_line(w, *k) : tt::Span());
}

}  // namespace

void note_slice(size_t slot) {
    if (!g_watch) return;
    g_watch->running = static_cast<int64_t>(slot);
    g_watch->slices.fetch_add(1, std::memory_order_relaxed);
}

namespace {

/*! A child process running a part of the schedule, as the parent watches it. */
struct Child {
    pid_t pid = -1;
    int fd = -1;
    Watch *watch = nullptr;
    std::string report;
    int status = 0;
    bool reading = true;
    bool stopped = false;  ///< the watchdog signalled it
    uint64_t seen_slices = 0;
    std::chrono::steady_clock::time_point last_progress;
};

/*! What became of one child: its parsed report, or the error for a child that ended without one. */
struct ChildResult {
    json report;
    std::optional<tt::Error> lost;
    bool watchdog = false;
};

/*! Forks one child per part (part i runs work(i) and reports on slots[i]), watches them all with the
 *  watchdog, and collects their reports. Once any child fails, the others are stopped when
 *  `stop_others_on_failure`: their work would be thrown away. */
std::vector<ChildResult> run_children(const std::vector<KernelInstance *> &schedule,
                                      const std::vector<std::vector<size_t>> &slots, uint64_t &steps,
                                      const std::function<void(size_t)> &work, bool stop_others_on_failure) {
    const double watchdog = watchdog_seconds();
    const size_t parts = slots.size();
    const size_t bytes = sizeof(Watch) * parts;
    void *pages = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot map the watchdog page");
    struct Unmap {
        void *pages;
        size_t bytes;
        ~Unmap() { munmap(pages, bytes); }
    } unmap{pages, bytes};
    std::vector<Child> children(parts);
    // Output buffered now would otherwise be written again by every child.
    std::fflush(nullptr);
    std::cout.flush();
    const pid_t parent = getpid();
    for (size_t i = 0; i < parts; ++i) {
        Child &c = children[i];
        c.watch = new (static_cast<Watch *>(pages) + i) Watch{};
        c.watch->running = -1;
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
            for (Child &started : children)
                if (started.pid > 0) kill(started.pid, SIGKILL);
            throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot create a pipe for the kernel process");
        }
        c.pid = fork();
        if (c.pid < 0) {
            close(fds[0]);
            close(fds[1]);
            for (Child &started : children)
                if (started.pid > 0) kill(started.pid, SIGKILL);
            throw tt::Error(tt::ErrorKind::Internal, "tt_sim: cannot fork the kernel process");
        }
        if (c.pid == 0) {
            // A child whose host is gone (killed while waiting) must not spin on in an endless kernel.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(1);
            close(fds[0]);
            g_watch = c.watch;
            run_child(fds[1], schedule, slots[i], steps, [&work, i]() { work(i); });
        }
        close(fds[1]);
        c.fd = fds[0];
        c.last_progress = std::chrono::steady_clock::now();
    }

    using clock = std::chrono::steady_clock;
    const int poll_ms = watchdog > 0 ? static_cast<int>(std::min(1000.0, std::max(10.0, watchdog * 250))) : 1000;
    for (size_t open = parts; open > 0;) {
        std::vector<pollfd> fds;
        std::vector<Child *> polled;
        for (Child &c : children)
            if (c.reading) {
                fds.push_back({c.fd, POLLIN, 0});
                polled.push_back(&c);
            }
        const int ready = poll(fds.data(), fds.size(), poll_ms);
        for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Child &c = *polled[i];
            char buffer[65536];
            const ssize_t n = read(c.fd, buffer, sizeof buffer);
            if (n > 0) {
                c.report.append(buffer, static_cast<size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            c.reading = false;
            close(c.fd);
            --open;
            const bool failed = !json::parse(c.report, nullptr, false).contains("kernels");
            if (failed && stop_others_on_failure)
                for (Child &other : children)
                    if (other.reading) kill(other.pid, SIGKILL);
        }
        for (Child &c : children) {
            if (!c.reading) continue;
            const uint64_t slices = c.watch->slices.load();
            const double idle = std::chrono::duration<double>(clock::now() - c.last_progress).count();
            if (slices != c.seen_slices || c.watch->running.load() < 0) {
                c.seen_slices = slices;
                c.last_progress = clock::now();
            } else if (watchdog > 0 && !c.stopped && idle > watchdog) {
                kill(c.pid, kWatchdogSignal);
                c.stopped = true;
            } else if (c.stopped && idle > watchdog + 5) {
                kill(c.pid, SIGKILL);  // the kernel blocked the watchdog's signal
            }
        }
    }
    std::vector<ChildResult> results(parts);
    for (size_t i = 0; i < parts; ++i) {
        Child &c = children[i];
        while (waitpid(c.pid, &c.status, 0) < 0 && errno == EINTR) {
        }
        if (c.report.empty() || !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0)) {
            results[i].lost = lost_child_error(*c.watch, c.status, schedule, watchdog);
            results[i].watchdog = c.watch->signal == kWatchdogSignal;
        } else {
            results[i].report = json::parse(c.report);
        }
    }
    return results;
}

tt::Error reported_error(const json &e) {
    return tt::Error(static_cast<tt::ErrorKind>(e.at("kind").get<int>()), e.at("message").get<std::string>(),
                     tt::Span{e.at("file").get<std::string>(), e.at("line").get<int>(), e.at("col").get<int>()});
}

}  // namespace

bool isolation_enabled() {
    const char *isolate = std::getenv("TT_SIM_ISOLATE");
    return !(isolate && std::string(isolate) == "0");
}

void run_isolated(const std::vector<KernelInstance *> &schedule, uint64_t &steps,
                  const std::function<void()> &schedule_all) {
    if (!isolation_enabled()) {
        schedule_all();
        return;
    }
    std::vector<size_t> all(schedule.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    const ChildResult result = run_children(
                                   schedule, {all}, steps, [&](size_t) { schedule_all(); }, false)
                                   .front();
    if (result.lost) throw *result.lost;
    if (result.report.contains("error")) throw reported_error(result.report["error"]);
    steps = result.report.at("steps");
    const json &kernels = result.report.at("kernels");
    for (size_t i = 0; i < schedule.size(); ++i) restore_stats(kernels.at(i), schedule[i]->stats);
}

bool run_isolated_parts(const std::vector<KernelInstance *> &schedule, const std::vector<std::vector<size_t>> &slots,
                        uint64_t &steps, const std::function<void(size_t)> &run_part) {
    const std::vector<ChildResult> results = run_children(schedule, slots, steps, run_part, true);
    for (const ChildResult &result : results)
        if (result.watchdog) throw *result.lost;
    for (const ChildResult &result : results)
        if (result.lost || !result.report.contains("kernels")) return false;
    uint64_t total_steps = 0;
    for (size_t part = 0; part < slots.size(); ++part) {
        const json &kernels = results[part].report.at("kernels");
        for (size_t i = 0; i < slots[part].size(); ++i) restore_stats(kernels.at(i), schedule[slots[part][i]]->stats);
        total_steps += results[part].report.at("steps").get<uint64_t>();
    }
    steps = total_steps;
    return true;
}

}  // namespace tt_sim
