//! XMP, the metadata Lightroom, Photoshop, Photo Mechanic and the IPTC Photo Metadata
//! standard write: an RDF/XML packet. pressroom reads five properties, by their usual
//! prefixes, in either of RDF's two spellings (an element, or an attribute of
//! `rdf:Description`):
//!
//! - caption: `dc:description`
//! - credit: `photoshop:Credit` (the credit line), else `dc:creator` (the photographers)
//! - copyright: `dc:rights`
//! - licence: `cc:license`, else `xmpRights:WebStatement` (the licence page), else
//!   `xmpRights:UsageTerms` (the terms in words)
//!
//! A language alternative (`rdf:Alt`) gives its `x-default` entry (else its first); a list
//! (`rdf:Seq`, `rdf:Bag`) gives its entries joined by commas. This is a scanner over the text,
//! not an XML parser: it needs no crate, reads only what it looks for, and any input at all
//! gives some answer (or none) without panicking.

use crate::model::picture::ImageMeta;

/// Packets above this size are not read (a real one is a few kilobytes; JPEG caps them at 64).
const MAX_PACKET: usize = 1 << 20;

/// The metadata of the XMP packet `xmp`.
pub(super) fn read(xmp: &[u8]) -> ImageMeta {
    if xmp.len() > MAX_PACKET {
        return ImageMeta::default();
    }
    let text = String::from_utf8_lossy(xmp);
    let get = |names: &[&str]| names.iter().find_map(|n| property(&text, n));
    ImageMeta {
        caption: get(&["dc:description"]),
        credit: get(&["photoshop:Credit", "dc:creator"]),
        copyright: get(&["dc:rights"]),
        licence: get(&[
            "cc:license",
            "xmpRights:WebStatement",
            "xmpRights:UsageTerms",
        ]),
    }
}

/// The value of the property `name`, as an element or as an attribute; None when absent or
/// blank.
fn property(text: &str, name: &str) -> Option<String> {
    let value = element(text, name).or_else(|| attribute(text, name))?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `<name ...>content</name>` or `<name rdf:resource="url"/>`.
fn element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}");
    let mut from = 0;
    let start = loop {
        let at = from + text.get(from..)?.find(&open)?;
        let after = at + open.len();
        // `<dc:creator>` or `<dc:creator xml:lang=..>`, not `<dc:creatorTool>`.
        match text[after..].chars().next() {
            Some(c) if c == '>' || c == '/' || c.is_whitespace() => break after,
            _ => from = after,
        }
    };
    let tag_end = start + text[start..].find('>')?;
    let attrs = &text[start..tag_end];
    if attrs.ends_with('/') {
        return attribute(attrs, "rdf:resource").map(|v| v.to_string());
    }
    let close = format!("</{name}>");
    let content = &text[tag_end + 1..];
    let content = &content[..content.find(&close)?];
    if content.contains("<rdf:li") {
        return Some(list(content));
    }
    Some(unescape(content))
}

/// The entries of an `rdf:Alt` (its `x-default` one, else the first) or of a `rdf:Seq` or
/// `rdf:Bag` (all, joined).
fn list(content: &str) -> String {
    let mut items: Vec<(bool, String)> = Vec::new();
    let mut rest = content;
    while let Some(at) = rest.find("<rdf:li") {
        let Some(tag_end) = rest[at..].find('>').map(|e| at + e) else {
            break;
        };
        let tag = &rest[at..tag_end];
        let body = &rest[tag_end + 1..];
        let Some(end) = body.find("</rdf:li>") else {
            break;
        };
        let default = tag.contains("x-default");
        if !tag.ends_with('/') {
            items.push((default, unescape(&body[..end])));
        }
        rest = &body[end..];
    }
    if content.contains("<rdf:Alt") {
        let chosen = items.iter().find(|(d, _)| *d).or(items.first());
        return chosen.map(|(_, v)| v.clone()).unwrap_or_default();
    }
    let values: Vec<String> = items
        .into_iter()
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    values.join(", ")
}

