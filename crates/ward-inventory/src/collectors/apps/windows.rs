//! Windows installed programs (the `Uninstall` registry keys) and servicing packages.
//!
//! Programs are listed under `SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall` in
//! HKLM (64-bit view), HKLM `SOFTWARE\WOW6432Node\…` (32-bit view), and HKCU (per user).
//! Each subkey with a `DisplayName` is one program: `DisplayVersion`, `Publisher` and
//! `InstallDate` (`YYYYMMDD`) fill the row, the subkey name is its identifier, and the
//! 32-bit view sets architecture `x86`.
//!
//! The same data is importable from a `reg export` file ([`reg_export`]), so that the logic
//! is tested on every platform. The live registry is read through `winreg` on Windows only.
//! Servicing packages and KB updates come from `DISM /online /get-packages` ([`dism`]).

pub mod dism;
pub mod reg_export;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::collectors::{Collection, Collector, Context};
use crate::Software;

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "windows-programs";

/// Uninstall key paths below a hive, with the architecture of the view (`None`: native).
pub const UNINSTALL_KEYS: [(&str, Option<&str>); 2] = [
    (r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall", None),
    (
        r"SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall",
        Some("x86"),
    ),
];

/// A registry value as the inventory needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryValue {
    /// `REG_SZ`, `REG_EXPAND_SZ` (unexpanded) or the first string of `REG_MULTI_SZ`.
    String(String),
    /// `REG_DWORD` or `REG_QWORD`.
    Number(u64),
    /// Any other type, as raw bytes.
    Binary(Vec<u8>),
}

impl RegistryValue {
    fn as_text(&self) -> Option<String> {
        match self {
            RegistryValue::String(text) => {
                Some(text.trim().to_owned()).filter(|text| !text.is_empty())
            }
            RegistryValue::Number(number) => Some(number.to_string()),
            RegistryValue::Binary(_) => None,
        }
    }
}

/// One `Uninstall` subkey: its full key path and its values by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UninstallEntry {
    /// Full key path, hive included (`HKEY_LOCAL_MACHINE\SOFTWARE\…\Uninstall\{GUID}`).
    pub key: String,
    /// Architecture of the registry view (`x86` for `WOW6432Node`), `None` for the native one.
    pub architecture: Option<&'static str>,
    /// Values by name, the default value being named `@`.
    pub values: BTreeMap<String, RegistryValue>,
}

/// Converts an uninstall entry into a row. Returns `None` when it has no `DisplayName`,
/// because Windows' own Programs list hides such components too.
pub fn program_row(entry: &UninstallEntry, display: &str) -> Option<Software> {
    let text = |name: &str| entry.values.get(name).and_then(RegistryValue::as_text);
    let name = text("DisplayName")?;
    let version = text("DisplayVersion").unwrap_or_default();

    let mut software = super::row(COLLECTOR, "windows-program", &name, &version, display);
    software.architecture = entry.architecture.map(str::to_owned);
    software.vendor = text("Publisher");
    software.identifier = Some(entry.key.clone());
    software.installed_at = text("InstallDate").and_then(|date| parse_install_date(&date));
    Some(software)
}

/// Parses `InstallDate`, written as `YYYYMMDD` by Windows Installer.
fn parse_install_date(text: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(text, "%Y%m%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Collector of the live registry's installed programs. It finds nothing on other
/// platforms or on a root other than `/`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowsProgramsCollector;

impl Collector for WindowsProgramsCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        if !context.options.is_live {
            return Collection::default();
        }
        live::collect()
    }
}

#[cfg(windows)]
mod live {
    //! Reads the uninstall keys of the running system with `winreg`.

    use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_READ};
    use winreg::types::FromRegValue;
    use winreg::RegKey;

    use super::{program_row, RegistryValue, UninstallEntry, UNINSTALL_KEYS};
    use crate::collectors::Collection;

    pub fn collect() -> Collection {
        let mut collection = Collection::default();
        for (hive, hive_name) in [
            (HKEY_LOCAL_MACHINE, "HKEY_LOCAL_MACHINE"),
            (HKEY_CURRENT_USER, "HKEY_CURRENT_USER"),
        ] {
            let hive_key = RegKey::predef(hive);
            for (path, architecture) in UNINSTALL_KEYS {
                let Ok(uninstall) = hive_key.open_subkey_with_flags(path, KEY_READ) else {
                    continue;
                };
                for name in uninstall.enum_keys().filter_map(Result::ok) {
                    let Ok(subkey) = uninstall.open_subkey_with_flags(&name, KEY_READ) else {
                        continue;
                    };
                    let key = format!(r"{hive_name}\{path}\{name}");
                    let mut entry = UninstallEntry {
                        key: key.clone(),
                        architecture,
                        ..UninstallEntry::default()
                    };
                    for (value_name, value) in subkey.enum_values().filter_map(Result::ok) {
                        let converted = match String::from_reg_value(&value) {
                            Ok(text) => RegistryValue::String(text),
                            Err(_) => match u64::from_reg_value(&value)
                                .or_else(|_| u32::from_reg_value(&value).map(u64::from))
                            {
                                Ok(number) => RegistryValue::Number(number),
                                Err(_) => RegistryValue::Binary(value.bytes.clone()),
                            },
                        };
                        entry.values.insert(value_name, converted);
                    }
                    collection.software.extend(program_row(&entry, &key));
                }
            }
        }
        collection
    }
}

#[cfg(not(windows))]
mod live {
    use crate::collectors::Collection;

    pub fn collect() -> Collection {
        Collection::default()
    }
}
