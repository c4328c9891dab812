//! Environment variables read by `ward`, declared in one place.

/// Intel database path; same as `--db`.
pub const WARD_DB: &str = "WARD_DB";

/// Base URL that replaces every feed's upstream host in `ward db update`, for mirrors and
/// tests. The layout below it is the same as the layout of `ward db import` inputs.
pub const WARD_FEED_BASE_URL: &str = "WARD_FEED_BASE_URL";

/// NVD API key for `ward db update --nvd`, sent in the `apiKey` header; it raises NVD's
/// rate limit from 5 to 50 requests per 30 s. Never logged.
pub const WARD_NVD_API_KEY: &str = "WARD_NVD_API_KEY";

/// Disables colour when set to any non-empty value (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
