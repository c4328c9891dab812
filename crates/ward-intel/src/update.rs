//! `ward db update`: downloading the feeds and importing what changed.
//!
//! Upstream addresses (each project's documentation, checked December 2026):
//!
//! - OSV: `https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip`
//! - CISA KEV: `https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json`
//! - FIRST EPSS: `https://epss.empiricalsecurity.com/epss_scores-current.csv.gz`, which
//!   redirects to the dated file
//! - Alpine secdb: `https://secdb.alpinelinux.org/<branch>/<main|community>.json`
//! - NVD: the CVE API 2.0 at `https://services.nvd.nist.gov/rest/json/cves/2.0`, paged and
//!   incremental (see [`nvd`])
//!
//! With a base URL (a mirror, or a test server) every feed comes from below it instead:
//! `<base>/osv/<Ecosystem>/all.zip`, `<base>/kev/known_exploited_vulnerabilities.json`,
//! `<base>/epss/epss_scores-current.csv.gz`, `<base>/alpine-secdb/<branch>/<repo>.json`,
//! `<base>/nvd/rest/json/cves/2.0`.
//!
//! Each download is conditional: the `ETag` and `Last-Modified` of the previous download
//! are stored with the source and sent back as `If-None-Match` and `If-Modified-Since`, so
//! a feed that did not change costs one `304 Not Modified`. Downloads run concurrently.
//! Each is retried with exponential backoff on timeouts, bodies cut short and 5xx or 429
//! responses. Everything downloaded is then imported in one atomic
//! build (see [`crate::import`]).

pub mod nvd;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;

use crate::import::{self, DownloadInfo, ImportInput, ImportReport};
use crate::progress::{Progress, ProgressUnit};
use crate::{IntelDb, IntelError};

const OSV_UPSTREAM: &str = "https://osv-vulnerabilities.storage.googleapis.com";
const KEV_UPSTREAM: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
const EPSS_UPSTREAM: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";
const ALPINE_SECDB_UPSTREAM: &str = "https://secdb.alpinelinux.org";
/// Repositories of each Alpine branch that secdb publishes.
const ALPINE_REPOSITORIES: [&str; 2] = ["main", "community"];

/// Download directories this process created, for [`remove_temp_files`].
static DOWNLOAD_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register_download_dir(path: &Path) {
    let mut dirs = match DOWNLOAD_DIRS.lock() {
        Ok(dirs) => dirs,
        Err(poisoned) => poisoned.into_inner(),
    };
    dirs.push(path.to_owned());
}

/// Deletes the download directories and the database working copies that this process
/// created and that still exist, so that a Ctrl-C or SIGTERM handler can clean up before
/// the process exits without unwinding. A path deleted already is skipped.
pub fn remove_temp_files() {
    import::remove_temp_files();
    let dirs = match DOWNLOAD_DIRS.lock() {
        Ok(dirs) => dirs,
        Err(poisoned) => poisoned.into_inner(),
    };
    for dir in dirs.iter() {
        // A download thread may create a file while the directory is being emptied, so a
        // failed removal is retried once.
        if std::fs::remove_dir_all(dir).is_err() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Returns the days after which a source of `format` (the `format` column of
/// `ward db status`) counts as stale and should be updated: 3 for EPSS, recomputed daily;
/// 14 for the CISA KEV catalog, which changes a few times a week; 7 for every other
/// format (OSV exports, NVD, CVE 5 and Alpine secdb change daily).
pub fn stale_after_days(format: &str) -> i64 {
    match format {
        "epss" => 3,
        "kev" => 14,
        _ => 7,
    }
}

/// Returns the age of a source's data in whole days at `now`: from its snapshot time when
/// the feed states one, else from the `Last-Modified` of its download, else from its import
/// time. A time in the future counts as 0.
///
/// Alpine secdb files and the Go OSV export (whose records all carry `modified:
/// 0001-01-01`) state no snapshot time, and the server's `Last-Modified` is closer to the
/// data's age than the import time.
pub fn source_age_days(source: &crate::SourceInfo, now: DateTime<Utc>) -> i64 {
    let last_modified = || {
        source
            .last_modified
            .as_deref()
            .and_then(|header| DateTime::parse_from_rfc2822(header).ok())
            .map(|time| time.with_timezone(&Utc))
    };
    let since = source
        .snapshot_at
        .or_else(last_modified)
        .unwrap_or(source.imported_at);
    (now - since).num_days().max(0)
}

/// Returns whether a source is older than [`stale_after_days`] of its format at `now`.
pub fn is_stale(source: &crate::SourceInfo, now: DateTime<Utc>) -> bool {
    source_age_days(source, now) > stale_after_days(&source.format)
}

/// Feeds to download and download settings.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// OSV ecosystems to download (`Debian`, `PyPI`); a release suffix (`Debian:12`) is
    /// dropped, because osv.dev exports whole ecosystems only.
    pub ecosystems: Vec<String>,
    /// Whether to download the CISA KEV catalog.
    pub kev: bool,
    /// Whether to download the FIRST EPSS scores.
    pub epss: bool,
    /// Replaces every upstream host; see the module documentation for the layout.
    pub base_url: Option<String>,
    /// Attempts per download, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub retry_delay: Duration,
    /// Limit for connecting and for each read.
    pub timeout: Duration,
    /// Alpine branches whose secdb files to download (`v3.20`, `edge`).
    pub alpine_branches: Vec<String>,
    /// Whether to sync NVD through the CVE API 2.0.
    pub nvd: bool,
    /// NVD API key, which raises the rate limit from 5 to 50 requests per 30 s.
    pub nvd_api_key: Option<nvd::NvdApiKey>,
    /// Period of NVD's rolling rate limit: 30 s upstream; zero disables waiting (tests).
    pub nvd_rate_period: Duration,
    /// Current time for NVD windows; `None` reads the system clock (tests set it).
    pub now: Option<DateTime<Utc>>,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            ecosystems: Vec::new(),
            kev: true,
            epss: true,
            base_url: None,
            max_attempts: 4,
            retry_delay: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
            alpine_branches: Vec::new(),
            nvd: false,
            nvd_api_key: None,
            nvd_rate_period: Duration::from_secs(30),
            now: None,
        }
    }
}

