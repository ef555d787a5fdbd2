//! Free text from users (document kinds, numbers, issuers, reasons): refused when it holds a
//! control character (NUL breaks PostgreSQL's text type; ESC and the like reach terminals and
//! logs) or a bidirectional-formatting character (U+202E and its kin make "exe.txt" read as
//! "txt.exe" to an officer). Lengths count characters, not bytes: 150 Cyrillic letters are 150.

use super::DomainError;

/// Bidirectional formatting characters (Unicode UAX #9): embeddings, overrides, isolates and
/// the marks.
const BIDI_FORMATTING: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn check(text: &str, max_chars: usize, allow_newlines: bool) -> Result<(), DomainError> {
    let forbidden = |c: char| {
        (c.is_control() && !(allow_newlines && c == '\n')) || BIDI_FORMATTING.contains(&c)
    };
    if text.chars().any(forbidden) {
        return Err(DomainError::TextForbiddenCharacter);
    }
    if text.is_empty() {
        return Err(DomainError::TextEmpty);
    }
    if text.chars().count() > max_chars {
        return Err(DomainError::TextTooLong);
    }
    Ok(())
}

/// One line of text, trimmed, non-empty, of at most a given number of characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// Parses one line of at most `max_chars` characters (after trimming).
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        check(trimmed, max_chars, false)?;
        Ok(Text(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Text that may span lines (a reason), trimmed, non-empty, of at most a given number of
/// characters. Carriage returns are normalised away; other control characters are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultilineText(String);

impl MultilineText {
    /// Parses text of at most `max_chars` characters (after trimming).
    pub fn parse(input: &str, max_chars: usize) -> Result<Self, DomainError> {
        let normalised = input.replace("\r\n", "\n");
        let trimmed = normalised.trim();
        check(trimmed, max_chars, true)?;
        Ok(MultilineText(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_refused() {
        for bad in [
            "a\0b",
            "a\u{1b}[31mb",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\tb",
            "a\nb",
        ] {
            assert_eq!(
                Text::parse(bad, 100),
                Err(DomainError::TextForbiddenCharacter),
                "{bad:?}"
            );
        }
        assert_eq!(
            MultilineText::parse("a\0b", 100),
            Err(DomainError::TextForbiddenCharacter)
        );
        assert_eq!(
            MultilineText::parse("line one\r\nline two", 100)
                .unwrap()
                .as_str(),
            "line one\nline two"
        );
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let cyrillic = "Ж".repeat(150);
        assert_eq!(cyrillic.len(), 300);
        assert_eq!(Text::parse(&cyrillic, 200).unwrap().as_str(), cyrillic);
        assert_eq!(
            Text::parse(&"Ж".repeat(201), 200),
            Err(DomainError::TextTooLong)
        );
        assert_eq!(Text::parse("   ", 10), Err(DomainError::TextEmpty));
        assert_eq!(Text::parse("  Астана ", 10).unwrap().as_str(), "Астана");
    }
}
