//! Percent-decoding (`%20` → a space) of URLs and request paths, in one place: `check` reads
//! the links of the generated pages with it, `serve` the paths of requests.

/// The bytes a text stands for, `%XX` escapes decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The bytes: each escape decoded, everything else as it was (a `%` not followed by two
    /// hex digits stays a `%`).
    pub bytes: Vec<u8>,
    /// Whether some `%` with two characters after it was not followed by two hex digits (a
    /// server refuses such a request; a link checker reads the `%` literally).
    pub malformed: bool,
}

impl Decoded {
    /// The decoded text, with byte sequences that are not UTF-8 replaced by `�`.
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Decodes every `%XX` escape of `text`.
pub fn decode(text: &str) -> Decoded {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut malformed = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
                _ => malformed = true,
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Decoded {
        bytes: out,
        malformed,
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_malformed_ones_are_flagged_and_kept() {
        let d = decode("/caf%C3%A9%20x/%2e%2E");
        assert_eq!((d.lossy().as_str(), d.malformed), ("/café x/..", false));
        let d = decode("/a%zzb%+2c");
        assert_eq!((d.lossy().as_str(), d.malformed), ("/a%zzb%+2c", true));
        // A `%` too near the end to be an escape is a `%`, not an error.
        let d = decode("/100%");
        assert_eq!((d.lossy().as_str(), d.malformed), ("/100%", false));
        assert_eq!(decode("%ff").bytes, [0xff]);
    }
}
