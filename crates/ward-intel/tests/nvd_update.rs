//! `update` of NVD (CVE API 2.0) and Alpine secdb against a loopback HTTP server that
//! serves hand-written records and logs every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::update::nvd::NvdApiKey;
use ward_intel::update::{update, UpdateOptions};
use ward_intel::{IntelDb, IntelError};

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Logged {
    path: String,
    query: HashMap<String, String>,
    api_key: Option<String>,
}

type Handler = dyn Fn(&Logged) -> (StatusCode, String) + Send + Sync;

struct ServerState {
    log: Mutex<Vec<Logged>>,
    handler: Mutex<Arc<Handler>>,
}

/// A server on 127.0.0.1 running on its own thread until dropped.
struct NvdServer {
    address: std::net::SocketAddr,
    state: Arc<ServerState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl NvdServer {
    fn start(handler: Arc<Handler>) -> NvdServer {
        let state = Arc::new(ServerState {
            log: Mutex::new(Vec::new()),
            handler: Mutex::new(handler),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(state.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        NvdServer {
            address,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn set_handler(&self, handler: Arc<Handler>) {
        *self.state.handler.lock().unwrap() = handler;
    }

    /// Returns and clears the requests logged so far.
    fn take_log(&self) -> Vec<Logged> {
        std::mem::take(&mut *self.state.log.lock().unwrap())
    }
}

impl Drop for NvdServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(State(state): State<Arc<ServerState>>, uri: Uri, headers: HeaderMap) -> Response {
    let query = uri
        .query()
        .map(|query| {
            url_pairs(query)
                .into_iter()
                .collect::<HashMap<String, String>>()
        })
        .unwrap_or_default();
    let logged = Logged {
        path: uri.path().to_owned(),
        query,
        api_key: headers
            .get("apiKey")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
    };
    state.log.lock().unwrap().push(logged.clone());
    let handler = state.handler.lock().unwrap().clone();
    let (status, body) = handler(&logged);
    Response::builder()
        .status(status)
        .body(Body::from(body))
        .unwrap()
}

/// Splits and percent-decodes a query string.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let bytes = text.replace('+', " ").into_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index] == b'%' && index + 2 < bytes.len() {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                index += 3;
            } else {
                out.push(bytes[index]);
                index += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (decode(key), decode(value)))
        .collect()
}

fn record(id: &str, modified: &str) -> String {
    format!(
        r#"{{"cve": {{"id": "{id}", "sourceIdentifier": "cna@example.org",
          "published": "2025-01-01T00:00:00.000", "lastModified": "{modified}",
          "vulnStatus": "Analyzed", "descriptions": [{{"lang": "en", "value": "A flaw."}}],
          "metrics": {{"cvssMetricV31": [{{"source": "nvd@nist.gov", "type": "Primary",
            "cvssData": {{"version": "3.1", "baseScore": 9.8,
            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}}}]}},
          "references": []}}}}"#
    )
}

/// Serves NVD API pages of `records`, at most `page_size` per page whatever
/// `resultsPerPage` requests, filtered by `lastModStartDate`/`lastModEndDate` when given.
fn nvd_handler(records: Vec<(&'static str, &'static str)>, page_size: usize) -> Arc<Handler> {
    Arc::new(move |request: &Logged| {
        if request.path != "/nvd/rest/json/cves/2.0" {
            return (StatusCode::NOT_FOUND, String::new());
        }
        let window = match (
            request.query.get("lastModStartDate"),
            request.query.get("lastModEndDate"),
        ) {
            (Some(start), Some(end)) => Some((time(start), time(end))),
            _ => None,
        };
        let selected: Vec<String> = records
            .iter()
            .filter(|(_, modified)| {
                let modified = time(&format!("{modified}Z"));
                window.is_none_or(|(start, end)| start <= modified && modified <= end)
            })
            .map(|(id, modified)| record(id, modified))
            .collect();
        let start: usize = request.query["startIndex"].parse().unwrap();
        let page: Vec<String> = selected
            .iter()
            .skip(start)
            .take(page_size)
            .cloned()
            .collect();
        let body = format!(
            r#"{{"resultsPerPage": {}, "startIndex": {start}, "totalResults": {}, "format": "NVD_CVE",
               "version": "2.0", "timestamp": "2030-01-01T00:00:00.000", "vulnerabilities": [{}]}}"#,
            page.len(),
            selected.len(),
            page.join(",")
        );
        (StatusCode::OK, body)
    })
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn options(server: &NvdServer, now: &str) -> UpdateOptions {
    UpdateOptions {
        kev: false,
        epss: false,
        nvd: true,
        base_url: Some(server.base_url()),
        max_attempts: 3,
        retry_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(10),
        nvd_rate_period: Duration::ZERO,
        now: Some(time(now)),
        ..UpdateOptions::default()
    }
}

