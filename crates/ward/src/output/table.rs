//! The terminal rendering of a scan: a header, the ranked recommendations and a summary.
//!
//! The text reads the same with and without colour: colour only emphasises words that are
//! already there (severity names, the KEV count, headings).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use owo_colors::{OwoColorize, Style};

use super::terminal::escape_controls;
use ward_risk::{Recommendation, RecommendationKind, SeverityLevel};

use super::ScanReport;

/// Number of package names shown per recommendation before `+N`.
const SHOWN_PACKAGES: usize = 3;

/// Options of the table rendering.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Whether to emit ANSI colour codes.
    pub color: bool,
    /// Maximum number of recommendations listed; `None` lists all.
    pub limit: Option<usize>,
}

/// Renders `report` as the terminal table.
pub fn render(report: &ScanReport, options: TableOptions) -> String {
    let mut out = String::new();
    let paint = Painter {
        color: options.color,
    };

    write_header(&mut out, report, paint);

    if !report.database.available {
        let _ = writeln!(
            out,
            "\n{}",
            paint.apply(
                "No vulnerability data: the packages were not matched against advisories.",
                Style::new().yellow().bold()
            )
        );
        write_fail_on(&mut out, report);
        return out;
    }

    write_without_data(&mut out, report, paint);
    write_recommendations(&mut out, report, options, paint);
    write_summary(&mut out, report, paint);
    write_fail_on(&mut out, report);
    out
}

/// Writes one line per namespace the database has no advisory data for, so that an empty
/// recommendation list is not read as "nothing affected".
fn write_without_data(out: &mut String, report: &ScanReport, paint: Painter) {
    let without_data = &report.summary.stats.software_without_advisory_data;
    if without_data.is_empty() {
        return;
    }
    let _ = writeln!(out);
    for (ecosystem, rows) in without_data {
        let _ = writeln!(
            out,
            "{}",
            paint.apply(
                &escape_controls(
                    &format!("{rows} packages not assessed: no advisory data for {ecosystem}."),
                    false
                ),
                Style::new().yellow().bold()
            )
        );
    }
}

/// Writes the `--fail-on` outcome and the exit code it gives.
fn write_fail_on(out: &mut String, report: &ScanReport) {
    let Some(fail_on) = &report.fail_on else {
        return;
    };
    let threshold = fail_on.threshold.as_str();
    let unchecked = if !report.database.available {
        Some("no vulnerability data".to_owned())
    } else if report.inventory.software_count == 0 {
        Some("no packages found".to_owned())
    } else {
        let without_data = &report.summary.stats.software_without_advisory_data;
        let rows: usize = without_data.values().sum();
        (rows > 0).then(|| format!("{rows} packages not assessed"))
    };
    let line = match unchecked {
        Some(reason) => format!("--fail-on {threshold} not checked ({reason}): exit code 2"),
        None if fail_on.findings_at_or_above > 0 => format!(
            "{} findings at or above {threshold}: exit code 1",
            fail_on.findings_at_or_above
        ),
        None => format!("No findings at or above {threshold}: exit code 0"),
    };
    let _ = writeln!(out, "\n{line}");
}

fn write_header(out: &mut String, report: &ScanReport, paint: Painter) {
    let device = &report.device;
    let host = device.hostname.as_deref().unwrap_or("unknown host");
    let os = device
        .os
        .as_ref()
        .and_then(|os| os.pretty_name.clone().or_else(|| os.name.clone()))
        .unwrap_or_else(|| "unknown OS".to_owned());
    let _ = writeln!(
        out,
        "{} {} ({})",
        paint.apply("ward scan:", Style::new().bold()),
        escape_controls(host, false),
        escape_controls(&os, false)
    );

    let ecosystems: Vec<String> = report
        .inventory
        .ecosystems
        .iter()
        .map(|(ecosystem, count)| format!("{ecosystem} {count}"))
        .collect();
    let ecosystems = if ecosystems.is_empty() {
        "none".to_owned()
    } else {
        ecosystems.join(", ")
    };
    let _ = writeln!(
        out,
        "packages: {} ({})",
        report.inventory.software_count,
        escape_controls(&ecosystems, false)
    );

    let sources = source_summary(&report.database.sources);
    let line = format!(
        "intel database: {}{}",
        report.database.path,
        if sources.is_empty() {
            String::new()
        } else {
            format!(" ({})", sources.join(", "))
        }
    );
    let _ = writeln!(out, "{}", escape_controls(&line, false));
}

