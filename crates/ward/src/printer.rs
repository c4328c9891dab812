//! Messages for the user on stderr: errors with their causes, warnings and hints.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by `--quiet`: warnings are dropped, errors still print.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Drops every later [`warn_user`] message, as `--quiet` promises ("errors only").
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

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
/// A hint is either the outermost context layer, as [`with_hint`] attaches it, or a [`Hint`]
/// value anywhere in the chain.
pub fn print_error(error: &anyhow::Error) {
    let (messages, hint) = split_hint(error);

    let mut messages = messages.into_iter();
    if let Some(top) = messages.next() {
        line(&format!("error: {top}"));
    }
    for cause in messages {
        line(&format!("  caused by: {cause}"));
    }
    if let Some(hint) = hint {
        line(&format!("hint: {hint}"));
    }
}

/// Splits an error chain into its messages, outermost first, and the hint, if any.
fn split_hint(error: &anyhow::Error) -> (Vec<String>, Option<String>) {
    let mut messages = Vec::new();
    let mut hint = None;

    // A context layer does not downcast through `chain()`, only through the error itself,
    // so the outermost layer is compared with the context value `with_hint` attached.
    let outer_hint = error.downcast_ref::<Hint>().map(|found| found.0.clone());
    for (index, cause) in error.chain().enumerate() {
        if let Some(found) = cause.downcast_ref::<Hint>() {
            hint = Some(found.0.clone());
            continue;
        }
        if index == 0 && outer_hint.as_deref() == Some(cause.to_string().as_str()) {
            hint = outer_hint.clone();
            continue;
        }
        messages.push(cause.to_string());
    }
    (messages, hint)
}

/// Wraps `error` so that [`print_error`] ends with `hint: {hint}`.
pub fn with_hint(error: anyhow::Error, hint: impl Into<String>) -> anyhow::Error {
    error.context(Hint(hint.into()))
}

/// Prints a warning meant for the user (not a log line) on stderr, unless `--quiet` is set.
pub fn warn_user(message: &str) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    line(&format!("warning: {message}"));
}

/// Writes one line to stderr. Unlike `eprintln!`, a closed stderr (`ward … 2>&1 | head`)
/// does not panic: the message is dropped and the command goes on to its exit status.
pub fn line(text: &str) {
    use std::io::Write;

    // Messages may quote feed text (record ids, file names inside archives).
    let text = crate::output::terminal::escape_controls(text, true);
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_from_with_hint_is_not_the_error() {
        let error = anyhow::anyhow!("root cause").context("reading the feed failed");
        let error = with_hint(error, "run `ward db import`");

        let (messages, hint) = split_hint(&error);

        assert_eq!(messages, ["reading the feed failed", "root cause"]);
        assert_eq!(hint.as_deref(), Some("run `ward db import`"));
    }

    #[test]
    fn hint_at_the_root_of_the_chain() {
        let error = anyhow::Error::new(Hint("try again".to_owned())).context("download failed");

        let (messages, hint) = split_hint(&error);

        assert_eq!(messages, ["download failed"]);
        assert_eq!(hint.as_deref(), Some("try again"));
    }

    #[test]
    fn error_without_hint_keeps_every_message() {
        let error = anyhow::anyhow!("inner").context("outer");

        let (messages, hint) = split_hint(&error);

        assert_eq!(messages, ["outer", "inner"]);
        assert_eq!(hint, None);
    }
}
