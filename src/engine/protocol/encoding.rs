//! How a server's names (bytes) become text and back.
//!
//! Names are kept and sent back as the bytes the server sent; only their
//! shown form is decoded here. `Auto` takes a listing as UTF-8 when every
//! name in it is valid UTF-8, else as Latin-1 (every byte is a letter
//! there, so nothing is lost); a bookmark may name any encoding
//! `encoding_rs` knows (windows-1251, Shift_JIS, GBK, EUC-KR…).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::path::Name;

/// The encoding of a server's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameEncoding {
    /// Decided per listing: UTF-8 when every name is, else Latin-1.
    #[default]
    Auto,
    Utf8,
    /// ISO-8859-1: each byte is the character of that number.
    Latin1,
    Other(&'static encoding_rs::Encoding),
}

impl NameEncoding {
    /// `auto`, `utf-8`, `latin1` / `iso-8859-1`, or any WHATWG label
    /// (`windows-1251`, `shift_jis`, `gbk`, `euc-kr`…).
    pub fn from_label(label: &str) -> Option<NameEncoding> {
        let l = label.trim().to_ascii_lowercase();
        match l.as_str() {
            "" | "auto" => Some(NameEncoding::Auto),
            "utf-8" | "utf8" => Some(NameEncoding::Utf8),
            // WHATWG maps these labels to windows-1252; a server that says
            // Latin-1 means the real thing.
            "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" => Some(NameEncoding::Latin1),
            _ => match encoding_rs::Encoding::for_label(l.as_bytes()) {
                Some(e) if e == encoding_rs::UTF_8 => Some(NameEncoding::Utf8),
                Some(e) => Some(NameEncoding::Other(e)),
                None => None,
            },
        }
    }

    /// The label that reads back as this encoding.
    pub fn label(&self) -> &'static str {
        match self {
            NameEncoding::Auto => "auto",
            NameEncoding::Utf8 => "utf-8",
            NameEncoding::Latin1 => "latin1",
            NameEncoding::Other(e) => e.name(),
        }
    }

    /// The encoding for one listing: `Auto` becomes UTF-8 when every name
    /// is valid UTF-8, else Latin-1; others stay.
    pub fn resolve<'a>(self, mut names: impl Iterator<Item = &'a [u8]>) -> NameEncoding {
        match self {
            NameEncoding::Auto => {
                if names.all(|n| n.is_ascii() || std::str::from_utf8(n).is_ok()) {
                    NameEncoding::Utf8
                } else {
                    NameEncoding::Latin1
                }
            }
            other => other,
        }
    }

    /// The shown form of `bytes`. Bytes that are not valid in the
    /// encoding are shown escaped (`\xe9`), never dropped.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> Cow<'a, str> {
        if bytes.is_ascii() {
            // ASCII reads the same in every encoding named here.
            if let Ok(s) = std::str::from_utf8(bytes) {
                return Cow::Borrowed(s);
            }
        }
        match self {
            NameEncoding::Auto | NameEncoding::Utf8 => escape_invalid_utf8(bytes),
            NameEncoding::Latin1 => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
            NameEncoding::Other(e) => {
                match e.decode_without_bom_handling_and_without_replacement(bytes) {
                    Some(s) => s,
                    None => escape_invalid_utf8(bytes),
                }
            }
        }
    }

    /// Bytes to send for text the user typed. Characters the encoding
    /// cannot hold become `?` (Latin-1) or a numeric reference
    /// (encoding_rs), so the server refuses the name instead of taking
    /// another.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        match self {
            NameEncoding::Auto | NameEncoding::Utf8 => text.as_bytes().to_vec(),
            NameEncoding::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
            NameEncoding::Other(e) => e.encode(text).0.into_owned(),
        }
    }
}

impl NameEncoding {
    /// A server's name as a local file's name: decoded (a download of a
    /// Latin-1 `caf\xe9` is `café` on the local disk). Names already in
    /// UTF-8 stay as they are.
    pub fn to_local(&self, server: &Name) -> Name {
        match self.decode(server.as_bytes()) {
            Cow::Borrowed(_) => server.clone(),
            Cow::Owned(s) => Name::from(s),
        }
    }

    /// A local name (UTF-8) as the server's bytes; a local name that is
    /// not UTF-8 is sent as it is.
    pub fn to_server(&self, local: &Name) -> Name {
        match (self, local.as_str()) {
            (NameEncoding::Auto | NameEncoding::Utf8, _) | (_, None) => local.clone(),
            (_, Some(text)) => Name::from_bytes(self.encode(text)),
        }
    }
}

/// UTF-8 where it is, `\xNN` for each byte that is not.
fn escape_invalid_utf8(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_utf8_only_when_every_name_is() {
        let utf8: [&[u8]; 2] = [b"a", "ü".as_bytes()];
        assert_eq!(
            NameEncoding::Auto.resolve(utf8.into_iter()),
            NameEncoding::Utf8
        );
        let mixed: [&[u8]; 2] = [b"a", b"caf\xe9"];
        assert_eq!(
            NameEncoding::Auto.resolve(mixed.into_iter()),
            NameEncoding::Latin1
        );
        let cp1251 = NameEncoding::from_label("windows-1251").unwrap();
        assert_eq!(cp1251.resolve(mixed.into_iter()), cp1251);
    }

    #[test]
    fn names_decode_and_encode_back_to_the_same_bytes() {
        let latin1 = NameEncoding::Latin1;
        assert_eq!(latin1.decode(b"caf\xe9"), "café");
        assert_eq!(latin1.encode("café"), b"caf\xe9");
        assert_eq!(latin1.encode("日"), b"?");
        assert_eq!(NameEncoding::Utf8.decode(b"caf\xe9"), "caf\\xe9");
        let sjis = NameEncoding::from_label("Shift_JIS").unwrap();
        let bytes = sjis.encode("日本");
        assert_eq!(bytes, b"\x93\xfa\x96\x7b");
        assert_eq!(sjis.decode(&bytes), "日本");
        let cp1251 = NameEncoding::from_label("windows-1251").unwrap();
        assert_eq!(cp1251.decode(b"\xf4\xe0\xe9\xeb"), "файл");
        assert_eq!(cp1251.label(), "windows-1251");
        assert_eq!(
            NameEncoding::from_label("iso-8859-1"),
            Some(NameEncoding::Latin1)
        );
        assert_eq!(NameEncoding::from_label("klingon"), None);
        assert_eq!(NameEncoding::from_label("AUTO"), Some(NameEncoding::Auto));
        let raw = Name::from_bytes(&b"caf\xe9"[..]);
        assert_eq!(latin1.to_local(&raw), Name::from("café"));
        assert_eq!(latin1.to_server(&Name::from("café")), raw);
        assert_eq!(
            NameEncoding::Utf8.to_server(&Name::from("café")),
            Name::from("café")
        );
    }
}