/// One feed to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Source name it is stored under (`osv:Debian`, `kev`, `epss`).
    pub source: String,
    /// Download URL.
    pub url: String,
    /// File name of the download on disk.
    pub file_name: String,
}

/// Outcome of an update per source.
#[derive(Debug, Default)]
pub struct UpdateReport {
    /// Sources downloaded and imported.
    pub downloaded: Vec<String>,
    /// Sources the server reported unchanged (`304 Not Modified`).
    pub not_modified: Vec<String>,
    /// Downloads that failed after their retries; the other sources were still imported.
    pub failures: Vec<IntelError>,
    /// The import of the downloaded files, when there were any.
    pub import: Option<ImportReport>,
    /// Requests sent to the NVD API, retries included.
    pub nvd_requests: usize,
}

/// Fails unless `base` is an absolute `http` or `https` URL, before anything is
/// downloaded.
fn check_base_url(base: &str) -> Result<(), IntelError> {
    let invalid = |reason: String| IntelError::InvalidBaseUrl {
        url: base.to_owned(),
        reason,
    };
    let url = reqwest::Url::parse(base).map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    Ok(())
}

/// Lists the feeds selected by `options`, with their URLs.
pub fn feeds(options: &UpdateOptions) -> Vec<Feed> {
    let base = options
        .base_url
        .as_deref()
        .map(|base| base.trim_end_matches('/'));
    let mut ecosystems: Vec<&str> = options
        .ecosystems
        .iter()
        .map(|ecosystem| ecosystem.split(':').next().unwrap_or(ecosystem).trim())
        .filter(|ecosystem| !ecosystem.is_empty())
        .collect();
    ecosystems.sort_unstable();
    ecosystems.dedup();

    let mut feeds = Vec::new();
    for ecosystem in ecosystems {
        let encoded = encode_path_segment(ecosystem);
        let url = match base {
            Some(base) => format!("{base}/osv/{encoded}/all.zip"),
            None => format!("{OSV_UPSTREAM}/{encoded}/all.zip"),
        };
        feeds.push(Feed {
            source: format!("osv:{ecosystem}"),
            url,
            file_name: format!(
                "osv-{}.zip",
                ecosystem.replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "_")
            ),
        });
    }
    let mut branches: Vec<&str> = options
        .alpine_branches
        .iter()
        .map(|branch| branch.trim())
        .filter(|branch| !branch.is_empty())
        .collect();
    branches.sort_unstable();
    branches.dedup();
    for branch in branches {
        for repository in ALPINE_REPOSITORIES {
            let path = format!("{}/{repository}.json", encode_path_segment(branch));
            let url = match base {
                Some(base) => format!("{base}/alpine-secdb/{path}"),
                None => format!("{ALPINE_SECDB_UPSTREAM}/{path}"),
            };
            feeds.push(Feed {
                source: format!("alpine-secdb:{branch}/{repository}"),
                url,
                file_name: format!(
                    "alpine-{}-{repository}.json",
                    branch.replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "_")
                ),
            });
        }
    }
    if options.kev {
        let url = match base {
            Some(base) => format!("{base}/kev/known_exploited_vulnerabilities.json"),
            None => KEV_UPSTREAM.to_owned(),
        };
        feeds.push(Feed {
            source: "kev".to_owned(),
            url,
            file_name: "kev.json".to_owned(),
        });
    }
    if options.epss {
        let url = match base {
            Some(base) => format!("{base}/epss/epss_scores-current.csv.gz"),
            None => EPSS_UPSTREAM.to_owned(),
        };
        feeds.push(Feed {
            source: "epss".to_owned(),
            url,
            file_name: "epss.csv.gz".to_owned(),
        });
    }
    feeds
}

