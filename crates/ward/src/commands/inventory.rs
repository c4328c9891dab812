//! `ward inventory`: collect this machine's (or an image's) inventory and write it as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use ward_inventory::{collect, DiagnosticLevel};

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward inventory`.
#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Directory to collect below instead of `/`: a mounted image, a container's root
    /// filesystem or a fixture tree.
    ///
    /// Every collector reads below it; live-only facts (running kernel, kernel host name)
    /// are collected only when it is `/`.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// File to write the inventory JSON to, replaced atomically; default: standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Options of the language-package walk.
    #[command(flatten)]
    pub walk: crate::commands::scan::WalkArgs,
}

/// Runs `ward inventory`.
pub fn run(global: &GlobalArgs, args: InventoryArgs) -> anyhow::Result<ExitStatus> {
    let metadata = std::fs::metadata(&args.root)
        .with_context(|| format!("cannot read the collection root `{}`", args.root.display()))?;
    if !metadata.is_dir() {
        anyhow::bail!(
            "the collection root `{}` is not a directory",
            args.root.display()
        );
    }

    let inventory = collect(&args.walk.collect_options(&args.root));

    if !global.quiet {
        let warnings = inventory
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.level >= DiagnosticLevel::Warning)
            .count();
        if warnings > 0 {
            crate::printer::warn_user(&format!(
                "{warnings} collection problems recorded in the inventory's `diagnostics`"
            ));
        }
    }

    // Serialised straight into the buffered output rather than into one byte vector first,
    // so memory stays at the inventory itself.
    let write_json = |writer: &mut dyn Write| -> std::io::Result<()> {
        let mut buffered = std::io::BufWriter::new(writer);
        serde_json::to_writer_pretty(&mut buffered, &inventory)?;
        buffered.write_all(b"\n")?;
        buffered.flush()
    };
    match &args.output {
        Some(path) => write_atomically(path, write_json)?,
        None => write_json(&mut std::io::stdout().lock())
            .context("failed to write to standard output")?,
    }
    Ok(ExitStatus::Success)
}

/// Writes through `write` to a temporary file beside `path`, then renames it over `path`, so
/// that readers see the old file or the whole new one and never a partial write.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(directory).with_context(|| {
        format!(
            "failed to create a temporary file in `{}`",
            directory.display()
        )
    })?;
    write(file.as_file_mut())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("failed to write `{}`", file.path().display()))?;
    file.persist(path)
        .with_context(|| format!("failed to replace `{}`", path.display()))?;
    Ok(())
}
