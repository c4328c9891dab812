//! Import of `reg export` / regedit files holding `Uninstall` keys.
//!
//! Format (regedit "Windows Registry Editor Version 5.00", or `REGEDIT4`): UTF-16LE with a
//! byte-order mark (version 5) or 8-bit text (version 4); `[KEY PATH]` section lines, then
//! `"Name"=value` lines, `@=value` for the default value. A line ending in `\` continues on
//! the next. Values are `"text"` (with `\\` and `\"` escapes), `dword:XXXXXXXX`, or
//! `hex(T):bb,bb,…` / `hex:bb,…` byte lists, where type 2 (`REG_EXPAND_SZ`) and 7
//! (`REG_MULTI_SZ`) hold UTF-16LE text and `b` a little-endian `REG_QWORD`.
//!
//! Every direct subkey of an uninstall key (either registry view, any hive, `HKEY_USERS\<SID>`
//! included) becomes an [`UninstallEntry`]; other keys are ignored.

use std::collections::BTreeMap;

use super::{program_row, RegistryValue, UninstallEntry, COLLECTOR, UNINSTALL_KEYS};
use crate::collectors::Collection;

/// Decodes a registry export's bytes: UTF-16LE or UTF-16BE with a byte-order mark, else UTF-8
/// (Latin-1 where it is not valid UTF-8).
pub fn decode(bytes: &[u8]) -> String {
    let utf16 = |little_endian: bool, body: &[u8]| {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|pair| {
                if little_endian {
                    u16::from_le_bytes([pair[0], pair[1]])
                } else {
                    u16::from_be_bytes([pair[0], pair[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(body) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(true, body);
    }
    if let Some(body) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(false, body);
    }
    let body = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => text.to_owned(),
        Err(_) => body.iter().map(|byte| char::from(*byte)).collect(),
    }
}

/// Parses a registry export into the uninstall entries it contains, in file order.
///
/// Lines that cannot be parsed are returned as `(line number, message)` problems.
pub fn parse_entries(text: &str) -> (Vec<UninstallEntry>, Vec<(u64, String)>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut current: Option<UninstallEntry> = None;

    for (line_number, line) in logical_lines(text) {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(key) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            entries.extend(current.take());
            current = uninstall_subkey(key).map(|architecture| UninstallEntry {
                key: key.to_owned(),
                architecture,
                values: BTreeMap::new(),
            });
            continue;
        }
        let Some(entry) = current.as_mut() else {
            continue;
        };
        match parse_value_line(line) {
            Ok((name, value)) => {
                entry.values.insert(name, value);
            }
            Err(message) => problems.push((line_number, message)),
        }
    }
    entries.extend(current);
    (entries, problems)
}

/// Parses an export file's bytes into program rows; `display` names the file.
pub fn parse(bytes: &[u8], display: &str) -> Collection {
    let text = decode(bytes);
    let mut collection = Collection::default();
    if !text.starts_with("Windows Registry Editor Version") && !text.starts_with("REGEDIT4") {
        collection.diagnostics.push(super::super::warning(
            COLLECTOR,
            display,
            "not a registry export: missing the `Windows Registry Editor Version 5.00` or `REGEDIT4` line",
        ));
        return collection;
    }

    let (entries, problems) = parse_entries(&text);
    for entry in &entries {
        collection.software.extend(program_row(entry, display));
    }
    for (line, message) in problems {
        collection
            .diagnostics
            .push(super::super::warning(COLLECTOR, display, message).with_line(line));
    }
    collection
}

/// Returns the view architecture when `key` is a direct subkey of an uninstall key.
fn uninstall_subkey(key: &str) -> Option<Option<&'static str>> {
    let upper = key.to_ascii_uppercase();
    for (path, architecture) in UNINSTALL_KEYS {
        let marker = format!("\\{}\\", path.to_ascii_uppercase());
        // HKCU and HKEY_USERS spell the hive's key `Software`, compared case-insensitively.
        if let Some(position) = upper.find(&marker) {
            let subkey = &key[position + marker.len()..];
            if !subkey.is_empty() && !subkey.contains('\\') {
                return Some(architecture);
            }
        }
    }
    None
}

/// Joins lines continued with a trailing `\`, keeping the first line's 1-based number.
fn logical_lines(text: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u64, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let (number, mut joined) = match pending.take() {
            Some((number, so_far)) => (number, so_far + line.trim_start()),
            None => (index as u64 + 1, line.to_owned()),
        };
        // Only byte-list values continue; a quoted string ending in `\` is escaped as `\\`.
        if joined.ends_with('\\') && is_hex_value(&joined) {
            joined.pop();
            pending = Some((number, joined));
        } else {
            out.push((number, joined));
        }
    }
    out.extend(pending);
    out
}

fn is_hex_value(line: &str) -> bool {
    line.split_once('=')
        .is_some_and(|(_, value)| value.trim_start().starts_with("hex"))
}

