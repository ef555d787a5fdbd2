//! What an uploaded file is, from its own bytes: the media type by its magic number (the
//! client's `Content-Type` and the file's extension are claims, never believed), and a file
//! name that is safe to store and to show an officer.

/// The media types accepted: scans (PDF) and photographs (JPEG, PNG) of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
}

impl MediaType {
    /// The media type's name, as served in `Content-Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    /// Detects the type from the first bytes: `%PDF-` (ISO 32000-1 §7.5.2, the header on the
    /// first line), JPEG's SOI marker followed by another marker (`FF D8 FF`, ITU T.81 B.2), or
    /// PNG's eight-byte signature (ISO 15948 §5.2). Anything else (an executable, HTML, a ZIP,
    /// a PDF with junk before its header) is `None`.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        const PDF: &[u8] = b"%PDF-";
        const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
        const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if bytes.starts_with(PDF) {
            Some(MediaType::Pdf)
        } else if bytes.starts_with(JPEG) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(PNG) {
            Some(MediaType::Png)
        } else {
            None
        }
    }

    /// The file name extension of the type, for a name that has none.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
        }
    }
}

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// Bidirectional formatting characters (Unicode UAX #9) and the invisible ones that hide a
/// name's real ending: U+202E makes `gpj.exe` read as `exe.jpg` to an officer.
fn hidden(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The name to keep for a file the client called `given`: its last path component (browsers
/// send a bare name, others may send `C:\…\scan.pdf` or `../../etc`), without control and
/// bidirectional formatting characters, whitespace collapsed, at most
/// [`MAX_FILE_NAME_CHARS`] characters (keeping its extension); `document.<ext>` when nothing is
/// left.
pub fn file_name(given: &str, media_type: MediaType) -> String {
    let last = given
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && !hidden(*c))
        .collect::<String>();
    let collapsed = last.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return format!("document.{}", media_type.extension());
    }
    if trimmed.chars().count() <= MAX_FILE_NAME_CHARS {
        return trimmed.to_owned();
    }
    // Too long: cut the stem, keep a short extension.
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.chars().count() <= 10 => {
            (stem, Some(extension))
        }
        _ => (trimmed, None),
    };
    let room = MAX_FILE_NAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match extension {
        Some(extension) => format!("{}.{extension}", stem.trim_end()),
        None => stem.trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_only() {
        assert_eq!(
            MediaType::detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"),
            Some(MediaType::Pdf)
        );
        assert_eq!(
            MediaType::detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        for disguised in [
            &b"MZ\x90\0\x03\0\0\0"[..],
            b"<!DOCTYPE html><script>alert(1)</script>",
            b"PK\x03\x04",
            b" %PDF-1.7",
            b"%PDF",
            b"\xFF\xD8",
            b"\x89PNG\r\n",
            b"",
        ] {
            assert_eq!(MediaType::detect(disguised), None, "{disguised:?}");
        }
    }

    #[test]
    fn names_lose_paths_controls_and_bidi_overrides() {
        let pdf = MediaType::Pdf;
        assert_eq!(file_name("скан паспорта.pdf", pdf), "скан паспорта.pdf");
        assert_eq!(file_name("C:\\Users\\a\\scan.pdf", pdf), "scan.pdf");
        assert_eq!(file_name("../../etc/passwd", pdf), "passwd");
        assert_eq!(file_name("a\u{0}b\u{1b}[31m.pdf", pdf), "ab[31m.pdf");
        assert_eq!(file_name("invoice\u{202E}fdp.exe", pdf), "invoicefdp.exe");
        assert_eq!(file_name("  many   spaces\t.pdf ", pdf), "many spaces.pdf");
        assert_eq!(file_name("", pdf), "document.pdf");
        assert_eq!(file_name("..", MediaType::Png), "document.png");
        assert_eq!(file_name("dir/", MediaType::Jpeg), "document.jpg");
        let long = format!("{}.pdf", "ж".repeat(500));
        let kept = file_name(&long, pdf);
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with("ж.pdf"), "{kept}");
        let no_extension = "x".repeat(300);
        assert_eq!(
            file_name(&no_extension, pdf).chars().count(),
            MAX_FILE_NAME_CHARS
        );
    }
}
