//! Downloading NVD CVE records through the CVE API 2.0
//! (<https://nvd.nist.gov/developers/vulnerabilities>).
//!
//! - The first sync pages through every CVE (about 150 pages of 2,000 records in 2026).
//!   Later syncs ask only for records modified since the last one, with
//!   `lastModStartDate`/`lastModEndDate` windows of at most 120 days, the API's limit.
//! - Each window is paged with `startIndex` and `resultsPerPage=2000` until `totalResults`
//!   records were received.
//! - Rate limits: NVD allows 5 requests in a rolling 30 s window without an API key and 50
//!   with one (sent in the `apiKey` header). Throttled requests get `403` or `503`, and
//!   those are retried with exponential backoff.
//! - Pages are written to files and imported after the last one, so an interrupted sync
//!   changes nothing. The next run starts again from the same time.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde::de::IgnoredAny;
use serde::Deserialize;

use super::UpdateOptions;
use crate::progress::{Progress, ProgressUnit};
use crate::IntelError;

/// Upstream address of the CVE API 2.0.
pub const NVD_API_UPSTREAM: &str = "https://services.nvd.nist.gov/rest/json/cves/2.0";

/// Path of the API below a base URL (a mirror or a test server).
pub const NVD_API_PATH: &str = "nvd/rest/json/cves/2.0";

/// Largest `resultsPerPage` the API accepts.
pub const RESULTS_PER_PAGE: u64 = 2_000;

/// Longest `lastModStartDate`..`lastModEndDate` range the API accepts.
pub const MAX_WINDOW_DAYS: i64 = 120;

/// Requests allowed per rate window without and with an API key.
pub const REQUESTS_WITHOUT_KEY: usize = 5;
/// Requests allowed per rate window with an API key.
pub const REQUESTS_WITH_KEY: usize = 50;

/// An NVD API key; its `Debug` output hides the value so that it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct NvdApiKey(String);

impl NvdApiKey {
    /// Wraps a key; `None` for an empty or blank one.
    pub fn new(key: &str) -> Option<NvdApiKey> {
        let key = key.trim();
        (!key.is_empty()).then(|| NvdApiKey(key.to_owned()))
    }
}

impl std::fmt::Debug for NvdApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NvdApiKey(<redacted>)")
    }
}

/// The pages of one sync, ready to import.
#[derive(Debug)]
pub struct NvdSync {
    /// Page files, in request order.
    pub pages: Vec<PathBuf>,
    /// End of the last window asked for: every change up to this time is in `pages`. The
    /// next sync starts here.
    pub synced_until: DateTime<Utc>,
    /// Requests sent, retries included.
    pub requests: usize,
}

/// A `lastModStartDate`..`lastModEndDate` window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, inclusive.
    pub start: DateTime<Utc>,
    /// End, inclusive.
    pub end: DateTime<Utc>,
}

/// Splits `since..now` into windows of at most [`MAX_WINDOW_DAYS`]; one empty-length
/// window when `since` is not before `now`.
pub fn windows(since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Window> {
    let step = TimeDelta::days(MAX_WINDOW_DAYS);
    let mut windows = Vec::new();
    let mut start = since.min(now);
    loop {
        let end = (start + step).min(now);
        windows.push(Window { start, end });
        if end >= now {
            return windows;
        }
        start = end;
    }
}

/// Formats a time as the API expects: ISO-8601 with milliseconds and a numeric offset.
fn api_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Allows at most `max_requests` in any `period`, sleeping as needed.
struct RateLimiter {
    max_requests: usize,
    period: Duration,
    sent: VecDeque<Instant>,
}

impl RateLimiter {
    fn new(max_requests: usize, period: Duration) -> Self {
        RateLimiter {
            max_requests: max_requests.max(1),
            period,
            sent: VecDeque::new(),
        }
    }

    fn wait(&mut self) {
        if self.period.is_zero() {
            return;
        }
        while let Some(&oldest) = self.sent.front() {
            if oldest.elapsed() >= self.period {
                self.sent.pop_front();
            } else {
                break;
            }
        }
        if self.sent.len() >= self.max_requests {
            if let Some(&oldest) = self.sent.front() {
                let wait = self.period.saturating_sub(oldest.elapsed());
                tracing::debug!(
                    wait_secs = wait.as_secs_f64(),
                    "waiting for the NVD rate limit"
                );
                std::thread::sleep(wait);
                self.sent.pop_front();
            }
        }
        self.sent.push_back(Instant::now());
    }
}

/// The page fields that drive paging.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageHeader {
    #[serde(default)]
    total_results: u64,
    #[serde(default)]
    vulnerabilities: Vec<IgnoredAny>,
}

