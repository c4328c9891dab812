//! Import of `system_profiler SPApplicationsDataType` output, as text or with `-xml`.
//!
//! The text form lists each application as a 4-space-indented `Name:` line followed by
//! 6-space-indented `Key: value` lines (`Version`, `Location`, `Kind`…). Keys are English
//! whatever the system language, but names are localised. The XML form is a property list:
//! an array of one dictionary whose `_items` array contains one dictionary per application
//! (`_name`, `version`, `path`, `obtained_from`, `lastModified`).
//!
//! An application without a version is kept with an empty `version`, because it is still
//! installed software; rows are in the order of the output.

use chrono::{DateTime, Utc};
use plist::Value;

use super::{row, warning};
use crate::collectors::Collection;
use crate::Software;

/// Name recorded in rows and diagnostics of this import.
pub const COLLECTOR: &str = "system-profiler";
const PACKAGE_TYPE: &str = "macos-app";

/// Parses the text output; `display` names the file in rows and diagnostics.
pub fn parse_text(text: &str, display: &str) -> Collection {
    let mut collection = Collection::default();
    let mut current: Option<Software> = None;

    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if content.is_empty() {
            continue;
        }
        if indent == 4 && content.ends_with(':') {
            collection.software.extend(current.take());
            let name = content.trim_end_matches(':');
            current = Some(row(COLLECTOR, PACKAGE_TYPE, name, "", display));
            continue;
        }
        let (Some(software), true) = (current.as_mut(), indent >= 6) else {
            continue;
        };
        let Some((key, value)) = content.split_once(": ") else {
            continue;
        };
        match key {
            "Version" => software.version = value.trim().to_owned(),
            "Location" => software.identifier = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    collection.software.extend(current);
    collection
}

/// Parses the `-xml` output; `display` names the file in rows and diagnostics.
pub fn parse_xml(bytes: &[u8], display: &str) -> Collection {
    let mut collection = Collection::default();
    let value = match Value::from_reader(std::io::Cursor::new(bytes)) {
        Ok(value) => value,
        Err(error) => {
            collection.diagnostics.push(warning(
                COLLECTOR,
                display,
                format!("invalid property list: {error}"),
            ));
            return collection;
        }
    };

    let sections = value.as_array().map(Vec::as_slice).unwrap_or_default();
    let items = sections
        .iter()
        .filter_map(Value::as_dictionary)
        .filter_map(|section| section.get("_items").and_then(Value::as_array))
        .flatten();
    for (index, item) in items.enumerate() {
        let Some(item) = item.as_dictionary() else {
            continue;
        };
        let text = |key: &str| item.get(key).and_then(Value::as_string).map(str::to_owned);
        let Some(name) = text("_name") else {
            collection.diagnostics.push(warning(
                COLLECTOR,
                display,
                format!("_items[{index}] has no `_name`"),
            ));
            continue;
        };
        let version = text("version").unwrap_or_default();
        let mut software = row(COLLECTOR, PACKAGE_TYPE, &name, &version, display);
        software.identifier = text("path");
        software.vendor = item
            .get("signed_by")
            .and_then(Value::as_array)
            .and_then(|chain| chain.first())
            .and_then(Value::as_string)
            .map(str::to_owned);
        software.installed_at = item
            .get("lastModified")
            .and_then(Value::as_date)
            .map(|date| DateTime::<Utc>::from(std::time::SystemTime::from(date)));
        collection.software.push(software);
    }
    collection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_output_is_parsed() {
        let text = "Applications:\n\n    Terminal:\n\n      Version: 2.1.2\n      \
                    Location: /Applications/Utilities/Terminal.app\n\n    Helper:\n\n      \
                    Kind: Intel\n";
        let collection = parse_text(text, "out.txt");
        assert_eq!(collection.software.len(), 2);
        assert_eq!(collection.software[0].name, "Terminal");
        assert_eq!(collection.software[0].version, "2.1.2");
        assert_eq!(
            collection.software[0].identifier.as_deref(),
            Some("/Applications/Utilities/Terminal.app")
        );
        assert_eq!(collection.software[1].name, "Helper");
        assert_eq!(collection.software[1].version, "");
    }

    #[test]
    fn xml_output_is_parsed() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><array><dict><key>_items</key><array>
<dict><key>_name</key><string>OneDrive</string><key>path</key><string>/Applications/OneDrive.app</string>
<key>version</key><string>24.065.0331</string></dict>
<dict><key>version</key><string>1</string></dict>
</array></dict></array></plist>"#;
        let collection = parse_xml(xml, "out.xml");
        assert_eq!(collection.software.len(), 1);
        assert_eq!(collection.software[0].name, "OneDrive");
        assert_eq!(collection.software[0].version, "24.065.0331");
        assert_eq!(collection.diagnostics.len(), 1);
    }

    #[test]
    fn xml_garbage_is_reported() {
        let collection = parse_xml(b"\x00\x01junk", "out.xml");
        assert!(collection.software.is_empty());
        assert_eq!(collection.diagnostics[0].path.as_deref(), Some("out.xml"));
    }
}