fn nvd_source(db: &IntelDb) -> ward_intel::SourceInfo {
    db.sources()
        .unwrap()
        .into_iter()
        .find(|source| source.name == "nvd")
        .unwrap()
}

const RECORDS: [(&str, &str); 3] = [
    ("CVE-2025-0001", "2025-12-01T00:00:00.000"),
    ("CVE-2025-0002", "2025-12-02T00:00:00.000"),
    ("CVE-2025-0003", "2025-12-03T00:00:00.000"),
];

#[test]
fn first_sync_pages_then_second_asks_new_window() {
    let server = NvdServer::start(nvd_handler(RECORDS.to_vec(), 2));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");

    let first = update(
        &db_path,
        &options(&server, "2026-01-10T00:00:00Z"),
        &NoProgress,
    )
    .unwrap();

    assert!(first.failures.is_empty(), "{:?}", first.failures);
    assert_eq!(first.downloaded, ["nvd"]);
    let log = server.take_log();
    let starts: Vec<&str> = log.iter().map(|r| r.query["startIndex"].as_str()).collect();
    assert_eq!(starts, ["0", "2"], "paging by startIndex");
    for request in &log {
        assert_eq!(request.query["resultsPerPage"], "2000");
        assert!(
            !request.query.contains_key("lastModStartDate"),
            "first sync is full"
        );
        assert_eq!(request.api_key, None);
    }
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(nvd_source(&db).record_count, 3);
    assert_eq!(
        nvd_source(&db).snapshot_at,
        Some(time("2026-01-10T00:00:00Z")),
        "the snapshot is the sync time, not the page timestamp"
    );
    drop(db);

    let mut changed = RECORDS.to_vec();
    changed.push(("CVE-2026-0004", "2026-01-15T00:00:00.000"));
    server.set_handler(nvd_handler(changed, 2));
    let second = update(
        &db_path,
        &options(&server, "2026-01-20T00:00:00Z"),
        &NoProgress,
    )
    .unwrap();

    assert!(second.failures.is_empty(), "{:?}", second.failures);
    let log = server.take_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        log[0].query["lastModStartDate"],
        "2026-01-10T00:00:00.000+00:00"
    );
    assert_eq!(
        log[0].query["lastModEndDate"],
        "2026-01-20T00:00:00.000+00:00"
    );
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(nvd_source(&db).record_count, 4);
    assert_eq!(db.cve_records("CVE-2026-0004").unwrap().len(), 1);
    assert_eq!(
        nvd_source(&db).snapshot_at,
        Some(time("2026-01-20T00:00:00Z"))
    );
}

