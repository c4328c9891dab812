use std::path::PathBuf;

use proptest::prelude::*;

use super::header::tests::sample_blob;
use super::*;
use crate::CollectOptions;

fn fedora() -> OsRelease {
    OsRelease {
        id: "fedora".to_owned(),
        version_id: Some("39".to_owned()),
        ..OsRelease::default()
    }
}

fn write_sqlite_rpmdb(path: &Path, blobs: &[Vec<u8>]) {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection
        .execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
    for blob in blobs {
        connection
            .execute("INSERT INTO Packages (blob) VALUES (?1)", [blob])
            .unwrap();
    }
}

fn collect_root(root: &Path, os: Option<&OsRelease>) -> Collection {
    let options = CollectOptions::new(root);
    let context = Context {
        options: &options,
        os,
    };
    RpmCollector.collect(&context)
}

#[test]
fn rpm_row_carries_source_and_purl() {
    let mut package =
        PackageHeader::from_blob(&sample_blob("perl-Carp", "1.50", "439.el9")).unwrap();
    package.source_rpm = Some("perl-5.32.1-480.el9.src.rpm".to_owned());
    let row = to_software(&package, "var/lib/rpm/rpmdb.sqlite", Some(&fedora()), None);

    assert_eq!(row.name, "perl-Carp");
    assert_eq!(row.version, "2:1.50-439.el9");
    assert_eq!(row.architecture.as_deref(), Some("x86_64"));
    assert_eq!(row.package_type, "rpm");
    assert_eq!(row.source_name.as_deref(), Some("perl"));
    assert_eq!(row.source_version.as_deref(), Some("2:5.32.1-480.el9"));
    assert_eq!(row.vendor.as_deref(), Some("Fedora Project"));
    assert_eq!(row.license.as_deref(), Some("MIT"));
    assert_eq!(row.modularity_label.as_deref(), Some("nodejs:18:1:abc"));
    assert_eq!(
        row.installed_at.map(|time| time.timestamp()),
        Some(1_700_000_000)
    );
    assert_eq!(
        row.purl.as_deref(),
        Some("pkg:rpm/fedora/perl-Carp@1.50-439.el9?arch=x86_64&distro=fedora-39&epoch=2")
    );
    assert_eq!(row.path.as_deref(), Some("var/lib/rpm/rpmdb.sqlite"));
}

#[test]
fn rpm_same_source_leaves_source_fields_empty() {
    let package = PackageHeader::from_blob(&sample_blob("curl", "8.2.1", "1.fc39")).unwrap();
    let row = to_software(&package, "p", None, None);
    assert_eq!(row.source_name, None);
    assert_eq!(row.source_version, None);
    assert_eq!(
        row.purl.as_deref(),
        Some("pkg:rpm/curl@8.2.1-1.fc39?arch=x86_64&epoch=2")
    );
}