/// Lists the database's sources with their snapshot dates. Families of more than
/// `LISTED_PER_FAMILY` sources (`alpine-secdb:v3.19/main`, one per Alpine branch) become
/// one item with their count and newest snapshot, so a full database fits on one line.
fn source_summary(sources: &[ward_intel::SourceInfo]) -> Vec<String> {
    const LISTED_PER_FAMILY: usize = 3;
    let family = |name: &str| {
        name.split_once(':')
            .map_or(name, |(family, _)| family)
            .to_owned()
    };
    let mut per_family: BTreeMap<String, Vec<&ward_intel::SourceInfo>> = BTreeMap::new();
    for source in sources {
        per_family
            .entry(family(&source.name))
            .or_default()
            .push(source);
    }

    let mut items = Vec::new();
    let mut summarised = BTreeSet::new();
    for source in sources {
        let name = family(&source.name);
        let members = &per_family[&name];
        if members.len() <= LISTED_PER_FAMILY {
            items.push(match source.snapshot_at {
                Some(at) => format!("{} {}", source.name, at.format("%Y-%m-%d")),
                None => source.name.clone(),
            });
        } else if summarised.insert(name.clone()) {
            let newest = members.iter().filter_map(|member| member.snapshot_at).max();
            items.push(match newest {
                Some(at) => format!(
                    "{name} ({} sources, newest {})",
                    members.len(),
                    at.format("%Y-%m-%d")
                ),
                None => format!("{name} ({} sources)", members.len()),
            });
        }
    }
    items
}

fn write_recommendations(
    out: &mut String,
    report: &ScanReport,
    options: TableOptions,
    paint: Painter,
) {
    let _ = writeln!(out);
    if report.recommendations.is_empty() {
        if !report
            .summary
            .stats
            .software_without_advisory_data
            .is_empty()
        {
            let _ = writeln!(
                out,
                "No recommendations for the packages assessed: none is affected."
            );
            return;
        }
        if report.inventory.software_count == 0 {
            let _ = writeln!(
                out,
                "{}",
                paint.apply(
                    "No packages found: nothing was assessed. Check `--root` and the \
                     inventory's diagnostics.",
                    Style::new().yellow().bold()
                )
            );
            return;
        }
        let _ = writeln!(
            out,
            "{}",
            paint.apply(
                "No recommendations: no affected package found.",
                Style::new().green()
            )
        );
        return;
    }

    let total = report.recommendations.len();
    let shown = options.limit.map_or(total, |limit| limit.min(total));
    let _ = writeln!(
        out,
        "{}",
        paint.apply("RECOMMENDATIONS", Style::new().bold())
    );

    let header = [
        "#",
        "ACTION",
        "PACKAGES",
        "VULNS",
        "KEV",
        "MAX EPSS",
        "MAX SEVERITY",
        "MOST URGENT",
    ];
    let rows: Vec<[Cell; 8]> = report.recommendations[..shown]
        .iter()
        .map(recommendation_row)
        .collect();

    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.text.chars().count());
        }
    }

    let header_cells = header.map(|text| Cell::new(text, Style::new().bold()));
    write_row(out, &header_cells, &widths, paint);
    for row in &rows {
        write_row(out, row, &widths, paint);
    }
    if shown < total {
        let _ = writeln!(
            out,
            "  … {} more (remove `--limit` to list all)",
            total - shown
        );
    }
}

/// One table cell: its plain text and the style applied after padding.
struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    fn new(text: impl Into<String>, style: Style) -> Self {
        let text = text.into();
        Self {
            text: escape_controls(&text, false).into_owned(),
            style,
        }
    }

    fn plain(text: impl Into<String>) -> Self {
        Self::new(text, Style::new())
    }
}