/// Percent-encodes one URL path segment (`Rocky Linux` → `Rocky%20Linux`).
fn encode_path_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Returns the OSV ecosystems of the OS described by an `os-release` file's text (`ID` and
/// `ID_LIKE`), or an empty list when none is known.
pub fn ecosystems_for_os_release(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if key.trim() == "ID" || key.trim() == "ID_LIKE" {
            ids.extend(value.split_whitespace().map(str::to_owned));
        }
    }
    let ecosystem = ids.iter().find_map(|id| match id.as_str() {
        "debian" => Some("Debian"),
        "ubuntu" => Some("Ubuntu"),
        "alpine" => Some("Alpine"),
        "almalinux" => Some("AlmaLinux"),
        "rocky" => Some("Rocky Linux"),
        "rhel" => Some("Red Hat"),
        "sles" => Some("SUSE"),
        "opensuse" | "opensuse-leap" | "opensuse-tumbleweed" => Some("openSUSE"),
        _ => None,
    });
    // `ID` comes before `ID_LIKE` in os-release files by convention, and `find_map` keeps
    // the first match, so a derivative with its own data wins over its parent.
    ecosystem
        .map(|name| vec![name.to_owned()])
        .unwrap_or_default()
}

/// Returns the Alpine secdb branch of the OS described by an `os-release` file's text, or
/// `None` for another OS. `VERSION_ID=3.20.3` gives `v3.20`, and an `_alpha` or `edge`
/// version gives `edge`.
pub fn alpine_branch_for_os_release(text: &str) -> Option<String> {
    let mut id = None;
    let mut version = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        match key.trim() {
            "ID" => id = Some(value.to_owned()),
            "VERSION_ID" => version = Some(value.to_owned()),
            _ => {}
        }
    }
    if id.as_deref() != Some("alpine") {
        return None;
    }
    let version = version?;
    if version.contains("_alpha") || version.contains("edge") {
        return Some("edge".to_owned());
    }
    let mut parts = version.split('.');
    let major = parts
        .next()
        .filter(|part| part.chars().all(|c| c.is_ascii_digit()))?;
    let minor = parts
        .next()
        .filter(|part| part.chars().all(|c| c.is_ascii_digit()))?;
    Some(format!("v{major}.{minor}"))
}

