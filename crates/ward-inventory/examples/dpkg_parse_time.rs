//! Measures the dpkg collector on one status file.
//!
//! `cargo run --release -p ward-inventory --example dpkg_parse_time -- STATUS [ITERATIONS]`
//! copies STATUS into a temporary root, runs the collector ITERATIONS times (default 200)
//! and prints the rows found and the mean and minimum time per run.

use std::time::{Duration, Instant};

use ward_inventory::collectors::dpkg::DpkgCollector;
use ward_inventory::{CollectOptions, Collector, Context};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let status = arguments
        .next()
        .ok_or("usage: dpkg_parse_time STATUS [ITERATIONS]")?;
    let iterations: u32 = arguments.next().map_or(Ok(200), |value| value.parse())?;

    let root = tempfile::tempdir()?;
    std::fs::create_dir_all(root.path().join("var/lib/dpkg"))?;
    std::fs::copy(&status, root.path().join("var/lib/dpkg/status"))?;
    let options = CollectOptions::new(root.path());
    let context = Context {
        options: &options,
        os: None,
    };

    let mut total = Duration::ZERO;
    let mut minimum = Duration::MAX;
    let mut rows = 0;
    for _ in 0..iterations.max(1) {
        let started = Instant::now();
        rows = DpkgCollector.collect(&context).software.len();
        let elapsed = started.elapsed();
        total += elapsed;
        minimum = minimum.min(elapsed);
    }
    println!(
        "{rows} rows; mean {:?}, min {:?} over {iterations} runs (read + parse)",
        total / iterations.max(1),
        minimum
    );
    Ok(())
}
