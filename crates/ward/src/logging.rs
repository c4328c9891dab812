//! Log setup: `tracing` to stderr.

use std::ffi::OsStr;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the stderr subscriber; `RUST_LOG` wins over `-v` and `-q`.
pub fn init(verbose: u8, quiet: bool) {
    let default_level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(use_ansi(
            std::io::stderr().is_terminal(),
            std::env::var_os(crate::env::NO_COLOR).as_deref(),
        ))
        .init();
}

/// Decides whether log lines carry ANSI colour codes: only on a terminal, and not when
/// `NO_COLOR` is set to a non-empty value (<https://no-color.org>), so that a log redirected
/// to a file stays plain text.
fn use_ansi(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    let no_color = no_color.is_some_and(|value| !value.is_empty());
    stderr_is_terminal && !no_color
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_only_on_terminal() {
        assert!(use_ansi(true, None));
        assert!(!use_ansi(false, None));
    }

    #[test]
    fn ansi_off_with_no_color() {
        assert!(!use_ansi(true, Some(OsStr::new("1"))));
        assert!(use_ansi(true, Some(OsStr::new(""))));
    }
}
