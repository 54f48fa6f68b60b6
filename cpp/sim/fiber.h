/*! \file fiber.h
 *  \brief Cooperative execution contexts: each kernel instance runs on its own stack and hands
 *  control back to the scheduler when it blocks. No OS threads; one deterministic order.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>

#include <ucontext.h>

namespace tt_sim {

class Fiber {
public:
    /*! \brief A context that will run `body` on a fresh stack of `stack_bytes` when first resumed. */
    Fiber(std::function<void()> body, std::size_t stack_bytes);
    ~Fiber();
    Fiber(const Fiber &) = delete;
    Fiber &operator=(const Fiber &) = delete;

    /*! \brief Run the fiber until it yields or finishes. Call from the scheduler only. */
    void resume();
    /*! \brief Give control back to the scheduler. Call from inside the fiber only. */
    void yield();

    bool finished() const {
        return finished_;
    }
    std::size_t stack_bytes() const {
        return stack_bytes_;
    }
    /*! \brief Whether a fault at `address` with stack pointer `sp` is this fiber's stack overflowing:
     *  the address is in the guard page below the stack, or the stack pointer left the stack. */
    bool overflowed(std::uintptr_t address, std::uintptr_t sp) const;
    /*! \brief The exception that ended the body, if any. */
    std::exception_ptr error() const {
        return error_;
    }

private:
    static void trampoline(unsigned int hi, unsigned int lo);

    std::function<void()> body_;
    void *stack_ = nullptr;
    std::size_t stack_bytes_;
    ucontext_t context_;
    ucontext_t caller_;
    bool started_ = false;
    bool finished_ = false;
    std::exception_ptr error_;
    // AddressSanitizer's view of the stack switches (used only in sanitizer builds).
    void *asan_fake_stack_ = nullptr;
    const void *asan_caller_bottom_ = nullptr;
    std::size_t asan_caller_size_ = 0;
};

}  // namespace tt_sim
