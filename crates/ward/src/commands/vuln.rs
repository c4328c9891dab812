//! `ward vuln show ID`: one vulnerability merged from every source in the intel database.

use std::fmt::Write as _;

use clap::{Args, Subcommand, ValueEnum};
use ward_intel::{AffectedPackage, IntelDb, RansomwareUse, ScoredSeverity, Vulnerability};

use crate::cli::GlobalArgs;
use crate::commands::db::{db_path, open_existing, write_stdout};
use crate::exit::ExitStatus;
use crate::output::terminal::escape_controls;
use crate::printer;

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
    /// Show a vulnerability by any of its ids (CVE, GHSA, OSV, DSA, DEBIAN-CVE, RUSTSEC,
    /// PYSEC, ALSA, …): its records from every source, aliases, scores with provenance, KEV
    /// and EPSS, SSVC, affected packages per ecosystem and release, and references.
    Show(ShowArgs),
}

/// Arguments of `ward vuln show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Vulnerability or advisory id.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

/// Output formats of `ward vuln show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Readable text with tables.
    #[value(alias = "text")]
    Table,
    /// The merged vulnerability as JSON, with OSV records in full.
    Json,
}

/// Runs `ward vuln`.
pub fn run(global: &GlobalArgs, args: VulnArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        VulnCommand::Show(args) => show(global, args),
    }
}

fn show(global: &GlobalArgs, args: ShowArgs) -> anyhow::Result<ExitStatus> {
    let db = open_existing(&db_path(global)?)?;
    let Some(mut vulnerability) = find(&db, &args.id)? else {
        let error = anyhow::anyhow!(
            "vulnerability `{}` not found in the intel database",
            args.id.trim()
        );
        return Err(printer::with_hint(
            error,
            "no imported source names this id; `ward db status` lists the sources, and `ward db import` or `ward db update` adds more",
        ));
    };

    // The header names the vulnerability, so its own id is not repeated as an alias.
    let primary_id = vulnerability.primary_id.clone();
    vulnerability.aliases.retain(|alias| *alias != primary_id);

    let out = match args.format {
        ShowFormat::Json => serde_json::to_string_pretty(&vulnerability)? + "\n",
        // Feed text may hold terminal escape sequences; the layout's own line breaks stay.
        ShowFormat::Table => escape_controls(&render(&vulnerability), true).into_owned(),
    };
    write_stdout(&out)?;
    Ok(ExitStatus::Success)
}

/// Looks `id` up as typed, then in the usual spelling of ids (`CVE-…` in upper case,
/// `GHSA-` with its body in lower case), then ignoring case among the stored record ids,
/// because ids are stored as their feeds spell them.
fn find(db: &IntelDb, id: &str) -> anyhow::Result<Option<Vulnerability>> {
    let id = id.trim();
    for candidate in spellings(id) {
        if let Some(vulnerability) = db.vulnerability(&candidate)? {
            return Ok(Some(vulnerability));
        }
    }
    match db.find_id_ignoring_case(id)? {
        Some(stored) => Ok(db.vulnerability(&stored)?),
        None => Ok(None),
    }
}

/// Returns `id` and its usual spellings, without repeats: as typed, in upper case (CVE,
/// DSA, RUSTSEC, PYSEC…), and for GitHub's `GHSA-xxxx-xxxx-xxxx` ids with the body in
/// lower case.
fn spellings(id: &str) -> Vec<String> {
    let mut spellings = vec![id.to_owned(), id.to_ascii_uppercase()];
    if let Some(body) = id
        .get(..5)
        .filter(|prefix| prefix.eq_ignore_ascii_case("GHSA-"))
        .and(id.get(5..))
    {
        spellings.push(format!("GHSA-{}", body.to_ascii_lowercase()));
    }
    let mut seen = std::collections::HashSet::new();
    spellings.retain(|spelling| seen.insert(spelling.clone()));
    spellings
}

/// Renders the merged vulnerability as text: a header, then one table per section.
fn render(vulnerability: &Vulnerability) -> String {
    let mut out = String::new();
    render_header(&mut out, vulnerability);
    render_sources(&mut out, vulnerability);
    render_scores(&mut out, vulnerability);
    render_affected(&mut out, vulnerability);
    render_cpe(&mut out, vulnerability);
    render_references(&mut out, vulnerability);
    out
}

