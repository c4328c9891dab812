//! Runs a full inventory collection (or only the language-package walk) on a root and prints
//! counts and wall time, for benchmarking under `/usr/bin/time -v`.
//!
//! ```text
//! cargo run --release -p ward-inventory --example walk_bench -- ROOT \
//!     [--walk-only] [--threads N] [--exclude GLOB]... [--output FILE.json]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use ward_inventory::collectors::lang;
use ward_inventory::walk::{walk, WalkOptions};
use ward_inventory::{collect, CollectOptions, Context};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let mut root = None;
    let mut walk_only = false;
    let mut output = None;
    let mut walk_options = WalkOptions::default();
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--walk-only" => walk_only = true,
            "--threads" => {
                walk_options.threads = arguments.next().ok_or("--threads needs N")?.parse()?
            }
            "--exclude" => walk_options
                .excludes
                .push(arguments.next().ok_or("--exclude needs GLOB")?),
            "--output" => {
                output = Some(PathBuf::from(
                    arguments.next().ok_or("--output needs FILE")?,
                ))
            }
            _ => root = Some(PathBuf::from(argument)),
        }
    }
    let root = root.ok_or(
        "usage: walk_bench ROOT [--walk-only] [--threads N] [--exclude GLOB]... [--output FILE]",
    )?;
    let mut options = CollectOptions::new(root);
    options.walk = walk_options;

    let started = Instant::now();
    if walk_only {
        let context = Context {
            options: &options,
            os: None,
        };
        let outcome = walk(&context, &lang::file_collectors(), &options.walk);
        eprintln!(
            "walk: {} components, {} diagnostics, {:?}, wall {:.3} s",
            outcome.collection.software.len(),
            outcome.collection.diagnostics.len(),
            outcome.stats,
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }

    let inventory = collect(&options);
    let elapsed = started.elapsed().as_secs_f64();
    let walk_summary = inventory
        .diagnostics
        .iter()
        .find(|diagnostic| {
            diagnostic.collector == "walk" && diagnostic.message.starts_with("walked")
        })
        .map(|diagnostic| diagnostic.message.clone())
        .unwrap_or_default();
    eprintln!(
        "collect: {} components, {} diagnostics, wall {elapsed:.3} s; {walk_summary}",
        inventory.software.len(),
        inventory.diagnostics.len(),
    );
    if let Some(output) = output {
        std::fs::write(output, serde_json::to_vec_pretty(&inventory)?)?;
    }
    Ok(())
}