/// Downloads every page changed since `since` (everything when `None`) into `dir`.
///
/// Fails when a page cannot be downloaded after its retries or is not an NVD page; the
/// pages already written are then left unused.
pub fn sync(
    client: &Client,
    options: &UpdateOptions,
    since: Option<DateTime<Utc>>,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<NvdSync, IntelError> {
    let now = options.now.unwrap_or_else(Utc::now);
    let url = match options.base_url.as_deref() {
        Some(base) => format!("{}/{NVD_API_PATH}", base.trim_end_matches('/')),
        None => NVD_API_UPSTREAM.to_owned(),
    };
    let max_requests = if options.nvd_api_key.is_some() {
        REQUESTS_WITH_KEY
    } else {
        REQUESTS_WITHOUT_KEY
    };
    let mut limiter = RateLimiter::new(max_requests, options.nvd_rate_period);
    let windows: Vec<Option<Window>> = match since {
        Some(since) => windows(since, now).into_iter().map(Some).collect(),
        None => vec![None],
    };
    tracing::info!(since = ?since, windows = windows.len(), "NVD sync started");

    let bar = progress.start("nvd", None, ProgressUnit::Records);
    let mut sync = NvdSync {
        pages: Vec::new(),
        synced_until: now,
        requests: 0,
    };
    for window in windows {
        let mut start_index = 0u64;
        loop {
            let mut query = vec![
                ("startIndex", start_index.to_string()),
                ("resultsPerPage", RESULTS_PER_PAGE.to_string()),
            ];
            if let Some(window) = window {
                query.push(("lastModStartDate", api_time(window.start)));
                query.push(("lastModEndDate", api_time(window.end)));
            }
            let target = dir.join(format!("nvd-page-{:05}.json", sync.pages.len()));
            let header = fetch_page(
                client,
                &url,
                &query,
                options,
                &mut limiter,
                &target,
                &mut sync,
            )?;
            sync.pages.push(target);

            let received = header.vulnerabilities.len() as u64;
            bar.advance(received);
            if received == 0 || start_index + received >= header.total_results {
                break;
            }
            start_index += received;
        }
    }
    bar.finish();
    tracing::info!(
        pages = sync.pages.len(),
        requests = sync.requests,
        "NVD sync downloaded"
    );
    Ok(sync)
}

/// Downloads one page to `target`, retrying throttling (`403`, `429`, `503`), other 5xx
/// responses, timeouts and broken bodies with exponential backoff.
fn fetch_page(
    client: &Client,
    url: &str,
    query: &[(&str, String)],
    options: &UpdateOptions,
    limiter: &mut RateLimiter,
    target: &Path,
    sync: &mut NvdSync,
) -> Result<PageHeader, IntelError> {
    let mut delay = options.retry_delay;
    let mut attempt = 1;
    loop {
        limiter.wait();
        sync.requests += 1;
        match fetch_once(client, url, query, options, target) {
            Ok(header) => return Ok(header),
            Err((error, true)) if attempt < options.max_attempts => {
                tracing::warn!(url, attempt, error = %error, delay_secs = delay.as_secs_f64(), "NVD request failed; retrying");
                std::thread::sleep(delay);
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
            Err((error, _)) => return Err(error),
        }
    }
}

/// Sends one request. On failure, returns the error and whether a retry may succeed.
fn fetch_once(
    client: &Client,
    url: &str,
    query: &[(&str, String)],
    options: &UpdateOptions,
    target: &Path,
) -> Result<PageHeader, (IntelError, bool)> {
    let mut request = client.get(url).query(query);
    if let Some(key) = &options.nvd_api_key {
        request = request.header("apiKey", &key.0);
    }
    let download_error = |source: Box<dyn std::error::Error + Send + Sync>| IntelError::Download {
        url: url.to_owned(),
        source,
    };

    let mut response = request.send().map_err(|error| {
        let retryable = error.is_timeout() || !error.is_connect();
        let error = if error.is_connect() {
            IntelError::Offline {
                url: url.to_owned(),
                source: Box::new(error),
            }
        } else {
            download_error(Box::new(error))
        };
        (error, retryable)
    })?;
    let status = response.status();
    if !status.is_success() {
        let throttled = matches!(
            status,
            StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        );
        let error = IntelError::HttpStatus {
            url: url.to_owned(),
            status: status.as_u16(),
        };
        return Err((error, throttled || status.is_server_error()));
    }

    let mut body = Vec::new();
    response
        .read_to_end(&mut body)
        .map_err(|error| (download_error(Box::new(error)), true))?;
    let header: PageHeader = serde_json::from_slice(&body).map_err(|error| {
        let error = IntelError::InvalidFile {
            path: target.to_owned(),
            reason: format!("NVD API answer from `{url}` is not a CVE API 2.0 page: {error}"),
        };
        (error, false)
    })?;
    let mut file = fs_err::File::create(target).map_err(|source| {
        let error = IntelError::Read {
            path: target.to_owned(),
            source,
        };
        (error, false)
    })?;
    file.write_all(&body).map_err(|source| {
        let error = IntelError::Read {
            path: target.to_owned(),
            source,
        };
        (error, false)
    })?;
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn windows_are_at_most_120_days() {
        let since = time("2024-01-01T00:00:00Z");
        let now = time("2024-09-01T12:00:00Z");

        let found = windows(since, now);

        let ends: Vec<String> = found.iter().map(|w| api_time(w.end)).collect();
        assert_eq!(
            ends,
            [
                "2024-04-30T00:00:00.000+00:00",
                "2024-08-28T00:00:00.000+00:00",
                "2024-09-01T12:00:00.000+00:00"
            ]
        );
        assert_eq!(found[0].start, since);
        for pair in found.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "windows must not leave gaps");
        }
    }

    #[test]
    fn window_after_now_is_clamped() {
        let now = time("2024-09-01T12:00:00Z");
        let found = windows(time("2024-10-01T00:00:00Z"), now);
        assert_eq!(
            found,
            [Window {
                start: now,
                end: now
            }]
        );
    }

    #[test]
    fn rate_limiter_with_zero_period_never_waits() {
        let mut limiter = RateLimiter::new(1, Duration::ZERO);
        let started = Instant::now();
        for _ in 0..100 {
            limiter.wait();
        }
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn rate_limiter_waits_for_the_oldest_request() {
        let mut limiter = RateLimiter::new(2, Duration::from_millis(200));
        let started = Instant::now();
        for _ in 0..3 {
            limiter.wait();
        }
        assert!(started.elapsed() >= Duration::from_millis(200));
    }
}