fn recommendation_row(recommendation: &Recommendation) -> [Cell; 8] {
    let package = ward_risk::package_label(recommendation);
    let action = match (recommendation.kind, &recommendation.target_version) {
        (RecommendationKind::Upgrade, Some(target)) => format!("upgrade {package} to {target}"),
        (RecommendationKind::Review, _) => format!("review {package}"),
        (RecommendationKind::Upgrade | RecommendationKind::NoFixYet, _) => {
            format!("no fix yet: {package}")
        }
    };
    let action_style = match recommendation.kind {
        RecommendationKind::Upgrade => Style::new().green(),
        RecommendationKind::NoFixYet => Style::new(),
        RecommendationKind::Review => Style::new().yellow(),
    };

    let mut packages = recommendation
        .packages
        .iter()
        .take(SHOWN_PACKAGES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if recommendation.packages.len() > SHOWN_PACKAGES {
        let _ = write!(
            packages,
            " +{}",
            recommendation.packages.len() - SHOWN_PACKAGES
        );
    }

    let kev_style = if recommendation.known_exploited > 0 {
        Style::new().red().bold()
    } else {
        Style::new()
    };
    let epss = recommendation
        .max_epss
        .map_or_else(|| "-".to_owned(), |score| format!("{score:.5}"));
    let most_urgent = recommendation
        .vulnerabilities
        .first()
        .cloned()
        .unwrap_or_default();

    [
        Cell::plain(recommendation.rank.to_string()),
        Cell::new(action, action_style),
        Cell::plain(packages),
        Cell::plain(recommendation.vulnerabilities.len().to_string()),
        Cell::new(recommendation.known_exploited.to_string(), kev_style),
        Cell::plain(epss),
        Cell::new(
            recommendation.max_severity.as_str(),
            severity_style(recommendation.max_severity),
        ),
        Cell::plain(most_urgent),
    ]
}

fn write_row(out: &mut String, cells: &[Cell], widths: &[usize], paint: Painter) {
    let mut line = String::from(" ");
    for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let is_last = index + 1 == cells.len();
        // Pad before colouring, so escape codes never count towards the width.
        let padded = if is_last {
            cell.text.clone()
        } else {
            format!("{:<width$}", cell.text, width = *width)
        };
        line.push(' ');
        line.push_str(&paint.apply(&padded, cell.style));
        if !is_last {
            line.push(' ');
        }
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

fn write_summary(out: &mut String, report: &ScanReport, paint: Painter) {
    let stats = &report.summary.stats;
    let _ = writeln!(out, "\n{}", paint.apply("FINDINGS", Style::new().bold()));

    let lines = [
        ("affected, fix available", stats.affected_with_fix),
        ("affected, no fix yet", stats.affected_no_fix),
        ("unknown (not evaluated)", stats.unknown),
        ("known exploited (CISA KEV)", report.summary.known_exploited),
        ("not affected", stats.not_affected),
    ];
    for (label, count) in lines {
        let _ = writeln!(out, "  {label:<28} {count}");
    }

    let by_severity: Vec<String> = [
        SeverityLevel::Critical,
        SeverityLevel::High,
        SeverityLevel::Medium,
        SeverityLevel::Low,
        SeverityLevel::None,
        SeverityLevel::NoScore,
    ]
    .iter()
    .map(|level| {
        let count = report.summary.by_severity.get(level).copied().unwrap_or(0);
        format!(
            "{} {count}",
            paint.apply(level.as_str(), severity_style(*level))
        )
    })
    .collect();
    let _ = writeln!(out, "  {:<28} {}", "by severity", by_severity.join(", "));

    let _ = writeln!(
        out,
        "\n{} of {} packages assessed as {} components against {} advisory records.",
        stats.software_assessed, stats.software_total, stats.components, stats.records_evaluated
    );
    if stats.software_os_owned > 0 {
        let _ = writeln!(
            out,
            "{} language packages installed by OS packages were judged through those packages.",
            stats.software_os_owned
        );
    }
    if stats.software_third_party > 0 {
        let _ = writeln!(
            out,
            "{} third-party builds of distribution packages were not matched (see `not_assessed` in `--format json`).",
            stats.software_third_party
        );
    }
}

fn severity_style(level: SeverityLevel) -> Style {
    match level {
        SeverityLevel::Critical => Style::new().red().bold(),
        SeverityLevel::High => Style::new().red(),
        SeverityLevel::Medium => Style::new().yellow(),
        SeverityLevel::Low => Style::new().cyan(),
        SeverityLevel::None | SeverityLevel::NoScore => Style::new().dimmed(),
    }
}

/// Applies styles only when colour is on.
#[derive(Debug, Clone, Copy)]
struct Painter {
    color: bool,
}

impl Painter {
    fn apply(self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn source(name: &str, day: u32) -> ward_intel::SourceInfo {
        ward_intel::SourceInfo {
            name: name.to_owned(),
            format: "osv".to_owned(),
            origin: String::new(),
            snapshot_at: Utc.with_ymd_and_hms(2025, 2, day, 0, 0, 0).single(),
            feed_version: None,
            imported_at: Utc::now(),
            record_count: 1,
            skipped_count: 0,
            etag: None,
            last_modified: None,
        }
    }

    #[test]
    fn source_summary_groups_large_families() {
        let sources = [
            source("alpine-secdb:v3.19/main", 3),
            source("kev", 4),
            source("alpine-secdb:v3.20/main", 9),
            source("alpine-secdb:v3.21/main", 5),
            source("alpine-secdb:edge/main", 7),
            source("osv:Debian", 12),
            source("osv:PyPI", 15),
        ];
        assert_eq!(
            source_summary(&sources),
            [
                "alpine-secdb (4 sources, newest 2025-02-09)",
                "kev 2025-02-04",
                "osv:Debian 2025-02-12",
                "osv:PyPI 2025-02-15",
            ]
        );
    }
}
