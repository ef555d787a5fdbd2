//! Splitting a file into records, each with the line it starts on (JSON Lines, or one JSON
//! array), and parsing each record into a row as written.

use super::report::ImportError;
use super::validation::{RawRow, Record};

/// Every record of the file; an `Err` if the file cannot even be split into records (an
/// unclosed JSON array, text after its closing bracket).
pub(super) fn read(text: &str) -> Result<Vec<Record>, ImportError> {
    // Editors on Windows may save UTF-8 with a byte-order mark; it is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(records(text)?
        .into_iter()
        .map(|(line, content)| (line, parse_row(content)))
        .collect())
}

/// The records of a file, each with the line it starts on: one JSON object per line (JSON
/// Lines; blank lines and `//` comments skipped), or the elements of one JSON array.
fn records(text: &str) -> Result<Vec<(usize, &str)>, ImportError> {
    let body = text.trim_start();
    if !body.starts_with('[') {
        return Ok(text
            .lines()
            .enumerate()
            .map(|(index, content)| (index + 1, content.trim()))
            .filter(|(_, content)| !content.is_empty() && !content.starts_with("//"))
            .collect());
    }
    let line_of = |offset: usize| {
        text.get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    };
    let open = text.len() - body.len();
    let mut records = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut element: Option<usize> = None;
    // Top-level elements end at a comma or the closing bracket outside strings and nesting; the
    // delimiters are ASCII, so every slice falls on character boundaries.
    for (offset, byte) in text.bytes().enumerate().skip(open + 1) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                element.get_or_insert(offset);
            }
            b'{' | b'[' => {
                depth += 1;
                element.get_or_insert(offset);
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                if let Some(start) = element.take() {
                    records.push((
                        line_of(start),
                        text.get(start..offset).unwrap_or_default().trim(),
                    ));
                }
                if byte == b']' {
                    let rest = text.get(offset + 1..).unwrap_or_default();
                    if !rest.trim().is_empty() {
                        return Err(ImportError {
                            line: line_of(offset),
                            message: "row: text after the closing bracket of the array".to_owned(),
                        });
                    }
                    return Ok(records);
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                element.get_or_insert(offset);
            }
        }
    }
    Err(ImportError {
        line: line_of(text.len()),
        message: "row: the JSON array is not closed".to_owned(),
    })
}

/// The row as written, or why it is not a row. The JSON is parsed before the row's shape is
/// checked so that a syntax error can point at its column (serde loses positions while it
/// buffers an internally tagged enum), and so that an unknown `type` gets a plain message.
fn parse_row(content: &str) -> Result<RawRow, String> {
    let value: serde_json::Value = serde_json::from_str(content).map_err(|error| {
        // serde_json says "at line 1 column N"; the line is the file's, so keep the column only.
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        format!("not valid JSON: {message} (column {})", error.column())
    })?;
    if !value.is_object() {
        return Err("must be a JSON object".to_owned());
    }
    match value.get("type").and_then(serde_json::Value::as_str) {
        Some("person" | "property" | "organisation" | "powerOfAttorney" | "document") => {
            serde_json::from_value(value).map_err(|error| error.to_string())
        }
        _ => Err(
            r#"its "type" must be "person", "property", "organisation", "powerOfAttorney" or "document""#
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_skip_blank_and_comment_lines_but_count_them() {
        let text = "// persons\n{\"a\":1}\n\n  {\"b\":2}  \n// end\n";
        assert_eq!(records(text).unwrap(), [(2, "{\"a\":1}"), (4, "{\"b\":2}")]);
    }

    #[test]
    fn array_elements_start_on_their_line_and_strings_may_hold_delimiters() {
        let text = "[\n  {\"a\": \"x, ]\\\"\"},\n  {\n    \"b\": [1, 2]\n  }, 3\n]\n";
        assert_eq!(
            records(text).unwrap(),
            [
                (2, "{\"a\": \"x, ]\\\"\"}"),
                (3, "{\n    \"b\": [1, 2]\n  }"),
                (5, "3"),
            ]
        );
        assert_eq!(records("[]").unwrap(), []);
        let unclosed = records("[\n{\"a\":1},").unwrap_err();
        assert_eq!(
            (unclosed.line, unclosed.message.as_str()),
            (2, "row: the JSON array is not closed")
        );
        let trailing = records("[1]\nmore").unwrap_err();
        assert_eq!(
            (trailing.line, trailing.message.as_str()),
            (1, "row: text after the closing bracket of the array")
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_json() {
        let rows = read("\u{feff}{\"type\":\"castle\"}").unwrap();
        assert_eq!(rows.len(), 1);
        assert!(matches!(rows.first(), Some((1, Err(message))) if message.contains("\"type\"")));
    }

    #[test]
    fn a_syntax_error_points_at_its_column_not_the_line_of_the_record() {
        assert_eq!(
            parse_row("{\"type\": }").err().as_deref(),
            Some("not valid JSON: expected value (column 10)")
        );
        assert_eq!(
            parse_row("\"person\"").err().as_deref(),
            Some("must be a JSON object")
        );
    }
}
