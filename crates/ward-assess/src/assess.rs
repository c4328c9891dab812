//! Matching the software of an inventory against the advisories of an [`Intel`] source.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use tracing::{debug, instrument, warn};
use ward_intel::{Advisory, Affected, Intel};
use ward_inventory::{DiagnosticLevel, Inventory};
use ward_version::range::{self, Event, Verdict};
use ward_version::Scheme;

use crate::coverage::Coverage;
use crate::cve_severity;
use crate::identity::{self, RecordGroup};
use crate::merge::{merge_group, GroupOutcome, RecordEvaluation};
use crate::module;
use crate::select::{self, Selection};
use crate::{
    Assessment, Component, Diagnostic, EvidenceOutcome, InstalledPackage, NotAssessed,
    NotAssessedReason, ORIGIN_UNKNOWN,
};

/// Assesses every software row of `inventory` that has an advisory namespace.
///
/// Each row is first given the package name and version its namespace's advisories use
/// (the `select` module), or set aside with a reason: a language package installed by an OS
/// package, or a third-party build of a Debian package. Rows are then grouped into
/// [`Component`]s by (ecosystem, advisory package, advisory version), so the binary packages
/// built from one Debian source package are evaluated once, and advisories are looked up
/// once per (ecosystem, advisory package). Every `affected[]` entry of every record is
/// evaluated with [`range::evaluate`]; the records of one vulnerability are merged as the
/// `identity` module describes, into one [`Finding`] per (component, vulnerability) that is
/// affected or unknown. Each finding then gets the NVD and CVE JSON 5 severities of its
/// CVE ids ([`Intel::cve_severities`], one look-up per distinct CVE). A namespace for which
/// the intel source has no data gets a device-level warning (the `coverage` module).
///
/// Never fails: a lookup failure, an ecosystem without a version scheme or an unparsable
/// version becomes a [`Diagnostic`] (and, where records exist, an `unknown` finding).
///
/// [`Finding`]: crate::Finding
#[instrument(skip_all, fields(software = inventory.software.len()))]
pub fn assess(inventory: &Inventory, intel: &dyn Intel) -> Assessment {
    let mut assessment = Assessment::default();
    assessment.stats.software_total = inventory.software.len();

    let components = group_components(inventory, &mut assessment);
    assessment.stats.components = components.len();

    // One lookup per (ecosystem, advisory package); its records are dropped before the next
    // package's are read, so memory stays at one package's advisories.
    let mut schemeless_ecosystems: HashMap<String, usize> = HashMap::new();
    let mut coverage = Coverage::default();
    let mut origin_unknown: Vec<(String, usize)> = Vec::new();
    for same_package in group_by_package(&components) {
        let first = &components[same_package[0]];
        let rows: usize = same_package
            .iter()
            .map(|&i| components[i].packages.len())
            .sum();
        let scheme = Scheme::from_osv_ecosystem(&first.ecosystem);
        if scheme.is_none() {
            *schemeless_ecosystems
                .entry(first.ecosystem.clone())
                .or_default() += rows;
        }

        let Some(advisories) = look_up(intel, first, &mut assessment.diagnostics) else {
            continue;
        };
        coverage.add(&first.ecosystem, rows, advisories.len());
        for &index in &same_package {
            let component = confirm_origin(&components[index], &advisories);
            if component.origin_unknown.is_some() {
                origin_unknown.push((component.ecosystem.clone(), component.packages.len()));
            }
            assess_component(&component, scheme, &advisories, &mut assessment);
        }
    }
    report_origin_unknown(&origin_unknown, &mut assessment.diagnostics);

    cve_severity::attach_cve_severities(
        &mut assessment.findings,
        intel,
        &mut assessment.diagnostics,
    );

    let without_data = coverage.report(intel, &mut assessment.diagnostics);
    let rows_without_data: usize = without_data.values().sum();
    assessment.stats.software_assessed = assessment
        .stats
        .software_assessed
        .saturating_sub(rows_without_data);
    assessment
        .stats
        .software_without_advisory_data
        .extend(without_data);
    let mut schemeless: Vec<_> = schemeless_ecosystems.into_iter().collect();
    schemeless.sort();
    for (ecosystem, packages) in schemeless {
        assessment.diagnostics.push(Diagnostic::new(
            DiagnosticLevel::Warning,
            Some(&ecosystem),
            None,
            format!(
                "{}, so {packages} package(s) in it are reported as unknown wherever \
                 advisories exist",
                missing_scheme_message(&ecosystem)
            ),
        ));
    }

    assessment
}