fn render_header(out: &mut String, vulnerability: &Vulnerability) {
    let _ = write!(out, "{}", vulnerability.primary_id);
    if vulnerability.primary_id != vulnerability.id {
        let _ = write!(out, " (looked up as {})", vulnerability.id);
    }
    let _ = writeln!(out);
    if let Some(summary) = &vulnerability.summary {
        let _ = writeln!(out, "  {}", first_line(summary));
    }
    if vulnerability.withdrawn {
        let _ = writeln!(
            out,
            "  status: withdrawn or rejected by every source; it yields no finding"
        );
    }
    let _ = writeln!(out, "  aliases: {}", join_or_dash(&vulnerability.aliases));
    let _ = writeln!(out, "  related: {}", join_or_dash(&vulnerability.related));
    let shown = match &vulnerability.shown_severity {
        Some(severity) => describe_severity(severity),
        None => "no score".to_owned(),
    };
    let _ = writeln!(out, "  severity: {shown}");

    for entry in &vulnerability.kev {
        let _ = writeln!(
            out,
            "  known exploited (CISA KEV): added {}, due {}, ransomware use: {}",
            entry.date_added,
            entry
                .due_date
                .map_or_else(|| "-".to_owned(), |date| date.to_string()),
            entry
                .known_ransomware_use
                .map_or("not stated", RansomwareUse::as_str),
        );
    }
    for score in &vulnerability.epss {
        let _ = writeln!(
            out,
            "  EPSS {}: {:.5} (percentile {:.5}) on {}, model {}",
            score.cve_id,
            score.score,
            score.percentile,
            score
                .date
                .map_or_else(|| "unknown date".to_owned(), |date| date.to_string()),
            score.model_version.as_deref().unwrap_or("unknown"),
        );
    }
    for entry in &vulnerability.ssvc {
        let decision = &entry.decision;
        let _ = writeln!(
            out,
            "  SSVC ({}, {}): exploitation {}, automatable {}, technical impact {}",
            decision.provider,
            entry.cve_id,
            decision.exploitation.as_deref().unwrap_or("-"),
            decision.automatable.as_deref().unwrap_or("-"),
            decision.technical_impact.as_deref().unwrap_or("-"),
        );
    }
    if !vulnerability.weaknesses.is_empty() {
        let weaknesses: Vec<String> = vulnerability
            .weaknesses
            .iter()
            .map(|weakness| format!("{} ({})", weakness.cwe, weakness.provider))
            .collect();
        let _ = writeln!(out, "  weaknesses: {}", weaknesses.join(", "));
    }
}

fn render_sources(out: &mut String, vulnerability: &Vulnerability) {
    let mut rows = vec![row(&[
        "RECORD", "SOURCE", "FORMAT", "RELATION", "MODIFIED", "STATE",
    ])];
    for record in &vulnerability.records {
        let state = if record.withdrawn.is_some() {
            "withdrawn".to_owned()
        } else if record.rejected {
            "rejected".to_owned()
        } else {
            record.state.clone().unwrap_or_else(|| "-".to_owned())
        };
        rows.push(vec![
            record.id.clone(),
            record.source.clone(),
            record.format.clone(),
            record.relation.clone(),
            record.modified.map_or_else(
                || "-".to_owned(),
                |time| time.format("%Y-%m-%d").to_string(),
            ),
            state,
        ]);
    }
    section(out, "Sources", &rows);
}

fn render_scores(out: &mut String, vulnerability: &Vulnerability) {
    if vulnerability.severities.is_empty() {
        let _ = writeln!(out, "\nScores: none stated by any source (no score)");
        return;
    }
    let mut rows = vec![row(&[
        "SOURCE", "TIER", "RECORD", "CVSS", "SCORE", "RATING", "STATED", "VECTOR",
    ])];
    for severity in &vulnerability.severities {
        let score = match (severity.score, &severity.score_kind) {
            (Some(score), Some(kind)) => format!("{score:.1} {kind}"),
            _ => "-".to_owned(),
        };
        let mut source = severity.source.clone();
        if let Some((ecosystem, name)) = &severity.package {
            let _ = write!(source, " [{ecosystem} {name}]");
        }
        rows.push(vec![
            source,
            severity.tier.as_str().to_owned(),
            severity.record.clone(),
            severity.version.clone().unwrap_or_else(|| "-".to_owned()),
            score,
            severity.rating.clone(),
            severity
                .stated_score
                .map_or_else(|| "-".to_owned(), |score| format!("{score:.1}")),
            severity.value.clone(),
        ]);
    }
    section(out, "Scores", &rows);
}

fn render_affected(out: &mut String, vulnerability: &Vulnerability) {
    if vulnerability.affected.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAffected packages");
    for package in &vulnerability.affected {
        let _ = writeln!(
            out,
            "  affected: {} {}: {} (record {}, {}{}; severity {})",
            package.ecosystem,
            package.package,
            describe_ranges(package),
            package.record,
            package.source,
            if package.withdrawn { ", withdrawn" } else { "" },
            package
                .shown_severity
                .as_ref()
                .map_or_else(|| "no score".to_owned(), describe_severity),
        );
    }
}

