//! OpenWrt and Yocto packages from the opkg status database.
//!
//! opkg writes the dpkg status syntax (`Package`, `Version`, `Status: install user
//! installed`, `Architecture`), so the dpkg parser reads it with opkg's package type.
//! OpenWrt keeps it at `usr/lib/opkg/status`; Yocto images at `var/lib/opkg/status`.

use crate::collectors::dpkg::{parse_status, StatusFormat};
use crate::collectors::{Collection, Collector, Context};
use crate::read::read_optional_text;
use crate::{Diagnostic, DiagnosticLevel};

/// Places of the opkg status database below the root, in lookup order.
pub const STATUS_PATHS: &[&str] = &["usr/lib/opkg/status", "var/lib/opkg/status"];

/// Collector of the opkg status database.
#[derive(Debug, Default, Clone, Copy)]
pub struct OpkgCollector;

impl Collector for OpkgCollector {
    fn name(&self) -> &'static str {
        "opkg"
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let distro = context.os.and_then(|os| {
            let release = os.version_id.as_deref()?;
            Some(format!("{}-{release}", os.id))
        });
        let format = StatusFormat {
            collector: "opkg",
            package_type: "opkg",
            purl_namespace: context
                .os
                .map_or_else(|| "openwrt".to_owned(), |os| os.id.clone()),
            purl_distro: distro,
            ecosystem: context.os_ecosystem(),
            is_status_optional: false,
        };

        let mut collection = Collection::default();
        for path in STATUS_PATHS {
            match read_optional_text(context, path) {
                Ok(Some(text)) => collection.extend(parse_status(&text, path, &format)),
                Ok(None) => {}
                Err(error) => collection.diagnostics.push(
                    Diagnostic::new("opkg", DiagnosticLevel::Error, error.to_string())
                        .with_path(*path),
                ),
            }
        }
        collection
    }
}
