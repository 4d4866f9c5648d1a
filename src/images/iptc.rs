//! IPTC-IIM, the older photo-agency metadata inside a JPEG's APP13 segment: a list of
//! datasets (`0x1C`, record, number, length, value). Of the application record (2) pressroom
//! reads the caption (2:120), the credit line (2:110), the by-line (2:80, the photographer)
//! and the copyright notice (2:116).

use crate::model::picture::ImageMeta;

/// The metadata of the IIM datasets in `iim`; what cannot be read is left out.
pub(super) fn read(iim: &[u8]) -> ImageMeta {
    let mut caption = None;
    let mut credit = None;
    let mut byline = None;
    let mut copyright = None;
    for (record, number, value) in datasets(iim) {
        let slot = match (record, number) {
            (2, 120) => &mut caption,
            (2, 110) => &mut credit,
            (2, 80) => &mut byline,
            (2, 116) => &mut copyright,
            _ => continue,
        };
        if slot.is_none() {
            *slot = text(value);
        }
    }
    ImageMeta {
        caption,
        // The credit line is what agencies ask to be printed; the by-line names the
        // photographer, which is the credit when no credit line is given.
        credit: credit.or(byline),
        copyright,
        licence: None,
    }
}

/// Every dataset of `iim` as (record, number, value), stopping at the first that does not fit.
fn datasets(iim: &[u8]) -> Vec<(u8, u8, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&[0x1c, record, number, hi, lo]) = iim.get(at..at + 5) {
        let mut len = usize::from(u16::from_be_bytes([hi, lo]));
        let mut start = at + 5;
        if len & 0x8000 != 0 {
            // An extended dataset: the low bits say how many bytes the length takes.
            let count = len & 0x7fff;
            let Some(bytes) = (count <= 4)
                .then(|| iim.get(start..start + count))
                .flatten()
            else {
                break;
            };
            len = bytes.iter().fold(0, |n, &b| (n << 8) | usize::from(b));
            start += count;
        }
        let Some(value) = start.checked_add(len).and_then(|end| iim.get(start..end)) else {
            break;
        };
        out.push((record, number, value));
        at = start + len;
    }
    out
}

/// A value as trimmed text: UTF-8 when it is valid UTF-8 (what current software writes),
/// else Latin-1 (what older software wrote without saying so); None when blank.
fn text(value: &[u8]) -> Option<String> {
    let s = match std::str::from_utf8(value) {
        Ok(s) => s.to_string(),
        Err(_) => value.iter().map(|&b| char::from(b)).collect(),
    };
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// One IIM dataset of the application record.
    pub(in crate::images) fn dataset(number: u8, value: &str) -> Vec<u8> {
        let mut out = vec![0x1c, 2, number];
        out.extend((value.len() as u16).to_be_bytes());
        out.extend(value.as_bytes());
        out
    }

    #[test]
    fn caption_credit_and_copyright_are_read_and_the_credit_line_wins_over_the_byline() {
        let iim = [
            vec![0x1c, 1, 90, 0, 3, 0x1b, b'%', b'G'],
            dataset(80, "Ola Nordmann"),
            dataset(110, "Ola Nordmann/Acme"),
            dataset(116, "© 2026 Acme"),
            dataset(120, "The plant at dawn "),
        ]
        .concat();
        let meta = read(&iim);
        assert_eq!(meta.caption.as_deref(), Some("The plant at dawn"));
        assert_eq!(meta.credit.as_deref(), Some("Ola Nordmann/Acme"));
        assert_eq!(meta.copyright.as_deref(), Some("© 2026 Acme"));
        assert_eq!(
            read(&dataset(80, "Ola")).credit.as_deref(),
            Some("Ola"),
            "by-line alone"
        );
        // Latin-1 from older software.
        assert_eq!(
            read(&[0x1c, 2, 116, 0, 2, 0xa9, b'A']).copyright.as_deref(),
            Some("©A")
        );
    }

    #[test]
    fn extended_lengths_truncation_and_noise_never_panic() {
        // A 4-byte extended length claiming 4 GB, and one claiming a 9-byte length.
        assert!(datasets(&[0x1c, 2, 120, 0x80, 4, 0xff, 0xff, 0xff, 0xff, b'a']).is_empty());
        assert!(datasets(&[0x1c, 2, 120, 0x80, 9, 1, 2, 3]).is_empty());
        // A well-formed extended dataset.
        assert_eq!(
            datasets(&[0x1c, 2, 120, 0x80, 2, 0, 2, b'h', b'i']),
            [(2, 120, &b"hi"[..])]
        );
        let whole = [dataset(110, "Credit"), dataset(120, "Caption")].concat();
        for cut in 0..whole.len() {
            let _ = read(&whole[..cut]);
        }
        let mut seed = 3;
        for _ in 0..5000 {
            let len = usize::from(crate::images::embedded::tests::noise(&mut seed));
            let mut b = vec![0x1c, 2];
            b.extend((0..len).map(|_| crate::images::embedded::tests::noise(&mut seed)));
            let _ = read(&b);
        }
    }
}