/// Downloads the feeds that changed and imports them into the database at `db_path`.
///
/// Returns `Err` when every download failed, or when the import of the downloaded files
/// failed (a corrupt archive). The database is then unchanged.
/// When some downloads fail and others succeed, the successful ones are imported and the
/// failures are listed in [`UpdateReport::failures`].
#[tracing::instrument(skip_all, fields(db = %db_path.display()))]
pub fn update(
    db_path: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<UpdateReport, IntelError> {
    let started = std::time::Instant::now();
    if let Some(base) = &options.base_url {
        check_base_url(base)?;
    }
    let feeds = feeds(options);
    let validators = stored_validators(db_path)?;
    let nvd_since = if options.nvd {
        nvd_synced_until(db_path)?
    } else {
        None
    };

    let dir = match db_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    fs_err::create_dir_all(&dir).map_err(|source| IntelError::CreateDatabase {
        path: db_path.to_owned(),
        source,
    })?;
    let downloads = tempfile::Builder::new()
        .prefix(".ward-download.")
        .tempdir_in(&dir)
        .map_err(|source| IntelError::CreateDatabase {
            path: db_path.to_owned(),
            source,
        })?;
    register_download_dir(downloads.path());

    let client = Client::builder()
        .user_agent(concat!("ward/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(options.timeout)
        .timeout(options.timeout)
        .build()
        .map_err(|source| IntelError::Download {
            url: String::new(),
            source: Box::new(source),
        })?;

    let (outcomes, nvd_outcome) = std::thread::scope(|scope| {
        let nvd_handle = options.nvd.then(|| {
            let client = &client;
            let dir = downloads.path();
            scope.spawn(move || nvd::sync(client, options, nvd_since, dir, progress))
        });
        let handles: Vec<_> = feeds
            .iter()
            .map(|feed| {
                let client = &client;
                let validators = validators.get(&feed.source);
                let target = downloads.path().join(&feed.file_name);
                scope.spawn(move || {
                    download_with_retries(client, feed, validators, &target, options, progress)
                })
            })
            .collect();
        let outcomes: Vec<(Feed, Result<Outcome, IntelError>)> = feeds
            .iter()
            .cloned()
            .zip(handles)
            .map(|(feed, handle)| {
                let result = handle.join().unwrap_or_else(|_| {
                    Err(IntelError::Download {
                        url: feed.url.clone(),
                        source: "download thread panicked".into(),
                    })
                });
                (feed, result)
            })
            .collect();
        let nvd_outcome = nvd_handle.map(|handle| {
            handle.join().unwrap_or_else(|_| {
                Err(IntelError::Download {
                    url: nvd::NVD_API_UPSTREAM.to_owned(),
                    source: "NVD download thread panicked".into(),
                })
            })
        });
        (outcomes, nvd_outcome)
    });

    let mut report = UpdateReport::default();
    let mut inputs = Vec::new();
    for (feed, outcome) in outcomes {
        match outcome {
            Ok(Outcome::NotModified) => report.not_modified.push(feed.source),
            Ok(Outcome::Downloaded { path, download }) => {
                report.downloaded.push(feed.source.clone());
                inputs.push(ImportInput {
                    path,
                    source_name: Some(feed.source),
                    download: Some(download),
                });
            }
            Err(error) => {
                // The caller reports the returned failure, so an error log would repeat it.
                tracing::debug!(source = %feed.source, url = %feed.url, error = %error, "download failed");
                report.failures.push(error);
            }
        }
    }

    // Every page is imported, even an empty one, so that the `nvd` source exists and its
    // snapshot moves to the end of the window.
    let mut synced_until = None;
    match nvd_outcome {
        Some(Ok(sync)) => {
            report.downloaded.push(import::NVD_SOURCE.to_owned());
            report.nvd_requests = sync.requests;
            synced_until = Some(sync.synced_until);
            inputs.extend(sync.pages.into_iter().map(|path| ImportInput {
                path,
                source_name: Some(import::NVD_SOURCE.to_owned()),
                download: None,
            }));
        }
        Some(Err(error)) => {
            tracing::debug!(source = import::NVD_SOURCE, error = %error, "NVD sync failed");
            report.failures.push(error);
        }
        None => {}
    }

    if inputs.is_empty() && !report.failures.is_empty() && report.not_modified.is_empty() {
        let failures = std::mem::take(&mut report.failures);
        return Err(match failures.len() {
            1 => failures
                .into_iter()
                .next()
                .unwrap_or(IntelError::Downloads(Vec::new())),
            _ => IntelError::Downloads(failures),
        });
    }
    if !inputs.is_empty() {
        // The snapshot of an NVD sync is the end of its last window, not the newest page
        // `timestamp`, which the server sets after the window's end.
        let set_snapshot = |tx: &rusqlite::Transaction| -> rusqlite::Result<()> {
            if let Some(until) = synced_until {
                tx.execute(
                    "UPDATE source SET snapshot_at = ?1 WHERE name = ?2",
                    rusqlite::params![until, import::NVD_SOURCE],
                )?;
            }
            Ok(())
        };
        report.import = Some(import::import_then(
            db_path,
            &inputs,
            progress,
            &set_snapshot,
        )?);
    }

    tracing::info!(
        downloaded = report.downloaded.len(),
        not_modified = report.not_modified.len(),
        failed = report.failures.len(),
        elapsed_secs = started.elapsed().as_secs_f64(),
        "update finished"
    );
    Ok(report)
}

/// Reads the `ETag`/`Last-Modified` pairs stored per source; empty when there is no
/// database yet.
fn stored_validators(db_path: &Path) -> Result<HashMap<String, Validators>, IntelError> {
    if !db_path.exists() {
        return Ok(HashMap::new());
    }
    let db = IntelDb::open(db_path)?;
    Ok(db
        .sources()?
        .into_iter()
        .map(|source| (source.name, (source.etag, source.last_modified)))
        .collect())
}

/// Returns the end of the last NVD sync (the `nvd` source's snapshot), or `None` when NVD
/// was never imported and the next sync must page through every CVE.
fn nvd_synced_until(db_path: &Path) -> Result<Option<DateTime<Utc>>, IntelError> {
    if !db_path.exists() {
        return Ok(None);
    }
    let db = IntelDb::open(db_path)?;
    Ok(db
        .sources()?
        .into_iter()
        .find(|source| source.name == import::NVD_SOURCE)
        .and_then(|source| source.snapshot_at))
}

/// `ETag` and `Last-Modified` of a source's previous download.
type Validators = (Option<String>, Option<String>);

enum Outcome {
    NotModified,
    Downloaded {
        path: PathBuf,
        download: DownloadInfo,
    },
}

/// A failed attempt, and whether another attempt may succeed.
struct AttemptError {
    error: IntelError,
    retryable: bool,
}

fn download_with_retries(
    client: &Client,
    feed: &Feed,
    validators: Option<&Validators>,
    target: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<Outcome, IntelError> {
    let mut delay = options.retry_delay;
    let mut attempt = 1;
    loop {
        match download_once(client, feed, validators, target, progress) {
            Ok(outcome) => return Ok(outcome),
            Err(failed) if failed.retryable && attempt < options.max_attempts => {
                tracing::warn!(url = %feed.url, attempt, error = %failed.error, delay_secs = delay.as_secs_f64(), "download failed; retrying");
                std::thread::sleep(delay);
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
            Err(failed) => return Err(failed.error),
        }
    }
}

fn download_once(
    client: &Client,
    feed: &Feed,
    validators: Option<&Validators>,
    target: &Path,
    progress: &dyn Progress,
) -> Result<Outcome, AttemptError> {
    let mut request = client.get(&feed.url);
    if let Some((etag, last_modified)) = validators {
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = last_modified {
            request = request.header(IF_MODIFIED_SINCE, last_modified);
        }
    }

    let mut response = request
        .send()
        .map_err(|error| request_error(&feed.url, error))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        tracing::info!(source = %feed.source, "not modified");
        return Ok(Outcome::NotModified);
    }
    if !status.is_success() {
        return Err(AttemptError {
            error: IntelError::HttpStatus {
                url: feed.url.clone(),
                status: status.as_u16(),
            },
            retryable: status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS,
        });
    }

    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
            .map(str::to_owned)
    };
    let download = DownloadInfo {
        url: feed.url.clone(),
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let expected = response.content_length();

    let body_error = |error: std::io::Error| AttemptError {
        error: IntelError::Download {
            url: feed.url.clone(),
            source: Box::new(error),
        },
        retryable: true,
    };
    let mut file = fs_err::File::create(target).map_err(|error| AttemptError {
        error: IntelError::Read {
            path: target.to_owned(),
            source: error,
        },
        retryable: false,
    })?;
    let bar = progress.start(&feed.source, expected, ProgressUnit::Bytes);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let read = match response.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                bar.finish();
                return Err(body_error(error));
            }
        };
        file.write_all(&buffer[..read])
            .map_err(|error| AttemptError {
                error: IntelError::Read {
                    path: target.to_owned(),
                    source: error,
                },
                retryable: false,
            })?;
        written += read as u64;
        bar.advance(read as u64);
    }
    bar.finish();
    // The HTTP client already rejects a body shorter than its Content-Length; this check
    // keeps that guarantee explicit.
    if let Some(expected) = expected.filter(|&expected| expected != written) {
        let message = format!("body ended after {written} of {expected} bytes");
        return Err(body_error(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            message,
        )));
    }
    file.sync_all().map_err(body_error)?;

    tracing::info!(source = %feed.source, bytes = written, "downloaded");
    Ok(Outcome::Downloaded {
        path: target.to_owned(),
        download,
    })
}