/// Parses `"Name"=value` or `@=value`.
fn parse_value_line(line: &str) -> Result<(String, RegistryValue), String> {
    let (name, rest) = if let Some(rest) = line.strip_prefix("@=") {
        ("@".to_owned(), rest)
    } else {
        let (name, rest) =
            parse_quoted(line).ok_or_else(|| format!("invalid value line `{line}`"))?;
        let rest = rest
            .strip_prefix('=')
            .ok_or_else(|| format!("missing `=` after value name `{name}`"))?;
        (name, rest)
    };

    if rest.starts_with('"') {
        let (text, _) =
            parse_quoted(rest).ok_or_else(|| format!("unterminated string for `{name}`"))?;
        return Ok((name, RegistryValue::String(text)));
    }
    if let Some(hex) = rest.strip_prefix("dword:") {
        let number = u32::from_str_radix(hex.trim(), 16)
            .map_err(|_| format!("invalid dword `{hex}` for `{name}`"))?;
        return Ok((name, RegistryValue::Number(u64::from(number))));
    }
    if rest == "-" {
        return Ok((name, RegistryValue::Binary(Vec::new())));
    }
    let (kind, list) = if let Some(list) = rest.strip_prefix("hex:") {
        ("3", list)
    } else {
        let inner = rest
            .strip_prefix("hex(")
            .and_then(|inner| inner.split_once("):"))
            .ok_or_else(|| format!("unknown value type for `{name}`"))?;
        inner
    };
    let bytes = parse_byte_list(list).ok_or_else(|| format!("invalid byte list for `{name}`"))?;
    let value = match kind {
        "1" | "2" | "7" => RegistryValue::String(utf16_string(&bytes)),
        "4" if bytes.len() == 4 => RegistryValue::Number(u64::from(u32::from_le_bytes([
            bytes[0], bytes[1], bytes[2], bytes[3],
        ]))),
        "b" if bytes.len() == 8 => {
            let mut array = [0u8; 8];
            array.copy_from_slice(&bytes);
            RegistryValue::Number(u64::from_le_bytes(array))
        }
        _ => RegistryValue::Binary(bytes),
    };
    Ok((name, value))
}

/// Parses a `"…"` string at the start of `text` with `\\` and `\"` escapes; returns the
/// string and the text after the closing quote.
fn parse_quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut characters = body.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '\\' => out.push(characters.next()?.1),
            '"' => return Some((out, &body[index + 1..])),
            other => out.push(other),
        }
    }
    None
}

fn parse_byte_list(list: &str) -> Option<Vec<u8>> {
    list.split(',')
        .map(str::trim)
        .filter(|byte| !byte.is_empty())
        .map(|byte| u8::from_str_radix(byte, 16).ok())
        .collect()
}

/// Decodes UTF-16LE bytes up to the first NUL (the first string of a `REG_MULTI_SZ`).
fn utf16_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .take_while(|unit| *unit != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_file(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xff, 0xfe];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    }

    const EXPORT: &str = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall]\r\n\
@=\"\"\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{GUID-1}]\r\n\
\"DisplayName\"=\"Tool \\\"Pro\\\"\"\r\n\
\"DisplayVersion\"=hex(2):31,00,2e,00,\\\r\n  32,00,00,00\r\n\
\"Publisher\"=\"Example Ltd\"\r\n\
\"InstallDate\"=\"20210724\"\r\n\
\"VersionMajor\"=dword:00000005\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Old App]\r\n\
\"DisplayName\"=\"Old App\"\r\n\
\"DisplayVersion\"=\"3.0\"\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\UserApp]\r\n\
\"DisplayName\"=\"User App\"\r\n\
\"Broken\"=nonsense\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\NoName]\r\n\
\"DisplayVersion\"=\"1\"\r\n";

    #[test]
    fn export_yields_programs_of_all_views() {
        let collection = parse(&utf16_file(EXPORT), "uninstall.reg");
        let found: Vec<(&str, &str, Option<&str>)> = collection
            .software
            .iter()
            .map(|row| {
                (
                    row.name.as_str(),
                    row.version.as_str(),
                    row.architecture.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("Tool \"Pro\"", "1.2", None),
                ("Old App", "3.0", Some("x86")),
                ("User App", "", None),
            ]
        );
        let tool = &collection.software[0];
        assert_eq!(tool.vendor.as_deref(), Some("Example Ltd"));
        assert_eq!(
            tool.installed_at.map(|time| time.date_naive().to_string()),
            Some("2021-07-24".to_owned())
        );
        assert!(tool
            .identifier
            .as_deref()
            .unwrap()
            .ends_with(r"\Uninstall\{GUID-1}"));
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(collection.diagnostics[0].line, Some(20));
    }

    #[test]
    fn export_without_signature_is_rejected() {
        let collection = parse(b"hello", "x.reg");
        assert!(collection.software.is_empty());
        assert_eq!(collection.diagnostics.len(), 1);
    }

    #[test]
    fn values_of_each_type_are_parsed() {
        let cases = [
            ("\"A\"=\"x\\\\y\"", RegistryValue::String("x\\y".to_owned())),
            ("\"A\"=dword:0000000a", RegistryValue::Number(10)),
            (
                "\"A\"=hex(b):01,00,00,00,00,00,00,00",
                RegistryValue::Number(1),
            ),
            (
                "\"A\"=hex(7):61,00,00,00,62,00,00,00,00,00",
                RegistryValue::String("a".to_owned()),
            ),
            ("\"A\"=hex:01,02", RegistryValue::Binary(vec![1, 2])),
        ];
        for (line, expected) in cases {
            assert_eq!(
                parse_value_line(line),
                Ok(("A".to_owned(), expected)),
                "{line}"
            );
        }
    }
}
