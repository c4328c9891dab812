//! The global allocator: mimalloc, tuned for small resident memory.
//!
//! `ward db import` parses records on worker threads and frees them on the writer's. With
//! glibc's allocator, `malloc` and `free` took about a fifth of its CPU time, and mimalloc
//! made it about 15 % faster. mimalloc's defaults commit arena memory eagerly and keep freed
//! memory for a second, which doubled the resident memory of `ward inventory` (48 MB against
//! 23 MB with glibc). [`init`] changes both, and the inventory stays at 21–22 MB.

use libmimalloc_sys::{mi_option_set, mi_option_t};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` in mimalloc 3's `mi_option_e`, which libmimalloc-sys
/// does not name; a test checks its default value.
const ARENA_EAGER_COMMIT: mi_option_t = 4;
/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e`; a test checks its default value.
const PURGE_DELAY: mi_option_t = 15;

/// Delay in milliseconds before freed memory goes back to the OS during bulk work:
/// mimalloc's default.
const BULK_PURGE_DELAY_MS: i64 = 1000;

/// Runs [`init`] before `main`, ahead of the first allocation: the first arena is reserved
/// with the eager-commit setting of that moment.
#[cfg(all(target_os = "linux", not(test)))]
#[used]
#[link_section = ".init_array"]
static INIT_BEFORE_MAIN: extern "C" fn() = {
    extern "C" fn init_before_main() {
        init();
    }
    init_before_main
};

/// Commits arena memory when it is used, and returns freed memory to the OS at once.
pub fn init() {
    // SAFETY: setting an option only stores an integer that mimalloc reads on later calls.
    unsafe {
        mi_option_set(ARENA_EAGER_COMMIT, 0);
        mi_option_set(PURGE_DELAY, 0);
    }
}

/// Keeps freed memory for a second before returning it, for an import that frees and
/// allocates hundreds of megabytes. Returning it at once cost the full import about 0.9 s
/// of system time in page faults.
pub fn keep_freed_memory_briefly() {
    // SAFETY: as in `init`.
    unsafe {
        mi_option_set(PURGE_DELAY, BULK_PURGE_DELAY_MS as _);
    }
}

#[cfg(test)]
mod tests {
    use libmimalloc_sys::mi_option_get;

    use super::*;

    #[test]
    fn option_numbers_match_mimalloc() {
        // The test binary neither runs the constructor nor calls `init`, so both options
        // hold mimalloc's defaults:
        // 2 ("on systems that overcommit") and 1000 ms.
        // SAFETY: reading an option has no side effect beyond caching it.
        let (eager, delay) = unsafe {
            (
                mi_option_get(ARENA_EAGER_COMMIT),
                mi_option_get(PURGE_DELAY),
            )
        };
        assert_eq!(eager, 2);
        assert_eq!(delay, BULK_PURGE_DELAY_MS as std::ffi::c_long);
    }
}