#[test]
fn collector_reads_sqlite_root() {
    let root = tempfile::tempdir().unwrap();
    let directory = root.path().join("var/lib/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    write_sqlite_rpmdb(
        &directory.join("rpmdb.sqlite"),
        &[
            sample_blob("bash", "5.2.15", "5.fc39"),
            b"\x00\x00\x00\x01junk".to_vec(),
            sample_blob("zlib", "1.2.13", "4.fc39"),
        ],
    );

    let collection = collect_root(root.path(), Some(&fedora()));
    let names: Vec<&str> = collection
        .software
        .iter()
        .map(|row| row.name.as_str())
        .collect();
    assert_eq!(names, ["bash", "zlib"]);
    assert_eq!(
        collection.diagnostics.len(),
        1,
        "{:?}",
        collection.diagnostics
    );
    let diagnostic = &collection.diagnostics[0];
    assert_eq!(diagnostic.level, DiagnosticLevel::Warning);
    assert_eq!(diagnostic.path.as_deref(), Some("var/lib/rpm/rpmdb.sqlite"));
    assert!(
        diagnostic.message.starts_with("package record 2:"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn collector_prefers_sqlite_and_reports_others() {
    let root = tempfile::tempdir().unwrap();
    let directory = root.path().join("usr/lib/sysimage/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    write_sqlite_rpmdb(
        &directory.join("rpmdb.sqlite"),
        &[sample_blob("a", "1", "1")],
    );
    std::fs::write(directory.join("Packages"), b"old").unwrap();

    let collection = collect_root(root.path(), None);
    assert_eq!(collection.software.len(), 1);
    assert_eq!(collection.diagnostics.len(), 1);
    assert_eq!(collection.diagnostics[0].level, DiagnosticLevel::Info);
    assert_eq!(
        collection.diagnostics[0].path.as_deref(),
        Some("usr/lib/sysimage/rpm/Packages")
    );
}

#[cfg(unix)]
#[test]
fn collector_reads_symlinked_directory_once() {
    let root = tempfile::tempdir().unwrap();
    let directory = root.path().join("usr/lib/sysimage/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::create_dir_all(root.path().join("var/lib")).unwrap();
    std::os::unix::fs::symlink(
        "../../usr/lib/sysimage/rpm",
        root.path().join("var/lib/rpm"),
    )
    .unwrap();
    write_sqlite_rpmdb(
        &directory.join("rpmdb.sqlite"),
        &[sample_blob("a", "1", "1")],
    );

    let collection = collect_root(root.path(), None);
    assert_eq!(collection.software.len(), 1);
}

#[test]
fn collector_reads_bdb_and_ndb_files() {
    let blob = sample_blob("glibc", "2.31", "9.3.2");
    for (backend, bytes) in [
        (Backend::BerkeleyDb, bdb::tests::build_file(&blob, false)),
        (Backend::BerkeleyDb, bdb::tests::build_file(&blob, true)),
        (Backend::Ndb, ndb::tests::build_file(&[&blob])),
    ] {
        let root = tempfile::tempdir().unwrap();
        let directory = root.path().join("var/lib/rpm");
        std::fs::create_dir_all(&directory).unwrap();
        std::fs::write(directory.join(backend.file_name()), bytes).unwrap();

        let collection = collect_root(root.path(), None);
        assert_eq!(collection.diagnostics, vec![], "{backend:?}");
        assert_eq!(collection.software.len(), 1, "{backend:?}");
        assert_eq!(
            collection.software[0].version, "2:2.31-9.3.2",
            "{backend:?}"
        );
    }
}

#[test]
fn collector_truncated_databases_give_diagnostics() {
    let blob = sample_blob("glibc", "2.31", "9.3.2");
    let bdb_file = bdb::tests::build_file(&blob, false);
    let ndb_file = ndb::tests::build_file(&[&blob]);
    for (backend, bytes) in [
        (Backend::BerkeleyDb, bdb_file[..600].to_vec()),
        (Backend::BerkeleyDb, bdb_file[..100].to_vec()),
        (Backend::Ndb, ndb_file[..4100].to_vec()),
        (Backend::Ndb, ndb_file[..10].to_vec()),
        (Backend::Sqlite, b"SQLite format 3\0 truncated".to_vec()),
    ] {
        let root = tempfile::tempdir().unwrap();
        let directory = root.path().join("var/lib/rpm");
        std::fs::create_dir_all(&directory).unwrap();
        std::fs::write(directory.join(backend.file_name()), &bytes).unwrap();

        let collection = collect_root(root.path(), None);
        let expected_path = format!("var/lib/rpm/{}", backend.file_name());
        assert!(
            collection.software.is_empty(),
            "{backend:?} {}",
            bytes.len()
        );
        assert!(
            !collection.diagnostics.is_empty(),
            "{backend:?} {}",
            bytes.len()
        );
        assert_eq!(
            collection.diagnostics[0].path.as_deref(),
            Some(expected_path.as_str()),
            "{backend:?} {}",
            bytes.len()
        );
    }
}

#[test]
fn collector_caps_record_diagnostics() {
    let root = tempfile::tempdir().unwrap();
    let directory = root.path().join("var/lib/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    let junk: Vec<Vec<u8>> = (0..30).map(|_| vec![0u8; 4]).collect();
    write_sqlite_rpmdb(&directory.join("rpmdb.sqlite"), &junk);

    let collection = collect_root(root.path(), None);
    assert_eq!(collection.diagnostics.len(), MAX_RECORD_DIAGNOSTICS + 1);
    assert_eq!(
        collection.diagnostics.last().map(|d| d.message.as_str()),
        Some("10 more damaged records not listed")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random byte changes, truncations and extensions of a real-looking header never panic.
    #[test]
    fn header_mutations_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut blob = sample_blob("openssl-libs", "3.0.7", "27.el9");
        for (index, byte) in edits {
            let at = index.index(blob.len());
            blob[at] = byte;
        }
        if truncate {
            blob.truncate(cut.index(blob.len()));
        }
        let _ = PackageHeader::from_blob(&blob);
    }

    /// Random changes to a header with a file list never panic in the file list decoder.
    #[test]
    fn file_list_mutations_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut blob = super::header::tests::blob_with_files(
            "python3-rpm",
            &["/usr/lib64/python3.9/site-packages/", "/usr/share/doc/"],
            &[(0, "rpm"), (0, "rpm-4.16.0-py3.9.egg-info"), (1, "README")],
        );
        for (index, byte) in edits {
            let at = index.index(blob.len());
            blob[at] = byte;
        }
        if let Ok(list) = header::FileList::from_blob(&blob) {
            let _ = list.iter().count();
        }
    }

    /// Random changes to a hand-built BDB file never panic or loop.
    #[test]
    fn bdb_mutations_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let blob = sample_blob("bash", "5.1.8", "6.el9");
        let mut file = bdb::tests::build_file(&blob, false);
        for (index, byte) in edits {
            let at = index.index(file.len());
            file[at] = byte;
        }
        if let Ok(database) = bdb::HashDb::open(&file) {
            for (_, value) in database.values().into_iter().flatten() {
                let _ = PackageHeader::from_blob(&value);
            }
        }
    }

    /// Random changes to a hand-built NDB file never panic.
    #[test]
    fn ndb_mutations_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let blob = sample_blob("bash", "5.1.8", "6.el9");
        let mut file = ndb::tests::build_file(&[&blob]);
        for (index, byte) in edits {
            // Aim half of the edits at the header area, the rest anywhere.
            let at = index.index(file.len());
            file[at] = byte;
        }
        if let Ok(packages) = ndb::read_packages(&file) {
            for (_, value) in packages.into_iter().flatten() {
                let _ = PackageHeader::from_blob(value);
            }
        }
    }
}

// Real data: databases produced by real rpm installations, with lists from `rpm -qa`.

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// Reads an expected list: `name epoch version release arch sourcerpm` per line.
fn expected_rows(path: &Path) -> Vec<[String; 6]> {
    let text = fs_err::read_to_string(path).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("name\t"))
        .map(|line| {
            let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
            fields
                .try_into()
                .unwrap_or_else(|fields| panic!("bad line {fields:?}"))
        })
        .collect()
}

fn check_database(directory: &str, file: &str, backend: Backend, expected_file: &str) {
    let base = shared_dir().join("fixtures/pkgdb/rpm").join(directory);
    let collection = read_database(&base.join(file), backend, file, None);
    assert_eq!(collection.diagnostics, vec![], "{directory}");

    let expected = expected_rows(&base.join(expected_file));
    assert_eq!(
        collection.software.len(),
        expected.len(),
        "{directory}: package count"
    );
    for (row, [name, epoch, version, release, arch, source_rpm]) in
        collection.software.iter().zip(&expected)
    {
        let evr = match epoch.as_str() {
            "" | "0" => format!("{version}-{release}"),
            epoch => format!("{epoch}:{version}-{release}"),
        };
        // rpm prints EPOCHNUM 0 for both "no epoch" and "epoch 0".
        let version_found = row.version.strip_prefix("0:").unwrap_or(&row.version);
        assert_eq!(row.name, *name, "{directory}: order");
        assert_eq!(version_found, evr, "{directory}: {name}");
        assert_eq!(
            row.architecture.as_deref(),
            Some(arch.as_str()),
            "{directory}: {name}"
        );

        let source = header::SourceRpm::parse(source_rpm).unwrap();
        assert_eq!(
            row.source_name_or_name(),
            source.name,
            "{directory}: {name}"
        );
        let source_found = row.source_version_or_version();
        let source_found = source_found
            .split_once(':')
            .map_or(source_found, |(_, rest)| rest);
        assert_eq!(
            source_found,
            format!("{}-{}", source.version, source.release),
            "{directory}: {name}"
        );
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_cbl_mariner_sqlite() {
    check_database(
        "cbl-mariner-2.0",
        "rpmdb.sqlite",
        Backend::Sqlite,
        "expected-rpm-qa.tsv",
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_osquery_sqlite() {
    check_database(
        "osquery-rpm-sqlite",
        "rpmdb.sqlite",
        Backend::Sqlite,
        "expected-rpm-qa.tsv",
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_osquery_bdb() {
    check_database(
        "osquery-rpm-bdb",
        "Packages",
        Backend::BerkeleyDb,
        "expected-rpm-qa.tsv",
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_sle15_ndb() {
    check_database(
        "sle15-bci",
        "Packages.db",
        Backend::Ndb,
        "expected-packages.tsv",
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_cbl_mariner_fields() {
    let path = shared_dir().join("fixtures/pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite");
    let collection = read_database(&path, Backend::Sqlite, "rpmdb.sqlite", None);
    let curl = collection
        .software
        .iter()
        .find(|row| row.name == "curl")
        .unwrap();
    assert_eq!(curl.vendor.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(curl.license.as_deref(), Some("MIT"));
    assert!(curl.installed_at.is_some());
    let certificates = collection
        .software
        .iter()
        .find(|row| row.name == "ca-certificates-base")
        .unwrap();
    assert_eq!(certificates.version, "1:2.0.0-1.cm2");
    assert_eq!(certificates.source_name.as_deref(), Some("ca-certificates"));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_rhel_manifests() {
    let base = shared_dir().join("fixtures/pkgdb/rpm/rhel-manifests");
    for (file, count, name, version, source) in [
        (
            "ubi-bdb.rpm-manifest.json",
            174,
            "dbus-common",
            "1:1.12.8-7.el8",
            Some("dbus"),
        ),
        (
            "nodejs.rpm-manifest.json",
            301,
            "dbus-libs",
            "1:1.12.20-7.el9_1",
            Some("dbus"),
        ),
        (
            "nodejs.rpm-manifest.json",
            301,
            "zlib",
            "1.2.11-39.el9",
            None,
        ),
    ] {
        let bytes = fs_err::read(base.join(file)).unwrap();
        let collection = manifest::parse(&bytes, file, None);
        assert_eq!(collection.diagnostics, vec![], "{file}");
        assert_eq!(collection.software.len(), count, "{file}");
        let row = collection
            .software
            .iter()
            .find(|row| row.name == name)
            .unwrap();
        assert_eq!(row.version, version, "{file} {name}");
        assert_eq!(row.source_name.as_deref(), source, "{file} {name}");
    }
    let bytes = fs_err::read(base.join("nodejs.rpm-manifest.json")).unwrap();
    let collection = manifest::parse(&bytes, "nodejs.rpm-manifest.json", None);
    let modular = collection
        .software
        .iter()
        .filter(|row| row.modularity_label.as_deref() == Some("nodejs:18"))
        .count();
    assert_eq!(modular, 5);
}

#[test]
fn collector_sets_advisory_ecosystem() {
    let root = tempfile::tempdir().unwrap();
    let directory = root.path().join("var/lib/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    write_sqlite_rpmdb(
        &directory.join("rpmdb.sqlite"),
        &[sample_blob("a", "1", "1")],
    );
    let alma = OsRelease {
        id: "almalinux".to_owned(),
        version_id: Some("9.4".to_owned()),
        ..OsRelease::default()
    };

    let collection = collect_root(root.path(), Some(&alma));
    assert_eq!(
        collection.software[0].ecosystem.as_deref(),
        Some("AlmaLinux:9")
    );
    let collection = collect_root(root.path(), Some(&fedora()));
    assert_eq!(collection.software[0].ecosystem, None);
}

/// Decodes the file lists of every header of a database: (package, files joined).
fn real_file_lists(directory: &str, file: &str, backend: Backend) -> Vec<(String, Vec<String>)> {
    let path = shared_dir()
        .join("fixtures/pkgdb/rpm")
        .join(directory)
        .join(file);
    let blobs = read_header_blobs(&path, backend).unwrap();
    blobs
        .iter()
        .map(|(_, blob)| {
            let list = header::FileList::from_blob(blob).unwrap();
            let files = list
                .iter()
                .map(|(directory, base_name)| {
                    format!(
                        "{}{}",
                        String::from_utf8_lossy(directory),
                        String::from_utf8_lossy(base_name)
                    )
                })
                .collect();
            (list.package.clone(), files)
        })
        .filter(|(package, _)| package != "gpg-pubkey")
        .collect()
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_file_lists_match_rpm() {
    // Totals from rpm 4.18 on Debian 12: `rpm --dbpath DIR -qa --qf
    // '%{NAME}\t%{BASENAMES:arraysize}\n'`; rpm 4.18 cannot read NDB, so the SUSE case
    // checks named files only.
    /// (fixture directory, file, backend, total files when known, package, a file it lists)
    type Case = (
        &'static str,
        &'static str,
        Backend,
        Option<usize>,
        &'static str,
        &'static str,
    );
    let cases: [Case; 4] = [
        (
            "cbl-mariner-2.0",
            "rpmdb.sqlite",
            Backend::Sqlite,
            Some(7269),
            "bash",
            "/bin/bash",
        ),
        (
            "osquery-rpm-sqlite",
            "rpmdb.sqlite",
            Backend::Sqlite,
            Some(347),
            "python3-rpm",
            "/usr/lib64/python3.9/site-packages/rpm-4.16.0-py3.9.egg-info",
        ),
        (
            "osquery-rpm-bdb",
            "Packages",
            Backend::BerkeleyDb,
            Some(155),
            "rpm-python",
            "/usr/lib64/python2.6/site-packages/rpm/transaction.py",
        ),
        (
            "sle15-bci",
            "Packages.db",
            Backend::Ndb,
            None,
            "bash",
            "/usr/bin/bash",
        ),
    ];
    for (directory, file, backend, total, package, owned_file) in cases {
        let lists = real_file_lists(directory, file, backend);
        let count: usize = lists.iter().map(|(_, files)| files.len()).sum();
        if let Some(total) = total {
            assert_eq!(count, total, "{directory}: file count");
        }
        let (_, files) = lists
            .iter()
            .find(|(name, _)| name == package)
            .unwrap_or_else(|| panic!("{directory}: no package {package}"));
        assert!(
            files.iter().any(|path| path == owned_file),
            "{directory}: {package} does not list {owned_file}"
        );
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_rpm_owns_python_egg_info() {
    // The Fedora 33 database lists `python3-rpm`'s egg-info; a root holding that database
    // and the egg-info file must report the Python component as owned by the rpm.
    let root = tempfile::tempdir().unwrap();
    let database = shared_dir().join("fixtures/pkgdb/rpm/osquery-rpm-sqlite/rpmdb.sqlite");
    let directory = root.path().join("var/lib/rpm");
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::copy(database, directory.join("rpmdb.sqlite")).unwrap();
    let site_packages = root.path().join("usr/lib64/python3.9/site-packages");
    std::fs::create_dir_all(&site_packages).unwrap();
    std::fs::write(
        site_packages.join("rpm-4.16.0-py3.9.egg-info"),
        "Metadata-Version: 1.0\nName: rpm\nVersion: 4.16.0\n",
    )
    .unwrap();

    let inventory = crate::collect(&CollectOptions::new(root.path()));
    let python = inventory
        .software
        .iter()
        .find(|row| row.package_type == "pypi" && row.name == "rpm")
        .expect("egg-info collected");
    assert_eq!(python.owned_by.as_deref(), Some("rpm:python3-rpm"));
    assert!(inventory
        .software
        .iter()
        .any(|row| row.package_type == "rpm" && row.name == "python3-rpm"));
}
