//! OSV's ordering vectors for NuGet, RubyGems, Packagist, Pub, CRAN and Hackage, generated
//! with each ecosystem's own implementation (composer, rubygems, R) or written by hand.

mod common;

use std::cmp::Ordering;

use ward_version::Scheme;

/// Maps a vector file to its scheme by the ecosystem in its name.
fn scheme_for(file_name: &str) -> Scheme {
    let schemes = [
        ("-cran-", Scheme::Cran),
        ("-hackage-", Scheme::Hackage),
        ("-nuget-", Scheme::NuGet),
        ("-packagist-", Scheme::Packagist),
        ("-pub-", Scheme::Pub),
        ("-rubygems-", Scheme::RubyGems),
    ];
    match schemes.iter().find(|(part, _)| file_name.contains(part)) {
        Some(&(_, scheme)) => scheme,
        None => panic!("{file_name}: no scheme for this file"),
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn other_vectors_match_expected() {
    let mut checked = 0;
    let mut failures = Vec::new();

    for table in common::tables("other") {
        let file_name = table
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let scheme = scheme_for(&file_name);
        let (a, b, expected) = (
            table.column("a"),
            table.column("b"),
            table.column("expected"),
        );

        for (line, row) in &table.rows {
            let context = format!("{file_name}:{line}");
            let Some(expected) = common::parse_sign(&row[expected]) else {
                panic!("{context}: bad expected value {:?}", row[expected]);
            };
            checked += 1;
            let forward = scheme.compare(&row[a], &row[b]);
            let reverse = scheme.compare(&row[b], &row[a]);
            match (forward, reverse) {
                (Ok(forward), Ok(reverse))
                    if forward == expected && reverse == expected.reverse() => {}
                (forward, reverse) => failures.push(format!(
                    "{context}: {scheme} {:?} vs {:?}: want {expected:?}, ward {forward:?} \
                     (reverse {reverse:?})",
                    row[a], row[b]
                )),
            }
        }
    }

    assert!(checked > 9_000, "only {checked} rows read");
    assert!(
        failures.is_empty(),
        "{} of {checked} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scheme_names_round_trip() {
    for scheme in [
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::Pub,
        Scheme::Cran,
        Scheme::Hackage,
        Scheme::Generic,
    ] {
        assert_eq!(scheme.name().parse::<Scheme>(), Ok(scheme), "{scheme}");
    }
    assert!(!Scheme::Generic.is_exact());
    assert!(Scheme::Maven.is_exact());
}

#[test]
fn osv_ecosystems_map_to_schemes() {
    let cases = [
        ("Maven", Scheme::Maven),
        ("NuGet", Scheme::NuGet),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Packagist),
        ("Pub", Scheme::Pub),
        ("CRAN", Scheme::Cran),
        ("Hackage", Scheme::Hackage),
    ];
    for (ecosystem, scheme) in cases {
        assert_eq!(
            Scheme::from_osv_ecosystem(ecosystem),
            Some(scheme),
            "{ecosystem}"
        );
    }
    assert_eq!(
        Scheme::Maven.compare("1.0.Final", "1.0"),
        Ok(Ordering::Equal)
    );
}
