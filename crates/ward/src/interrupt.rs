//! Ctrl-C, SIGTERM and SIGHUP while ward writes the intel database.

/// Installs, once per process, a handler for SIGINT, SIGTERM and SIGHUP that deletes the
/// database's working copies and the download directory. It then exits with the code a
/// shell reports for a process killed by that signal (see
/// [`crate::exit::signal_exit_code`]).
///
/// Without it the process dies without running destructors, and a working copy as large
/// as the database stays next to it. `ctrlc` was not used because its handler does not
/// receive the signal number.
#[cfg(unix)]
pub fn remove_temp_files_on_signal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let mut signals = match Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(signals) => signals,
            Err(error) => {
                tracing::debug!(%error, "cannot install the signal handler");
                return;
            }
        };
        let spawned = std::thread::Builder::new()
            .name("signals".to_owned())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    ward_intel::update::remove_temp_files();
                    crate::printer::line("interrupted; the database was left unchanged");
                    std::process::exit(crate::exit::signal_exit_code(signal));
                }
            });
        if let Err(error) = spawned {
            tracing::debug!(%error, "cannot start the signal handler thread");
        }
    });
}

/// Does nothing: `signal-hook`'s signal iterator exists on Unix only.
///
/// NOTE: without a handler, Ctrl-C ends the process at once and leaves the working copy
/// (`.<db name>.*.tmp`) and the download directory; the next import removes the copy.
#[cfg(not(unix))]
pub fn remove_temp_files_on_signal() {}
