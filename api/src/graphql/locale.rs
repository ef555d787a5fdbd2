//! The language of messages, from `Accept-Language` (kk, ru, en; ru by default). Enum values
//! stay stable English identifiers; only text a person reads is translated.

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Kk,
    Ru,
    En,
}

impl Locale {
    /// The first supported language in an `Accept-Language` header, by quality; Russian when
    /// none is supported or the header is absent.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Locale::Ru;
        };
        let mut ranges: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality = pieces
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                let locale = match tag.split('-').next()? {
                    "kk" => Locale::Kk,
                    "ru" => Locale::Ru,
                    "en" => Locale::En,
                    _ => return None,
                };
                Some((quality, locale))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranges.first().map_or(Locale::Ru, |&(_, locale)| locale)
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, kk: &'a str, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Kk => kk,
            Locale::Ru => ru,
            Locale::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_best_supported_language() {
        assert_eq!(Locale::from_accept_language(None), Locale::Ru);
        assert_eq!(
            Locale::from_accept_language(Some("kk-KZ,ru;q=0.8")),
            Locale::Kk
        );
        assert_eq!(
            Locale::from_accept_language(Some("de, en;q=0.5, ru;q=0.7")),
            Locale::Ru
        );
        assert_eq!(Locale::from_accept_language(Some("en-US")), Locale::En);
        assert_eq!(Locale::from_accept_language(Some("fr")), Locale::Ru);
    }
}