/// Builds the message for an ecosystem without a version scheme, naming the scheme when
/// ward has a name for it.
fn missing_scheme_message(ecosystem: &str) -> String {
    let scheme = match crate::select::base_ecosystem(ecosystem) {
        "Go" => Some("Go module (`go`)"),
        "Arch Linux" => Some("pacman (`alpm`)"),
        "Packagist" => Some("Composer (`packagist`)"),
        _ => None,
    };
    match scheme {
        Some(scheme) => format!(
            "the {scheme} version scheme that ecosystem `{ecosystem}` needs is not available in \
             this build of ward"
        ),
        None => format!("ward has no version scheme for ecosystem `{ecosystem}`"),
    }
}

/// Package types of operating-system package managers.
const OS_PACKAGE_TYPES: &[&str] = &["deb", "rpm", "apk", "alpm", "opkg"];

/// Returns the inventory's operating system name for messages (`CentOS Linux 6`), or a
/// phrase for an unidentified one.
fn os_label(inventory: &Inventory) -> String {
    match &inventory.device.os {
        Some(os) => os.pretty_name.clone().unwrap_or_else(|| {
            let version = os.version_id.as_deref().unwrap_or_default();
            format!("{} {version}", os.id).trim_end().to_owned()
        }),
        None => "an unidentified operating system".to_owned(),
    }
}

/// Groups the rows to match into components, in inventory order; records the rows set
/// aside and counts rows without an advisory namespace.
fn group_components(inventory: &Inventory, assessment: &mut Assessment) -> Vec<Component> {
    let software = &inventory.software;
    let mut components: Vec<Component> = Vec::new();
    let mut index_of: HashMap<(String, String, String), usize> = HashMap::new();
    let mut without_ecosystem: HashMap<&str, usize> = HashMap::new();

    for row in software {
        let target = match select::select(row) {
            Selection::Assess(target) => target,
            Selection::Skip(skipped) => {
                match skipped.reason {
                    NotAssessedReason::OsOwned => assessment.stats.software_os_owned += 1,
                    NotAssessedReason::ThirdPartyBuild => {
                        assessment.stats.software_third_party += 1;
                    }
                }
                assessment.not_assessed.push(skipped);
                continue;
            }
            Selection::NoEcosystem => {
                *without_ecosystem
                    .entry(row.package_type.as_str())
                    .or_default() += 1;
                continue;
            }
        };
        assessment.stats.software_assessed += 1;

        let key = (
            target.ecosystem.to_owned(),
            target.package.as_ref().to_owned(),
            target.version.to_owned(),
        );
        let index = *index_of.entry(key).or_insert_with(|| {
            components.push(Component {
                ecosystem: target.ecosystem.to_owned(),
                advisory_package: target.package.as_ref().to_owned(),
                advisory_version: target.version.to_owned(),
                packages: Vec::new(),
                keyed_by: target.keyed_by,
                origin_unknown: None,
                module_stream: target.module_stream.clone(),
            });
            components.len() - 1
        });
        let component = &mut components[index];
        component.packages.push(InstalledPackage {
            name: row.name.clone(),
            version: row.version.clone(),
            architecture: row.architecture.clone(),
            path: row.path.clone(),
        });
        if let Some(doubt) = target.origin_doubt {
            match &mut component.origin_unknown {
                Some(reasons) => {
                    reasons.push_str("; ");
                    reasons.push_str(&doubt);
                }
                None => component.origin_unknown = Some(doubt),
            }
        }
    }

    let mut without: Vec<_> = without_ecosystem.into_iter().collect();
    without.sort();
    for (package_type, count) in without {
        assessment.stats.software_without_ecosystem += count;
        // OS packages without a namespace mean that their release has no advisory data at
        // all (CentOS 6, SLES). They count as such, so a scan of that release does not read
        // as a clean pass and `--fail-on` reports it as not checked.
        if OS_PACKAGE_TYPES.contains(&package_type) {
            let release = os_label(inventory);
            *assessment
                .stats
                .software_without_advisory_data
                .entry(format!("{release} ({package_type})"))
                .or_default() += count;
            assessment.diagnostics.push(Diagnostic::new(
                DiagnosticLevel::Warning,
                None,
                None,
                format!(
                    "{count} `{package_type}` package(s) of {release} were not assessed: ward \
                     knows no advisory source for this release"
                ),
            ));
            continue;
        }
        assessment.diagnostics.push(Diagnostic::new(
            DiagnosticLevel::Info,
            None,
            None,
            format!(
                "{count} package(s) of type `{package_type}` have no advisory namespace and \
                 were not assessed"
            ),
        ));
    }
    report_not_assessed(&assessment.not_assessed, &mut assessment.diagnostics);

    components
}

