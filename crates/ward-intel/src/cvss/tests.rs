use super::*;

/// (vector, base, temporal, environmental) with the values of the FIRST calculators, taken
/// from the test vectors of Red Hat's `cvss` Python library
/// (RedHatProductSecurity/cvss, `tests/vectors_calculator2` and `vectors_calculator3`),
/// plus NVD's published scores for Heartbleed (CVE-2014-0160) and Log4Shell (CVE-2021-44228).
const V2_V3_CASES: &[(&str, f64, Option<f64>, Option<f64>)] = &[
    ("AV:A/AC:M/Au:S/C:N/I:N/A:P", 2.3, None, None),
    (
        "AV:A/AC:M/Au:N/C:C/I:N/A:P/E:POC/RL:W/RC:UC",
        6.4,
        Some(4.9),
        None,
    ),
    (
        "AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L",
        2.9,
        Some(2.3),
        Some(2.8),
    ),
    ("AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0, None, None),
    ("(AV:N/AC:L/Au:N/C:P/I:N/A:N)", 5.0, None, None),
    ("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, None, None),
    (
        "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
        3.8,
        Some(3.7),
        None,
    ),
    (
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
        9.3,
        Some(8.9),
        Some(9.5),
    ),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, None, None),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, None, None),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, None, None),
];

/// (vector, score, label): v4.0 values of the FIRST calculator, taken from Red Hat's
/// `cvss` library (`tests/vectors_threat4`, `vectors_security4`), which that calculator's
/// authors maintain.
const V4_CASES: &[(&str, f64, Nomenclature)] = &[
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        9.3,
        Nomenclature::CvssB,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A",
        7.3,
        Nomenclature::CvssBT,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P",
        5.9,
        Nomenclature::CvssBT,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U",
        4.1,
        Nomenclature::CvssBT,
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:U",
        0.0,
        Nomenclature::CvssBT,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L",
        7.1,
        Nomenclature::CvssBE,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M",
        5.5,
        Nomenclature::CvssBE,
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L",
        5.4,
        Nomenclature::CvssBE,
    ),
];

fn parse(vector: &str) -> CvssVector {
    match vector.parse::<CvssVector>() {
        Ok(parsed) => parsed,
        Err(error) => panic!("`{vector}` did not parse: {error}"),
    }
}

#[test]
fn v2_v3_scores_match_calculator() {
    for &(vector, base, temporal, environmental) in V2_V3_CASES {
        let score = parse(vector).score();
        assert_eq!(score.base, base, "base score of `{vector}`");
        assert_eq!(score.temporal, temporal, "temporal score of `{vector}`");
        assert_eq!(
            score.environmental, environmental,
            "environmental score of `{vector}`"
        );
    }
}

#[test]
fn v4_scores_match_calculator() {
    for &(vector, value, nomenclature) in V4_CASES {
        let score = parse(vector).score();
        assert_eq!(score.value, value, "score of `{vector}`");
        assert_eq!(
            score.kind,
            ScoreKind::V4(nomenclature),
            "label of `{vector}`"
        );
    }
}

#[test]
fn v4_base_score_ignores_threat_metrics() {
    let score =
        parse("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U").score();
    assert_eq!(score.base, 7.3);
    assert_eq!(score.value, 4.1);
}

#[test]
fn v4_not_defined_metrics_keep_base_label() {
    let score = parse(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/MAV:X/S:N/AU:Y",
    )
    .score();
    assert_eq!(score.kind, ScoreKind::V4(Nomenclature::CvssB));
    assert_eq!(score.value, 9.3);
    assert_eq!(score.base, 9.3);
}

#[test]
fn version_comes_from_prefix() {
    let cases = [
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", CvssVersion::V2_0),
        (
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            CvssVersion::V3_0,
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            CvssVersion::V3_1,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            CvssVersion::V4_0,
        ),
    ];
    for (vector, version) in cases {
        let parsed = parse(vector);
        assert_eq!(parsed.version(), version, "version of `{vector}`");
        assert_eq!(
            parsed.score().version,
            version,
            "score version of `{vector}`"
        );
    }
}

