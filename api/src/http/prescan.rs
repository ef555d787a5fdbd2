//! A linear pre-scan of a GraphQL document, before async-graphql parses it: its recursive
//! descent parser recurses once per nested list or object *value* (`a: [[[…]]]`), with no limit,
//! and about 2,000 levels overflow an actix worker's stack and abort the whole process.
//! Selection sets are bounded by the recursion limit, value literals are not; so every bracket
//! is counted here, outside strings and comments, in one pass with no recursion.

/// Deepest bracket nesting accepted (`{`, `[`, `(` together). The schema's selections nest under
/// 12 levels (the depth limit) and an input object a few more; 1,500 levels are known to be
/// parsed safely, so 64 leaves a wide margin on both sides.
pub const MAX_NESTING: usize = 64;

/// Whether the document nests brackets deeper than `max`. Strings (`"…"` with escapes, block
/// strings `"""…"""`) and comments (`#` to the end of the line) are skipped.
pub fn nests_deeper_than(document: &str, max: usize) -> bool {
    let bytes = document.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'#' => {
                while bytes.get(i).is_some_and(|&b| b != b'\n' && b != b'\r') {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes.get(i..i + 3) == Some(b"\"\"\"") => {
                i += 3;
                loop {
                    match bytes.get(i) {
                        None => return false,
                        Some(b'\\') if bytes.get(i + 1..i + 4) == Some(b"\"\"\"") => i += 4,
                        Some(b'"') if bytes.get(i..i + 3) == Some(b"\"\"\"") => {
                            i += 3;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => break,
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_outside_strings_and_comments() {
        assert!(!nests_deeper_than("{ a { b(x: [1, {c: 2}]) } }", 5));
        assert!(nests_deeper_than("{ a { b(x: [1, {c: [2]}]) } }", 5));
        let deep = format!(
            "{{ __typename(a: {}1{}) }}",
            "[".repeat(2000),
            "]".repeat(2000)
        );
        assert!(nests_deeper_than(&deep, MAX_NESTING));
        let in_string = format!("{{ a(s: \"{}\") }}", "[".repeat(2000));
        assert!(!nests_deeper_than(&in_string, MAX_NESTING));
        let in_block = format!(
            "{{ a(s: \"\"\"{}\\\"\"\"{}\"\"\") }}",
            "[".repeat(100),
            "{".repeat(100)
        );
        assert!(!nests_deeper_than(&in_block, MAX_NESTING));
        let in_comment = format!("# {}\n{{ a }}", "[".repeat(2000));
        assert!(!nests_deeper_than(&in_comment, MAX_NESTING));
        let escaped_quote = format!("{{ a(s: \"\\\"{}\") }}", "[".repeat(100));
        assert!(!nests_deeper_than(&escaped_quote, MAX_NESTING));
    }
}