/// Returns `component` without its origin doubt when its version appears in the
/// distribution's records of the package (`versions[]` or a range event). Such a version
/// was published by the distribution. Otherwise returns `component` unchanged.
fn confirm_origin<'a>(component: &'a Component, advisories: &[Advisory]) -> Cow<'a, Component> {
    if component.origin_unknown.is_none() {
        return Cow::Borrowed(component);
    }
    let version = component.advisory_version.as_str();
    let is_known = advisories
        .iter()
        .flat_map(|advisory| &advisory.affected)
        .filter(|entry| entry.ecosystem == component.ecosystem)
        .any(|entry| {
            entry.versions.iter().any(|listed| listed == version)
                || entry
                    .ranges
                    .iter()
                    .flat_map(|range| &range.events)
                    .any(|event| event_version(event) == version)
        });
    if !is_known {
        return Cow::Borrowed(component);
    }
    Cow::Owned(Component {
        origin_unknown: None,
        ..component.clone()
    })
}

fn event_version(event: &Event) -> &str {
    match event {
        Event::Introduced(version)
        | Event::Fixed(version)
        | Event::LastAffected(version)
        | Event::Limit(version) => version,
    }
}

/// Adds one warning per namespace counting the components of unknown origin, whose
/// findings are marked `origin_unknown`.
fn report_origin_unknown(components: &[(String, usize)], diagnostics: &mut Vec<Diagnostic>) {
    let mut per_namespace: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (ecosystem, packages) in components {
        let counts = per_namespace.entry(ecosystem).or_default();
        counts.0 += 1;
        counts.1 += packages;
    }
    for (ecosystem, (components, packages)) in per_namespace {
        diagnostics.push(
            // Info, not warning: on a root without APT lists most such packages are the
            // distribution's own builds of older versions, so a warning would be noise.
            Diagnostic::new(
                DiagnosticLevel::Info,
                Some(ecosystem),
                None,
                format!(
                    "{packages} package(s) in {components} source package(s) may be \
                     third-party builds: their maintainer has no Debian or Ubuntu address, no \
                     APT package list carries their version, and `{ecosystem}` records never \
                     name it. They were matched against `{ecosystem}` advisories and their \
                     findings are marked `origin_unknown`"
                ),
            )
            .with_code(ORIGIN_UNKNOWN),
        );
    }
}

/// Adds one diagnostic per (reason, namespace) of the rows set aside, naming a few of them.
fn report_not_assessed(not_assessed: &[NotAssessed], diagnostics: &mut Vec<Diagnostic>) {
    const NAMED: usize = 5;
    let mut groups: BTreeMap<(&str, &str), Vec<&NotAssessed>> = BTreeMap::new();
    for skipped in not_assessed {
        groups
            .entry((skipped.reason.as_str(), skipped.ecosystem.as_str()))
            .or_default()
            .push(skipped);
    }
    for ((_, ecosystem), rows) in groups {
        let mut names: Vec<String> = rows
            .iter()
            .take(NAMED)
            .map(|row| format!("{} {}", row.name, row.version))
            .collect();
        if rows.len() > NAMED {
            names.push(format!("{} more", rows.len() - NAMED));
        }
        let (level, message) = match rows[0].reason {
            NotAssessedReason::OsOwned => (
                DiagnosticLevel::Info,
                format!(
                    "{} `{ecosystem}` package(s) installed by OS packages were judged through \
                     the owning package's distribution advisories, not `{ecosystem}` ranges: {}",
                    rows.len(),
                    names.join(", ")
                ),
            ),
            NotAssessedReason::ThirdPartyBuild => (
                DiagnosticLevel::Warning,
                format!(
                    "{} package(s) are third-party builds, not `{ecosystem}`'s own, so they \
                     were not matched against `{ecosystem}` advisories and need their vendor's \
                     advisories: {}",
                    rows.len(),
                    names.join(", ")
                ),
            ),
        };
        diagnostics.push(Diagnostic::new(level, Some(ecosystem), None, message));
    }
}

