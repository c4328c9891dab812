//! `ward vuln show ID`: everything the intel database stores about one vulnerability.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};
use ward_intel::cvss::CvssVector;
use ward_intel::{Intel, IntelDb};

use crate::cli::GlobalArgs;
use crate::commands::db::{db_path, write_stdout};
use crate::exit::ExitStatus;

/// Arguments of `ward vuln`.
#[derive(Debug, Args)]
pub struct VulnArgs {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: VulnCommand,
}

/// The `ward vuln` subcommands.
#[derive(Debug, Subcommand)]
pub enum VulnCommand {
    /// Show a vulnerability by any of its ids (CVE, GHSA, OSV, DSA, …): its records from
    /// every source, aliases, scores with provenance, KEV and EPSS, affected packages per
    /// ecosystem and references.
    Show(ShowArgs),
}

/// Arguments of `ward vuln show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Vulnerability or advisory id.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

/// Output formats of `ward vuln show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Readable text.
    Text,
    /// JSON for tools.
    Json,
}

/// Runs `ward vuln`.
pub fn run(global: &GlobalArgs, args: VulnArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        VulnCommand::Show(args) => show(global, args),
    }
}

fn show(global: &GlobalArgs, args: ShowArgs) -> anyhow::Result<ExitStatus> {
    let db = IntelDb::open(&db_path(global)?)?;
    let document = collect(&db, &args.id)?;
    if document["records"].as_array().is_none_or(Vec::is_empty)
        && document["kev"].as_array().is_none_or(Vec::is_empty)
        && document["epss"].as_array().is_none_or(Vec::is_empty)
    {
        anyhow::bail!(
            "vulnerability `{}` not found in the intel database",
            args.id
        );
    }

    let mut out = String::new();
    match args.format {
        ShowFormat::Json => out = serde_json::to_string_pretty(&document)? + "\n",
        ShowFormat::Text => print_text(&mut out, &document),
    }
    write_stdout(&out)?;
    Ok(ExitStatus::Success)
}

/// Gathers the records of every alias of `id`, with KEV, EPSS and computed CVSS scores.
fn collect(db: &IntelDb, id: &str) -> anyhow::Result<Value> {
    let aliases = db.aliases(id)?;
    let mut related = BTreeSet::new();
    let mut records = Vec::new();
    let mut scores = Vec::new();
    let mut kev = Vec::new();
    let mut epss = Vec::new();

    for alias in &aliases {
        related.extend(db.related(alias)?);
        for stored in db.records(alias)? {
            scores.extend(severities(&stored.source, &stored.record));
            records.push(json!({ "source": stored.source, "record": stored.record }));
        }
        if let Some(entry) = db.kev(alias)? {
            let mut value = serde_json::to_value(&entry)?;
            if let (Some(object), Some(Value::Object(details))) =
                (value.as_object_mut(), db.kev_details(alias)?)
            {
                object.extend(details);
            }
            kev.push(value);
        }
        if let Some(score) = db.epss(alias)? {
            epss.push(serde_json::to_value(&score)?);
        }
    }
    for alias in &aliases {
        related.remove(alias);
    }

    Ok(json!({
        "id": id,
        "aliases": aliases,
        "related": related,
        "scores": scores,
        "kev": kev,
        "epss": epss,
        "records": records,
    }))
}

/// Lists a record's severity entries (record-level and per package) with computed scores.
fn severities(source: &str, record: &Value) -> Vec<Value> {
    let mut found = Vec::new();
    let record_id = record["id"].as_str().unwrap_or_default();
    let mut add = |item: &Value, package: Option<&Value>| {
        let kind = item["type"].as_str().unwrap_or_default();
        let vector = item["score"].as_str().unwrap_or_default();
        let computed = vector
            .parse::<CvssVector>()
            .ok()
            .map(|parsed| parsed.score());
        found.push(json!({
            "source": source,
            "record": record_id,
            "package": package.map(|package| json!({"ecosystem": package["ecosystem"], "name": package["name"]})),
            "type": kind,
            "vector": vector,
            "version": computed.map(|score| score.version.to_string()),
            "score": computed.map(|score| score.value),
            "score_kind": computed.map(|score| score.kind.to_string()),
            "rating": computed.map(|score| format!("{:?}", score.rating())),
        }));
    };
    for item in record["severity"].as_array().into_iter().flatten() {
        add(item, None);
    }
    for affected in record["affected"].as_array().into_iter().flatten() {
        for item in affected["severity"].as_array().into_iter().flatten() {
            add(item, Some(&affected["package"]));
        }
    }
    found
}