#[test]
fn v30_and_v31_round_differently() {
    // The v3.0 and v3.1 environmental equations differ (v3.1 changed the modified impact
    // with a changed scope and the rounding), so the same metrics give 7.6 and 7.7. Values
    // from Red Hat's `cvss` Python library 3.6, which follows FIRST's calculators.
    let metrics = "AV:A/AC:L/PR:N/UI:R/S:C/C:N/I:N/A:H/MAV:N/MAC:H/MPR:H/MUI:R/MS:C/MC:H/MI:H/MA:N/CR:M/IR:H/AR:H";
    let v30 = parse(&format!("CVSS:3.0/{metrics}")).score();
    let v31 = parse(&format!("CVSS:3.1/{metrics}")).score();
    assert_eq!(v30.version, CvssVersion::V3_0);
    assert_eq!(v31.version, CvssVersion::V3_1);
    assert_eq!(v30.base, 6.6, "v3.0 base");
    assert_eq!(v31.base, 6.6, "v3.1 base");
    assert_eq!(v30.environmental, Some(7.6), "v3.0 environmental");
    assert_eq!(v31.environmental, Some(7.7), "v3.1 environmental");
    assert_eq!(v31.kind, ScoreKind::Environmental);
}

#[test]
fn invalid_vectors_are_rejected() {
    let unsupported = [
        "",
        "CVSS:5.0/AV:N",
        "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "not a vector",
    ];
    for vector in unsupported {
        let result = vector.parse::<CvssVector>();
        assert!(
            matches!(result, Err(CvssError::UnsupportedVersion { .. })),
            "`{vector}` gave {result:?}"
        );
    }

    let missing = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H";
    let result = missing.parse::<CvssVector>();
    assert!(
        matches!(result, Err(CvssError::MissingMetric { metric: "A", .. })),
        "`{missing}` gave {result:?}"
    );

    let invalid = [
        "CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L",
        "AV:N/AC:L/Au:N/C:P/I:P",
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/FOO:BAR",
    ];
    for vector in invalid {
        let result = vector.parse::<CvssVector>();
        assert!(
            matches!(
                result,
                Err(CvssError::InvalidVector { .. } | CvssError::MissingMetric { .. })
            ),
            "`{vector}` gave {result:?}"
        );
    }
}

#[test]
fn huge_vector_is_rejected() {
    let vector = format!("CVSS:3.1/{}", "AV:N/".repeat(200_000));
    assert!(vector.parse::<CvssVector>().is_err());
}

#[test]
fn ratings_per_version() {
    let cases = [
        (CvssVersion::V2_0, Some(0.0), Rating::Low),
        (CvssVersion::V2_0, Some(3.9), Rating::Low),
        (CvssVersion::V2_0, Some(7.0), Rating::High),
        (CvssVersion::V2_0, Some(10.0), Rating::High),
        (CvssVersion::V3_0, Some(0.0), Rating::None),
        (CvssVersion::V3_1, Some(0.1), Rating::Low),
        (CvssVersion::V3_1, Some(4.0), Rating::Medium),
        (CvssVersion::V3_1, Some(8.9), Rating::High),
        (CvssVersion::V3_1, Some(9.0), Rating::Critical),
        (CvssVersion::V4_0, Some(9.3), Rating::Critical),
        (CvssVersion::V4_0, None, Rating::NoScore),
        (CvssVersion::V3_1, Some(f64::NAN), Rating::NoScore),
    ];
    for (version, score, rating) in cases {
        assert_eq!(
            Rating::from_score(version, score),
            rating,
            "{version} {score:?}"
        );
    }
}

#[test]
fn no_score_sorts_apart_from_none() {
    assert!(Rating::NoScore < Rating::None);
    assert_ne!(Rating::NoScore, Rating::None);
    assert_ne!(Rating::NoScore, Rating::Low);
}
