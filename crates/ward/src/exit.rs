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