fn print_text(out: &mut String, document: &Value) {
    let list = |value: &Value| -> String {
        let items: Vec<&str> = value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if items.is_empty() {
            "-".to_owned()
        } else {
            items.join(", ")
        }
    };
    let _ = writeln!(out, "{}", document["id"].as_str().unwrap_or_default());
    let _ = writeln!(out, "  aliases: {}", list(&document["aliases"]));
    let _ = writeln!(out, "  related: {}", list(&document["related"]));

    for entry in document["kev"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  known exploited (CISA KEV): added {}, due {}, ransomware use: {}",
            entry["date_added"].as_str().unwrap_or("-"),
            entry["due_date"].as_str().unwrap_or("-"),
            if entry["known_ransomware_use"].as_bool() == Some(true) {
                "known"
            } else {
                "unknown"
            },
        );
    }
    for score in document["epss"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  EPSS {}: {:.5} (percentile {:.5}) on {}, model {}",
            score["cve_id"].as_str().unwrap_or_default(),
            score["score"].as_f64().unwrap_or_default(),
            score["percentile"].as_f64().unwrap_or_default(),
            score["date"].as_str().unwrap_or("unknown date"),
            score["model_version"].as_str().unwrap_or("unknown"),
        );
    }
    for score in document["scores"].as_array().into_iter().flatten() {
        let computed = match score["score"].as_f64() {
            Some(value) => format!(
                "{value:.1} {} (CVSS {} {})",
                score["rating"].as_str().unwrap_or_default(),
                score["version"].as_str().unwrap_or_default(),
                score["score_kind"].as_str().unwrap_or_default()
            ),
            None => "not a CVSS vector".to_owned(),
        };
        let _ = writeln!(
            out,
            "  severity from {} ({}): {} {} = {computed}",
            score["source"].as_str().unwrap_or_default(),
            score["record"].as_str().unwrap_or_default(),
            score["type"].as_str().unwrap_or_default(),
            score["vector"].as_str().unwrap_or_default(),
        );
    }

    for stored in document["records"].as_array().into_iter().flatten() {
        print_record(
            out,
            stored["source"].as_str().unwrap_or_default(),
            &stored["record"],
        );
    }
}

fn print_record(out: &mut String, source: &str, record: &Value) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} (source {source})",
        record["id"].as_str().unwrap_or_default()
    );
    if let Some(summary) = record["summary"].as_str() {
        let _ = writeln!(out, "  {summary}");
    }
    for key in ["published", "modified", "withdrawn"] {
        if let Some(time) = record[key].as_str() {
            let _ = writeln!(out, "  {key}: {time}");
        }
    }
    for affected in record["affected"].as_array().into_iter().flatten() {
        let package = &affected["package"];
        let Some(name) = package["name"].as_str() else {
            continue;
        };
        let mut events = Vec::new();
        for range in affected["ranges"].as_array().into_iter().flatten() {
            for event in range["events"].as_array().into_iter().flatten() {
                if let Some((kind, version)) =
                    event.as_object().and_then(|object| object.iter().next())
                {
                    events.push(format!("{kind} {}", version.as_str().unwrap_or_default()));
                }
            }
        }
        let _ = writeln!(
            out,
            "  affected: {} {name}: {}",
            package["ecosystem"].as_str().unwrap_or_default(),
            if events.is_empty() {
                "versions listed".to_owned()
            } else {
                events.join(", ")
            }
        );
    }
    for reference in record["references"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  reference ({}): {}",
            reference["type"].as_str().unwrap_or("WEB"),
            reference["url"].as_str().unwrap_or_default()
        );
    }
}
