//! Progress reporting, so that the library stays free of terminal code.

/// Unit of a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressUnit {
    /// Feed records.
    Records,
    /// Downloaded bytes.
    Bytes,
}

/// Creates progress bars; the binary implements it with a terminal library.
pub trait Progress: Sync {
    /// Starts a bar for one task; `total` is `None` when the size is not known.
    fn start(&self, label: &str, total: Option<u64>, unit: ProgressUnit) -> Box<dyn ProgressBar>;
}

/// One running task.
pub trait ProgressBar: Send + Sync {
    /// Advances the bar by `delta` units.
    fn advance(&self, delta: u64);
    /// Ends the bar.
    fn finish(&self);
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(
        &self,
        _label: &str,
        _total: Option<u64>,
        _unit: ProgressUnit,
    ) -> Box<dyn ProgressBar> {
        Box::new(NoProgress)
    }
}

impl ProgressBar for NoProgress {
    fn advance(&self, _delta: u64) {}
    fn finish(&self) {}
}
