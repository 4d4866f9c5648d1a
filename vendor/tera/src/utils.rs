use crate::errors::Error;

/// Escape HTML following [OWASP](https://www.owasp.org/index.php/XSS_(Cross_Site_Scripting)_Prevention_Cheat_Sheet)
///
/// Escape the following characters with HTML entity encoding to prevent switching
/// into any execution context, such as script, style, or event handlers. Using
/// hex entities is recommended in the spec. In addition to the 5 characters
/// significant in XML (&, <, >, ", '), the forward slash is included as it helps
/// to end an HTML entity.
///
/// ```text
/// & --> &amp;
/// < --> &lt;
/// > --> &gt;
/// " --> &quot;
/// ' --> &#x27;     &apos; is not recommended
/// / --> &#x2F;     forward slash is included as it helps end an HTML entity
/// ```
#[inline]
pub fn escape_html(input: &str) -> String {
    let mut output = String::with_capacity(input.len() * 2);
    let _ = escaped_html_pieces(input, |piece| {
        output.push_str(piece);
        Ok::<(), std::convert::Infallible>(())
    });

    // Not using shrink_to_fit() on purpose
    output
}

/// Writes `input` escaped as [`escape_html`] escapes it, straight into `write`: what `{{ }}`
/// writes of a value, without a string of its own first.
pub(crate) fn write_escaped_html(
    input: &str,
    write: &mut impl std::io::Write,
) -> std::io::Result<()> {
    escaped_html_pieces(input, |piece| write.write_all(piece.as_bytes()))
}

/// The entity of each byte `escape_html` escapes (an index into `ENTITIES`, 0 for the others).
static ESCAPED: [u8; 256] = {
    let mut table = [0; 256];
    table[b'&' as usize] = 1;
    table[b'<' as usize] = 2;
    table[b'>' as usize] = 3;
    table[b'"' as usize] = 4;
    table[b'\'' as usize] = 5;
    table[b'/' as usize] = 6;
    table
};
static ENTITIES: [&str; 7] = ["", "&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#x2F;"];

/// Hands `input` to `out` escaped, piece by piece: the text between two escaped characters as
/// one slice, then the entity. The escaped characters are ASCII, so each is a char boundary.
#[inline]
fn escaped_html_pieces<E>(
    input: &str,
    mut out: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut copied = 0;
    for (i, &b) in input.as_bytes().iter().enumerate() {
        let entity = ESCAPED[b as usize];
        if entity != 0 {
            out(&input[copied..i])?;
            out(ENTITIES[entity as usize])?;
            copied = i + 1;
        }
    }
    out(&input[copied..])
}

pub(crate) fn render_to_string<C, F, E>(context: C, render: F) -> Result<String, Error>
where
    C: FnOnce() -> String,
    F: FnOnce(&mut Vec<u8>) -> Result<(), E>,
    Error: From<E>,
{
    let mut buffer = Vec::new();
    render(&mut buffer).map_err(Error::from)?;
    buffer_to_string(context, buffer)
}

pub(crate) fn buffer_to_string<F>(context: F, buffer: Vec<u8>) -> Result<String, Error>
where
    F: FnOnce() -> String,
{
    String::from_utf8(buffer).map_err(|error| Error::utf8_conversion_error(error, context()))
}

#[cfg(test)]
mod tests {
    use super::escape_html;
    use super::render_to_string;

    #[test]
    fn escaping_is_as_before_the_patch() {
        use crate::test_oracles::{reference_escape_html, Rng};
        let pieces = ["a", "&", "<", ">", "\"", "'", "/", "é", "漢", "😀", " ", "&amp;", "\n"];
        let mut rng = Rng::new(7);
        for _ in 0..20_000 {
            let text = rng.text(&pieces, 12);
            let expected = reference_escape_html(&text);
            assert_eq!(escape_html(&text), expected, "{text:?}");
            let mut written = Vec::new();
            super::write_escaped_html(&text, &mut written).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), expected, "{text:?}");
        }
    }

    #[test]
    fn test_escape_html() {
        let tests = vec![
            (r"", ""),
            (r"a&b", "a&amp;b"),
            (r"<a", "&lt;a"),
            (r">a", "&gt;a"),
            (r#"""#, "&quot;"),
            (r#"'"#, "&#x27;"),
            (r#"大阪"#, "大阪"),
        ];
        for (input, expected) in tests {
            assert_eq!(escape_html(input), expected);
        }
        let empty = String::new();
        assert_eq!(escape_html(&empty), empty);
    }

    #[test]
    fn test_render_to_string() {
        use std::io::Write;
        let string = render_to_string(|| panic!(), |w| write!(w, "test")).unwrap();
        assert_eq!(string, "test".to_owned());
    }
}
