//! CVSS v4.0 scores and their nomenclature.

use std::fmt;

use super::{CvssScore, CvssVersion, ScoreKind};

/// The metric groups a CVSS v4.0 score was computed from, as the v4.0 specification,
/// section 1.3, names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nomenclature {
    /// `CVSS-B`: base metrics only.
    CvssB,
    /// `CVSS-BT`: base and threat metrics.
    CvssBT,
    /// `CVSS-BE`: base and environmental metrics.
    CvssBE,
    /// `CVSS-BTE`: base, threat and environmental metrics.
    CvssBTE,
}

impl Nomenclature {
    /// Returns the label as the specification writes it (`CVSS-BT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::CvssB => "CVSS-B",
            Nomenclature::CvssBT => "CVSS-BT",
            Nomenclature::CvssBE => "CVSS-BE",
            Nomenclature::CvssBTE => "CVSS-BTE",
        }
    }
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const BASE_METRICS: [&str; 11] = [
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];
const THREAT_METRICS: [&str; 1] = ["E"];
const ENVIRONMENTAL_METRICS: [&str; 14] = [
    "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
];

/// Scores a parsed v4.0 vector; `raw` is the text it was parsed from.
pub(super) fn score(raw: &str, vector: &::cvss::v4::Vector) -> CvssScore {
    let nomenclature = nomenclature(raw);
    let value = vector.score().value();

    // The CVSS-B score is the one of the base metrics alone. The crate keeps its metric
    // fields private, so the base-only vector is rebuilt from the text and parsed again.
    let base = if nomenclature == Nomenclature::CvssB {
        value
    } else {
        base_only(raw)
            .parse::<::cvss::v4::Vector>()
            .map(|base| base.score().value())
            .unwrap_or(value)
    };

    CvssScore {
        version: CvssVersion::V4_0,
        base,
        temporal: None,
        environmental: None,
        value,
        kind: ScoreKind::V4(nomenclature),
    }
}

/// Returns the label of a v4.0 vector: a group counts only when one of its metrics is set
/// to a value other than `X` (Not Defined), which scores the same as leaving it out.
///
/// Written here because the `cvss` crate (3.0) counts `E:X` as a threat metric and would
/// label a base-only vector CVSS-BT.
pub(super) fn nomenclature(raw: &str) -> Nomenclature {
    let has_threat = any_defined(raw, &THREAT_METRICS);
    let has_environmental = any_defined(raw, &ENVIRONMENTAL_METRICS);
    match (has_threat, has_environmental) {
        (false, false) => Nomenclature::CvssB,
        (true, false) => Nomenclature::CvssBT,
        (false, true) => Nomenclature::CvssBE,
        (true, true) => Nomenclature::CvssBTE,
    }
}

fn components(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    raw.split('/')
        .skip(1)
        .filter_map(|component| component.split_once(':'))
}

fn any_defined(raw: &str, names: &[&str]) -> bool {
    components(raw).any(|(name, value)| {
        names.iter().any(|wanted| wanted.eq_ignore_ascii_case(name))
            && !value.eq_ignore_ascii_case("X")
    })
}

fn base_only(raw: &str) -> String {
    let mut text = String::from("CVSS:4.0");
    for (name, value) in components(raw) {
        if BASE_METRICS
            .iter()
            .any(|wanted| wanted.eq_ignore_ascii_case(name))
        {
            text.push('/');
            text.push_str(name);
            text.push(':');
            text.push_str(value);
        }
    }
    text
}
