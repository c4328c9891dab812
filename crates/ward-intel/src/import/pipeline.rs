//! Running an import's units through parallel preparers and the single writer.
//!
//! Two threads prepare units (read, decompress, parse, compress), each taking the next
//! unit in order, and the calling thread, which owns the transaction, stores the prepared
//! units strictly in order. Preparers stay at most [`LOOKAHEAD`] units ahead of the
//! writer, so that only a bounded number of parsed files wait in memory.
//!
//! Units are independent except for the `CveBody` dictionaries of NVD, CVE 5 and Anchore
//! sources: the first file of a source trains the dictionary that its later files use.
//! A [`Turn`] makes those decisions happen in unit order.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::Transaction;

use super::cve::CveDictionaries;
use super::input::{self, Prepared, Unit};
use super::{store, ImportReport};
use crate::progress::Progress;
use crate::IntelError;

/// Threads that prepare units at the same time. OSV archives also get worker threads of
/// their own, so two preparers keep two cores busy while the writer stores.
const PREPARERS: usize = 2;

/// Units a preparer may be ahead of the one the writer is storing. At 1 the preparers sat
/// idle while the writer finished Debian (0.6 s). At 6 the full import took 6.1 s instead
/// of 6.5 s, and its peak RSS rose from about 0.7 GB to 0.8 GB.
const LOOKAHEAD: usize = 6;

struct State {
    /// Next unit to hand to a preparer.
    next: usize,
    /// Unit the writer is storing or waiting for.
    storing: usize,
    /// Units that made their dictionary decision or finished preparing.
    released: Vec<bool>,
    /// Every unit below this index is released.
    released_below: usize,
    /// Set when the writer stopped; preparers then stop too.
    aborted: bool,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    dictionaries: Mutex<CveDictionaries>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Each change under the lock leaves the state valid at every step, so the state of a
        // thread that panicked while holding it is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed
            .wait(guard)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn release(&self, index: usize) {
        let mut state = self.lock();
        state.released[index] = true;
        while state
            .released
            .get(state.released_below)
            .copied()
            .unwrap_or(false)
        {
            state.released_below += 1;
        }
        drop(state);
        self.changed.notify_all();
    }

    fn abort(&self) {
        self.lock().aborted = true;
        self.changed.notify_all();
    }
}

/// A unit's place in the order of dictionary decisions; released when dropped.
pub(super) struct Turn<'a> {
    shared: &'a Shared,
    index: usize,
    released: bool,
}

impl Turn<'_> {
    /// Waits until every earlier unit has made its dictionary decision or finished, then
    /// runs `decide` on the dictionaries and releases this unit's turn. Returns `None`
    /// when the import stopped meanwhile.
    pub fn with_dictionaries<T>(
        &mut self,
        decide: impl FnOnce(&mut CveDictionaries) -> T,
    ) -> Option<T> {
        let mut state = self.shared.lock();
        while state.released_below < self.index && !state.aborted {
            state = self.shared.wait(state);
        }
        if state.aborted {
            return None;
        }
        drop(state);
        let result = {
            let mut dictionaries = self
                .shared
                .dictionaries
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            decide(&mut dictionaries)
        };
        self.release();
        Some(result)
    }

    fn release(&mut self) {
        if !self.released {
            self.released = true;
            self.shared.release(self.index);
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

/// Prepares and stores `units`; the first error, from a preparer or the writer, ends the
/// import.
pub(super) fn run(
    tx: &Transaction,
    units: &[Unit],
    dictionaries: CveDictionaries,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let shared = Shared {
        state: Mutex::new(State {
            next: 0,
            storing: 0,
            released: vec![false; units.len()],
            released_below: 0,
            aborted: false,
        }),
        changed: Condvar::new(),
        dictionaries: Mutex::new(dictionaries),
    };
    let (senders, receivers): (Vec<_>, Vec<_>) = units
        .iter()
        .map(|_| mpsc::sync_channel::<Result<Prepared, IntelError>>(1))
        .unzip();
    let shared = &shared;
    let senders = &senders;

    std::thread::scope(|scope| {
        for _ in 0..PREPARERS.min(units.len()) {
            scope.spawn(move || loop {
                let index = {
                    let mut state = shared.lock();
                    loop {
                        if state.aborted || state.next >= units.len() {
                            return;
                        }
                        if state.next <= state.storing + LOOKAHEAD {
                            break;
                        }
                        state = shared.wait(state);
                    }
                    state.next += 1;
                    state.next - 1
                };
                let mut turn = Turn {
                    shared,
                    index,
                    released: false,
                };
                let mut workers = Vec::new();
                let unit = &units[index];
                // A panic here would leave the writer waiting for this unit forever, so it
                // becomes the unit's error, which ends the import.
                let prepared = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    input::prepare(unit, scope, &mut workers, &mut turn)
                }))
                .unwrap_or_else(|panic| {
                    shared.abort();
                    Err(IntelError::InvalidFile {
                        path: unit.path().to_owned(),
                        reason: format!("internal error while reading: {}", panic_text(&*panic)),
                    })
                });
                drop(turn);
                if senders[index].send(prepared).is_err() {
                    return;
                }
                // This preparer's workers finish before it takes another unit: more would
                // compete for the same cores and hold more parsed records in memory.
                for worker in workers {
                    if let Err(panic) = worker.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
            });
        }

        let result = store_in_order(tx, shared, receivers, report, progress);
        if result.is_err() {
            shared.abort();
        }
        result
    })
}

/// Returns the message of a panic payload.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_owned()
    }
}

/// Stores the prepared units in order, as their preparers deliver them.
fn store_in_order(
    tx: &Transaction,
    shared: &Shared,
    receivers: Vec<mpsc::Receiver<Result<Prepared, IntelError>>>,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    for (index, receiver) in receivers.into_iter().enumerate() {
        {
            shared.lock().storing = index;
        }
        shared.changed.notify_all();
        // The senders live until `run` returns and every taken unit is sent, even after a
        // panic, so this `else` is not reached.
        let Ok(prepared) = receiver.recv() else {
            return Ok(());
        };
        store::store(tx, prepared?, report, progress)?;
    }
    Ok(())
}
