//! Messages for the user on stderr: errors with their causes, warnings and hints.

/// A hint attached to an error, printed as `hint: …` after the causes.
#[derive(Debug)]
pub struct Hint(pub String);

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Hint {}

/// Prints `error: …`, one `caused by: …` line per source and `hint: …` when one is attached.
///
/// A hint is attached with [`with_hint`].
pub fn print_error(error: &anyhow::Error) {
    let mut chain = error.chain();
    let mut hint = None;

    if let Some(top) = chain.next() {
        match top.downcast_ref::<Hint>() {
            Some(found) => hint = Some(found.0.clone()),
            None => eprintln!("error: {top}"),
        }
    }
    let mut printed_top = hint.is_none();
    for cause in chain {
        if let Some(found) = cause.downcast_ref::<Hint>() {
            hint = Some(found.0.clone());
            continue;
        }
        if printed_top {
            eprintln!("  caused by: {cause}");
        } else {
            eprintln!("error: {cause}");
            printed_top = true;
        }
    }
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

/// Wraps `error` so that [`print_error`] ends with `hint: {hint}`.
#[allow(dead_code)] // NOTE: first callers arrive with `ward db` and `ward scan`.
pub fn with_hint(error: anyhow::Error, hint: impl Into<String>) -> anyhow::Error {
    error.context(Hint(hint.into()))
}

/// Prints a warning meant for the user (not a log line) on stderr.
#[allow(dead_code)] // NOTE: first callers arrive with `ward scan`.
pub fn warn_user(message: &str) {
    eprintln!("warning: {message}");
}