fn render_cpe(out: &mut String, vulnerability: &Vulnerability) {
    let Some(cpe) = &vulnerability.cpe_configurations else {
        return;
    };
    let _ = writeln!(
        out,
        "\nCPE configurations ({}): {}",
        cpe.origin,
        cpe.configurations.len()
    );
    for configuration in &cpe.configurations {
        for node in &configuration.nodes {
            for cpe_match in node.cpe_match.iter().filter(|item| item.vulnerable) {
                let mut bounds = Vec::new();
                let pairs = [
                    (">=", &cpe_match.version_start_including),
                    (">", &cpe_match.version_start_excluding),
                    ("<=", &cpe_match.version_end_including),
                    ("<", &cpe_match.version_end_excluding),
                ];
                for (operator, bound) in pairs {
                    if let Some(bound) = bound {
                        bounds.push(format!("{operator} {bound}"));
                    }
                }
                let _ = writeln!(
                    out,
                    "  vulnerable: {} {}",
                    cpe_match.criteria,
                    bounds.join(", ")
                );
            }
        }
    }
}

fn render_references(out: &mut String, vulnerability: &Vulnerability) {
    if vulnerability.references.is_empty() {
        return;
    }
    let mut rows = vec![row(&["URL", "KINDS", "SOURCES"])];
    for reference in &vulnerability.references {
        rows.push(vec![
            reference.url.clone(),
            join_or_dash(reference.kinds.iter()),
            join_or_dash(reference.sources.iter()),
        ]);
    }
    section(out, "References", &rows);
}

/// Writes a titled table with columns padded to their widest cell.
fn section(out: &mut String, title: &str, rows: &[Vec<String>]) {
    let _ = writeln!(out, "\n{title}");
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .map(|row| row.get(column).map_or(0, |cell| cell.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::from(" ");
        for (column, cell) in row.iter().enumerate() {
            let _ = write!(line, " {cell:<width$}", width = widths[column]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| (*cell).to_owned()).collect()
}

fn describe_severity(severity: &ScoredSeverity) -> String {
    let tier = severity.tier.as_str();
    match (severity.score, &severity.version) {
        (Some(score), Some(version)) => format!(
            "{} {score:.1} (CVSS {version} {}, from {}, {tier})",
            severity.rating,
            severity.score_kind.as_deref().unwrap_or("base"),
            severity.source
        ),
        _ => format!(
            "{} ({} `{}`, from {}, {tier})",
            severity.rating, severity.kind, severity.value, severity.source
        ),
    }
}

/// Lists the range events of an affected entry (`introduced 0, fixed 1.2-1`).
fn describe_ranges(package: &AffectedPackage) -> String {
    let mut events = Vec::new();
    for range in package.ranges.as_array().into_iter().flatten() {
        for event in range["events"].as_array().into_iter().flatten() {
            if let Some((kind, version)) = event.as_object().and_then(|object| object.iter().next())
            {
                events.push(format!("{kind} {}", version.as_str().unwrap_or_default()));
            }
        }
    }
    match (events.is_empty(), package.versions) {
        (true, 0) => "no ranges".to_owned(),
        (true, count) => format!("{count} versions listed"),
        (false, 0) => events.join(", "),
        (false, count) => format!("{}; {count} versions listed", events.join(", ")),
    }
}

fn join_or_dash<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> String {
    let items: Vec<String> = items
        .into_iter()
        .map(|item| item.as_ref().to_owned())
        .collect();
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(", ")
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_ids() {
        let cases: [(&str, &[&str]); 4] = [
            ("CVE-2024-3094", &["CVE-2024-3094"]),
            ("cve-2024-3094", &["cve-2024-3094", "CVE-2024-3094"]),
            (
                "ghsa-JFH8-c2jp-5v3q",
                &[
                    "ghsa-JFH8-c2jp-5v3q",
                    "GHSA-JFH8-C2JP-5V3Q",
                    "GHSA-jfh8-c2jp-5v3q",
                ],
            ),
            ("dsa-5678-1", &["dsa-5678-1", "DSA-5678-1"]),
        ];
        for (id, expected) in cases {
            assert_eq!(spellings(id), expected, "case {id}");
        }
    }

    #[test]
    fn section_pads_columns() {
        let mut out = String::new();
        let rows = vec![row(&["A", "LONG"]), row(&["wide cell", "x"])];
        section(&mut out, "Title", &rows);
        assert_eq!(out, "\nTitle\n  A         LONG\n  wide cell x\n");
    }

    #[test]
    fn ranges_and_versions_described() {
        let package = AffectedPackage {
            ecosystem: "PyPI".to_owned(),
            release: None,
            package: "widget".to_owned(),
            record: "GHSA-x".to_owned(),
            source: "osv:PyPI".to_owned(),
            withdrawn: false,
            ranges: serde_json::json!([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]),
            versions: 3,
            shown_severity: None,
        };
        assert_eq!(
            describe_ranges(&package),
            "introduced 0, fixed 1.2; 3 versions listed"
        );
    }
}