#[test]
fn old_snapshot_syncs_in_120_day_windows() {
    let server = NvdServer::start(nvd_handler(RECORDS.to_vec(), 2000));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    // A yearly feed imported first: the update continues from its timestamp.
    let feed = dir.path().join("nvdcve-2.0-2025.json");
    std::fs::write(
        &feed,
        r#"{"format": "NVD_CVE", "version": "2.0", "timestamp": "2025-06-01T00:00:00.000",
            "resultsPerPage": 0, "startIndex": 0, "totalResults": 0, "vulnerabilities": []}"#,
    )
    .unwrap();
    import(&db_path, &[ImportInput::new(&feed)], &NoProgress).unwrap();

    let report = update(
        &db_path,
        &options(&server, "2026-01-20T00:00:00Z"),
        &NoProgress,
    )
    .unwrap();

    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let windows: Vec<(String, String)> = server
        .take_log()
        .into_iter()
        .map(|r| {
            (
                r.query["lastModStartDate"].clone(),
                r.query["lastModEndDate"].clone(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            (
                "2025-06-01T00:00:00.000+00:00".to_owned(),
                "2025-09-29T00:00:00.000+00:00".to_owned()
            ),
            (
                "2025-09-29T00:00:00.000+00:00".to_owned(),
                "2026-01-20T00:00:00.000+00:00".to_owned()
            ),
        ]
    );
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(nvd_source(&db).record_count, 3);
}

#[test]
fn throttling_is_retried_with_api_key() {
    let attempts = Arc::new(Mutex::new(0));
    let inner = nvd_handler(RECORDS.to_vec(), 2000);
    let counter = attempts.clone();
    let server = NvdServer::start(Arc::new(move |request: &Logged| {
        let mut count = counter.lock().unwrap();
        *count += 1;
        match *count {
            1 => (StatusCode::FORBIDDEN, String::new()),
            2 => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
            _ => inner(request),
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        nvd_api_key: NvdApiKey::new("secret-key"),
        ..options(&server, "2026-01-10T00:00:00Z")
    };
    assert!(!format!("{options:?}").contains("secret-key"));

    let report = update(&db_path, &options, &NoProgress).unwrap();

    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.nvd_requests, 3);
    let log = server.take_log();
    assert_eq!(log.len(), 3);
    assert!(log
        .iter()
        .all(|request| request.api_key.as_deref() == Some("secret-key")));
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(nvd_source(&db).record_count, 3);
}

#[test]
fn failed_page_keeps_previous_database() {
    let server = NvdServer::start(nvd_handler(RECORDS.to_vec(), 2));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    update(
        &db_path,
        &options(&server, "2026-01-10T00:00:00Z"),
        &NoProgress,
    )
    .unwrap();
    let before = std::fs::read(&db_path).unwrap();
    server.take_log();

    let mut changed = RECORDS.to_vec();
    changed.push(("CVE-2026-0004", "2026-01-15T00:00:00.000"));
    changed.push(("CVE-2026-0005", "2026-01-16T00:00:00.000"));
    changed.push(("CVE-2026-0006", "2026-01-17T00:00:00.000"));
    let inner = nvd_handler(changed, 2);
    server.set_handler(Arc::new(move |request: &Logged| {
        if request.query["startIndex"] == "2" {
            (StatusCode::INTERNAL_SERVER_ERROR, String::new())
        } else {
            inner(request)
        }
    }));
    let error = update(
        &db_path,
        &options(&server, "2026-01-20T00:00:00Z"),
        &NoProgress,
    )
    .unwrap_err();

    assert!(
        matches!(error, IntelError::HttpStatus { status: 500, .. }),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
    let log = server.take_log();
    assert_eq!(
        log.len(),
        4,
        "one page, then three attempts at the second: {log:?}"
    );
}

#[test]
fn alpine_secdb_for_branch() {
    let secdb = |repository: &str| {
        format!(
            r#"{{"distroversion": "v3.20", "reponame": "{repository}", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
                "apkurl": "x", "archs": ["x86_64"],
                "packages": [{{"pkg": {{"name": "openssl", "secfixes": {{"3.3.2-r0": ["CVE-2024-6119"]}}}}}}]}}"#
        )
    };
    let server = NvdServer::start(Arc::new(move |request: &Logged| {
        match request.path.as_str() {
            "/alpine-secdb/v3.20/main.json" => (StatusCode::OK, secdb("main")),
            "/alpine-secdb/v3.20/community.json" => (StatusCode::OK, secdb("community")),
            _ => (StatusCode::NOT_FOUND, String::new()),
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        nvd: false,
        alpine_branches: vec!["v3.20".to_owned()],
        ..options(&server, "2026-01-10T00:00:00Z")
    };

    let report = update(&db_path, &options, &NoProgress).unwrap();

    assert_eq!(
        report.downloaded,
        ["alpine-secdb:v3.20/main", "alpine-secdb:v3.20/community"]
    );
    let db = IntelDb::open(&db_path).unwrap();
    let names: Vec<String> = db.sources().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        ["alpine-secdb:v3.20/community", "alpine-secdb:v3.20/main"]
    );
}

#[test]
fn alpine_branch_from_os_release() {
    let cases = [
        ("ID=alpine\nVERSION_ID=3.20.3\n", Some("v3.20")),
        (
            "ID=\"alpine\"\nVERSION_ID=\"3.21.0_alpha20240807\"\n",
            Some("edge"),
        ),
        ("ID=alpine\n", None),
        ("ID=debian\nVERSION_ID=\"12\"\n", None),
    ];
    for (text, expected) in cases {
        assert_eq!(
            ward_intel::update::alpine_branch_for_os_release(text).as_deref(),
            expected,
            "case {text:?}"
        );
    }
}