/// `name="value"` (or with single quotes) where `name` starts an attribute.
fn attribute(text: &str, name: &str) -> Option<String> {
    let mut from = 0;
    loop {
        let at = from + text.get(from..)?.find(name)?;
        let after = at + name.len();
        from = after;
        let starts_attr = text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let rest = text[after..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        if !starts_attr {
            continue;
        }
        let value = &rest[1..];
        let end = value.find(quote)?;
        return Some(unescape(&value[..end]));
    }
}

/// Tags removed, XML's five entities and character references decoded.
fn unescape(s: &str) -> String {
    let mut plain = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain.as_str();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&e| e <= 10).and_then(|e| {
            let c = match &rest[1..e] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n => {
                    let n = n.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// An XMP packet as Lightroom writes one (elements, with a language alternative).
    pub(in crate::images) const PACKET: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" photoshop:Credit="Kari Nordmann/Acme &amp; Co" xmpRights:Marked="True">
<dc:creator><rdf:Seq><rdf:li>Kari Nordmann</rdf:li><rdf:li>Ola</rdf:li></rdf:Seq></dc:creator>
<dc:creatorTool>Camera</dc:creatorTool>
<dc:rights><rdf:Alt><rdf:li xml:lang="nb">© Acme AS</rdf:li><rdf:li xml:lang="x-default">&#169; 2026 Acme</rdf:li></rdf:Alt></dc:rights>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">The plant &lt;at&gt; dawn</rdf:li></rdf:Alt></dc:description>
<cc:license rdf:resource="https://creativecommons.org/licenses/by/4.0/"/>
<xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Editorial use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;

    #[test]
    fn the_five_properties_are_read_in_both_spellings() {
        let meta = read(PACKET.as_bytes());
        assert_eq!(meta.caption.as_deref(), Some("The plant <at> dawn"));
        assert_eq!(meta.credit.as_deref(), Some("Kari Nordmann/Acme & Co"));
        assert_eq!(meta.copyright.as_deref(), Some("© 2026 Acme"));
        assert_eq!(
            meta.licence.as_deref(),
            Some("https://creativecommons.org/licenses/by/4.0/")
        );
        // Without the credit line, the creators; without cc:license, the usage terms.
        let plain = PACKET
            .replace("photoshop:Credit=", "photoshop:Other=")
            .replace("cc:license", "cc:morePermissions");
        let meta = read(plain.as_bytes());
        assert_eq!(meta.credit.as_deref(), Some("Kari Nordmann, Ola"));
        assert_eq!(meta.licence.as_deref(), Some("Editorial use only"));
        // Attribute spelling, single quotes.
        let meta =
            read(br#"<rdf:Description dc:description='A  &quot;view&quot;' dc:rights = "(c) X"/>"#);
        assert_eq!(meta.caption.as_deref(), Some("A  \"view\""));
        assert_eq!(meta.copyright.as_deref(), Some("(c) X"));
        assert_eq!(read(b"<dc:rights> </dc:rights>"), ImageMeta::default());
    }

    #[test]
    fn truncated_and_random_packets_never_panic() {
        let bytes = PACKET.as_bytes();
        for cut in 0..bytes.len() {
            let _ = read(&bytes[..cut]);
        }
        for cut in 0..bytes.len() {
            let _ = read(&bytes[cut..]);
        }
        let mut seed = 11;
        let alphabet = b"<>/=\"' &#;x:dcrightsli rdf:AltSeq";
        for _ in 0..5000 {
            let len = usize::from(crate::images::embedded::tests::noise(&mut seed));
            let b: Vec<u8> = (0..len)
                .map(|_| {
                    let n = crate::images::embedded::tests::noise(&mut seed);
                    if n < 200 {
                        alphabet[usize::from(n) % alphabet.len()]
                    } else {
                        n
                    }
                })
                .collect();
            let _ = read(&b);
        }
        assert_eq!(
            unescape("&#xFFFFFFFFF; &bogus; &"),
            "&#xFFFFFFFFF; &bogus; &"
        );
    }
}
