//! Comparing parsed versions must not allocate: a counting global allocator checks it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ward_version::{Scheme, Version};

struct CountingAllocator;

thread_local! {
    /// Allocations made by the current thread, so the test harness's threads do not count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn compare_parsed_does_not_allocate() {
    let cases: [(Scheme, &[&str]); 8] = [
        (
            Scheme::Dpkg,
            &[
                "1:2.36-9+deb12u1",
                "2.36-9~bpo11+1",
                "1.1.1f-1ubuntu2.16+esm1",
                "1.0",
                "1.0-0",
                "1.09~~a",
            ],
        ),
        (
            Scheme::Rpm,
            &[
                "2.17-326.el7_9",
                "1:2.17-326.el7_9.3",
                "1.0~rc1^git2",
                "1.0",
                "a:1",
            ],
        ),
        (
            Scheme::Apk,
            &[
                "1.2.3-r0",
                "1.2.3_rc1-r1",
                "1.2.03",
                "1.2.3_p20240101",
                "0.1bc",
            ],
        ),
        (
            Scheme::Semver,
            &["1.2.3", "v1.2.3-rc.1", "1.2.3-rc.10", "1.2", "1.2.3+build"],
        ),
        (
            Scheme::Npm,
            &["1.2.3", "=1.2.3beta", "1.2.3-beta.2", "v 2.0.0"],
        ),
        (
            Scheme::Pep440,
            &[
                "1.0",
                "1.0.0",
                "1!0.1",
                "1.0a1.post2.dev3",
                "1.0+ubuntu.1",
                "1.0+ubuntu.2",
                "1.2.3.4.5.6.7",
            ],
        ),
        (
            Scheme::Go,
            &[
                "v1",
                "v1.2.3-pre.1",
                "v1.2.3-pre.0.20191109021931-daa7c04131f5",
                "v2.0.0+incompatible",
                "go1.21rc2",
                "1.21.0",
            ],
        ),
        (
            Scheme::Alpm,
            &["1:2.36-9", "2.36", "2.36-10", "1.0rc1", "1.0.a", "1..0"],
        ),
    ];
    for (scheme, texts) in cases {
        let parsed: Vec<Version> = texts
            .iter()
            .map(|text| match scheme.parse(text) {
                Ok(version) => version,
                Err(error) => panic!("{error}"),
            })
            .collect();

        let before = ALLOCATIONS.with(Cell::get);
        for a in &parsed {
            for b in &parsed {
                std::hint::black_box(a.cmp_same_scheme(b));
            }
        }
        let after = ALLOCATIONS.with(Cell::get);
        assert_eq!(after - before, 0, "{scheme} comparisons allocated");
    }
}
