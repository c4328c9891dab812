//! Exit codes of `ward`.

use std::process::ExitCode;

/// How a run ended, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Exit code 0: the command did what was asked and nothing reached the threshold.
    Success,
    /// Exit code 1: findings at or above `--fail-on` were reported.
    FindingsAboveThreshold,
    /// Exit code 2: the command failed.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::FindingsAboveThreshold => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Returns the exit code of a run that a signal ended: 128 plus the signal number, as a
/// shell reports a process killed by it (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
#[cfg(unix)]
pub fn signal_exit_code(signal: i32) -> i32 {
    128 + signal
}