fn request_error(url: &str, error: reqwest::Error) -> AttemptError {
    // A refused connection or a failed DNS look-up does not heal in seconds, so only
    // timeouts and broken transfers are retried. An offline machine fails at once.
    let retryable =
        error.is_timeout() || (!error.is_connect() && (error.is_request() || error.is_body()));
    let error = if error.is_connect() {
        IntelError::Offline {
            url: url.to_owned(),
            source: Box::new(error),
        }
    } else {
        IntelError::Download {
            url: url.to_owned(),
            source: Box::new(error),
        }
    };
    AttemptError { error, retryable }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_by_format_and_age() {
        let now = DateTime::parse_from_rfc3339("2026-03-20T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let source = |format: &str, days_old: i64, snapshot: bool| {
            let time = now - chrono::Duration::days(days_old);
            crate::SourceInfo {
                name: format.to_owned(),
                format: format.to_owned(),
                origin: String::new(),
                snapshot_at: snapshot.then_some(time),
                feed_version: None,
                imported_at: if snapshot { now } else { time },
                record_count: 1,
                skipped_count: 0,
                etag: None,
                last_modified: None,
            }
        };
        let cases = [
            ("epss", 3, true, false),
            ("epss", 4, true, true),
            ("kev", 14, true, false),
            ("kev", 15, true, true),
            ("osv", 7, true, false),
            ("osv", 8, true, true),
            ("nvd", 8, false, true),
            ("osv", -2, true, false),
        ];
        for (format, days_old, snapshot, stale) in cases {
            let info = source(format, days_old, snapshot);
            assert_eq!(
                is_stale(&info, now),
                stale,
                "case {format} {days_old} days, snapshot {snapshot}"
            );
        }
        assert_eq!(source_age_days(&source("osv", -2, true), now), 0);

        // Without a snapshot time, the download's `Last-Modified` dates the data.
        let mut secdb = source("osv", 0, false);
        secdb.last_modified = Some("Tue, 10 Mar 2026 08:00:00 GMT".to_owned());
        assert_eq!(source_age_days(&secdb, now), 10);
        assert!(is_stale(&secdb, now));
        secdb.last_modified = Some("not a date".to_owned());
        assert_eq!(source_age_days(&secdb, now), 0);
    }

    #[test]
    fn upstream_urls() {
        let options = UpdateOptions {
            ecosystems: vec!["Debian:12".into(), "Rocky Linux".into(), "Debian".into()],
            ..UpdateOptions::default()
        };
        let urls: Vec<_> = feeds(&options)
            .into_iter()
            .map(|feed| (feed.source, feed.url))
            .collect();

        assert_eq!(
            urls,
            [
                (
                    "osv:Debian".to_owned(),
                    format!("{OSV_UPSTREAM}/Debian/all.zip")
                ),
                (
                    "osv:Rocky Linux".to_owned(),
                    format!("{OSV_UPSTREAM}/Rocky%20Linux/all.zip")
                ),
                ("kev".to_owned(), KEV_UPSTREAM.to_owned()),
                ("epss".to_owned(), EPSS_UPSTREAM.to_owned()),
            ]
        );
    }

    #[test]
    fn base_url_layout() {
        let options = UpdateOptions {
            ecosystems: vec!["crates.io".into()],
            base_url: Some("http://127.0.0.1:8080/mirror/".into()),
            ..UpdateOptions::default()
        };
        let urls: Vec<_> = feeds(&options).into_iter().map(|feed| feed.url).collect();

        assert_eq!(
            urls,
            [
                "http://127.0.0.1:8080/mirror/osv/crates.io/all.zip",
                "http://127.0.0.1:8080/mirror/kev/known_exploited_vulnerabilities.json",
                "http://127.0.0.1:8080/mirror/epss/epss_scores-current.csv.gz",
            ]
        );
    }

    #[test]
    fn base_url_must_be_absolute_http() {
        assert!(check_base_url("http://127.0.0.1:8080/mirror/").is_ok());
        assert!(check_base_url("https://mirror.example/ward").is_ok());
        for bad in ["notaurl", "/srv/mirror", "ftp://127.0.0.1/mirror"] {
            let error = check_base_url(bad).unwrap_err();
            assert!(
                matches!(error, IntelError::InvalidBaseUrl { ref url, .. } if url == bad),
                "{error:?}"
            );
        }
    }

    #[test]
    fn os_release_ecosystems() {
        let cases = [
            ("ID=debian\nVERSION_ID=\"12\"\n", vec!["Debian"]),
            ("ID=ubuntu\nID_LIKE=debian\n", vec!["Ubuntu"]),
            (
                "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n",
                vec!["Rocky Linux"],
            ),
            ("ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", vec!["Ubuntu"]),
            ("ID=arch\n", vec![]),
        ];
        for (text, expected) in cases {
            assert_eq!(ecosystems_for_os_release(text), expected, "case {text:?}");
        }
    }
}