/// Returns the indices of `components` grouped by (ecosystem, advisory package), groups in
/// the order of their first component.
fn group_by_package(components: &[Component]) -> Vec<Vec<usize>> {
    let mut index_of: HashMap<(&str, &str), usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, component) in components.iter().enumerate() {
        let key = (
            component.ecosystem.as_str(),
            component.advisory_package.as_str(),
        );
        let group = *index_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(index);
    }
    groups
}

/// Looks up the advisories of one (ecosystem, package); a failure becomes a diagnostic and
/// `None`.
fn look_up(
    intel: &dyn Intel,
    component: &Component,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Advisory>> {
    match intel.advisories_for(&component.ecosystem, &component.advisory_package) {
        Ok(advisories) => Some(advisories),
        Err(error) => {
            warn!(
                ecosystem = %component.ecosystem,
                package = %component.advisory_package,
                %error,
                "advisory lookup failed"
            );
            diagnostics.push(Diagnostic::new(
                DiagnosticLevel::Error,
                Some(&component.ecosystem),
                Some(&component.advisory_package),
                format!(
                    "advisory lookup failed, so the package was not assessed: {}",
                    error_chain(&error)
                ),
            ));
            None
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Evaluates every record of one component and adds its findings, stats and diagnostics.
fn assess_component(
    component: &Component,
    scheme: Option<Scheme>,
    advisories: &[Advisory],
    assessment: &mut Assessment,
) {
    // Records of another module stream (or of the base packages, for a module build)
    // describe other builds of the name and are left out, as other packages' are.
    let records: Vec<&Advisory> = advisories
        .iter()
        .filter(|advisory| advisory.withdrawn.is_none())
        .filter(|advisory| {
            advisory
                .affected
                .iter()
                .any(|entry| names_component(component, advisory, entry))
        })
        .collect();
    if records.is_empty() {
        return;
    }

    let installed_error = scheme.and_then(|scheme| scheme.parse(&component.advisory_version).err());
    if let Some(error) = &installed_error {
        assessment.diagnostics.push(Diagnostic::new(
            DiagnosticLevel::Warning,
            Some(&component.ecosystem),
            Some(&component.advisory_package),
            format!(
                "{error}, so {} advisory record(s) of `{}` are reported as unknown",
                records.len(),
                component.advisory_package
            ),
        ));
    }

    let evaluations: Vec<RecordEvaluation> = records
        .iter()
        .map(|record| evaluate_record(component, scheme, record))
        .collect();
    assessment.stats.records_evaluated += evaluations.len();

    // Record-level problems other than the installed version, reported once per record.
    if installed_error.is_none() {
        for evaluation in &evaluations {
            for entry in &evaluation.entries {
                if matches!(
                    entry.outcome,
                    EvidenceOutcome::Unknown | EvidenceOutcome::NotEvaluated
                ) {
                    let level = if entry.outcome == EvidenceOutcome::Unknown {
                        DiagnosticLevel::Warning
                    } else {
                        DiagnosticLevel::Info
                    };
                    assessment.diagnostics.push(
                        Diagnostic::new(
                            level,
                            Some(&component.ecosystem),
                            Some(&component.advisory_package),
                            entry.reason.clone().unwrap_or_default(),
                        )
                        .with_record(&evaluation.record.id),
                    );
                }
            }
        }
    }

    let groups = identity::group_records(&records);
    let outcomes: Vec<GroupOutcome> = groups
        .iter()
        .map(|group| GroupOutcome::of(group, &evaluations))
        .collect();

    let links = announcement_links(&groups);
    for (index, group) in groups.iter().enumerate() {
        if group.is_announcement {
            continue;
        }
        let announcements = &links[index];
        let finding = merge_group(
            component,
            scheme,
            group,
            &evaluations,
            announcements,
            &groups,
        );
        count_and_push(outcomes[index], finding, assessment);
    }

    // An announcement stands alone only when no finding of a vulnerability it lists took it.
    for (index, group) in groups.iter().enumerate() {
        if !group.is_announcement {
            continue;
        }
        let attached = links[index]
            .iter()
            .any(|&other| outcomes[other].is_finding());
        if attached {
            continue;
        }
        let finding = merge_group(component, scheme, group, &evaluations, &[], &groups);
        count_and_push(outcomes[index], finding, assessment);
    }
}

fn count_and_push(
    outcome: GroupOutcome,
    finding: Option<crate::Finding>,
    assessment: &mut Assessment,
) {
    let stats = &mut assessment.stats;
    match outcome {
        GroupOutcome::NotAffected => stats.not_affected += 1,
        GroupOutcome::NotEvaluated => stats.not_evaluated += 1,
        GroupOutcome::Unknown => stats.unknown += 1,
        GroupOutcome::Affected => {}
    }
    if let Some(finding) = finding {
        match finding.status {
            crate::FindingStatus::AffectedWithFix => stats.affected_with_fix += 1,
            crate::FindingStatus::AffectedNoFix => stats.affected_no_fix += 1,
            crate::FindingStatus::Unknown => {}
        }
        assessment.findings.push(finding);
    }
}

/// Returns, for each group, the indices (ascending) of the groups of the other kind that it
/// is linked to through `related`, in either direction: a vulnerability's announcements and
/// an announcement's vulnerabilities.
///
/// Built from an index of every group's ids, because comparing every pair of groups took
/// most of a Debian scan's time (Debian 12's `linux` has over a thousand groups).
fn announcement_links(groups: &[RecordGroup]) -> Vec<Vec<usize>> {
    let mut groups_of_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, group) in groups.iter().enumerate() {
        for id in std::iter::once(group.primary_id).chain(group.aliases.iter().copied()) {
            groups_of_id.entry(id).or_default().push(index);
        }
    }

    let mut links: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (index, group) in groups.iter().enumerate() {
        for id in &group.related {
            for &other in groups_of_id.get(id).into_iter().flatten() {
                if groups[other].is_announcement != group.is_announcement {
                    links[index].push(other);
                    links[other].push(index);
                }
            }
        }
    }
    for linked in &mut links {
        linked.sort_unstable();
        linked.dedup();
    }
    links
}

/// Returns whether `entry` of `record` describes the component: same ecosystem and package,
/// and for AlmaLinux and Rocky Linux the same kind of build (`module` rules).
fn names_component(component: &Component, record: &Advisory, entry: &Affected) -> bool {
    if entry.ecosystem != component.ecosystem
        || ward_intel::package_key(&entry.ecosystem, &entry.package) != component.advisory_package
    {
        return false;
    }
    if !module::has_module_streams(select::base_ecosystem(&component.ecosystem)) {
        return true;
    }
    let package_module = module::PackageModule {
        is_modular: component.module_stream.is_some()
            || module::is_modular_version(&component.advisory_version),
        stream: component.module_stream.as_deref(),
    };
    module::applies(package_module, record, entry)
}

/// Evaluates each `affected[]` entry of `record` that names the component.
fn evaluate_record<'a>(
    component: &Component,
    scheme: Option<Scheme>,
    record: &'a Advisory,
) -> RecordEvaluation<'a> {
    let mut evaluation = RecordEvaluation::new(record);
    for entry in &record.affected {
        if !names_component(component, record, entry) {
            continue;
        }
        let (verdict, method) = match scheme {
            Some(scheme) => (
                range::evaluate(
                    scheme,
                    &component.advisory_version,
                    &entry.ranges,
                    &entry.versions,
                ),
                "osv-range",
            ),
            None => (
                Verdict::Unknown {
                    reason: missing_scheme_message(&component.ecosystem),
                },
                "no-scheme",
            ),
        };
        debug!(
            record = %record.id,
            package = %component.advisory_package,
            version = %component.advisory_version,
            ?verdict,
            "evaluated affected entry"
        );
        evaluation.push(entry, verdict, method);
    }
    evaluation
}
