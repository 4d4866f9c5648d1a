//! Finding the metadata blocks inside an image file without decoding it: the XMP packet
//! (JPEG APP1 `http://ns.adobe.com/xap/1.0/`, PNG `iTXt` `XML:com.adobe.xmp`, WebP `XMP `
//! chunk) and the IPTC-IIM records (JPEG APP13 `Photoshop 3.0`, resource `0x0404`). Every
//! length read from the file is checked against what is there: a truncated or hostile file
//! yields nothing, never a panic or a read past its end.

/// The metadata blocks found in one file (borrowed from its bytes).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Blocks<'a> {
    /// The XMP packet (XML, normally UTF-8).
    pub(super) xmp: Option<&'a [u8]>,
    /// The IPTC-IIM datasets (`0x1C` records).
    pub(super) iptc: Option<&'a [u8]>,
}

/// The blocks of `bytes`, a JPEG, PNG or WebP file; empty for anything else.
pub(super) fn blocks(bytes: &[u8]) -> Blocks<'_> {
    if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        Blocks::default()
    }
}

const XMP_JPEG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";

/// JPEG: the marker segments before the first scan.
fn jpeg(bytes: &[u8]) -> Blocks<'_> {
    let mut found = Blocks::default();
    let mut at = 2;
    while let Some(&[0xff, marker, hi, lo]) = bytes.get(at..at + 4) {
        // Fill bytes before a marker.
        if marker == 0xff {
            at += 1;
            continue;
        }
        // Start of scan or end of image: no metadata segments follow.
        if marker == 0xda || marker == 0xd9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        let Some(data) = len
            .checked_sub(2)
            .and_then(|n| bytes.get(at + 4..at + 4 + n))
        else {
            break;
        };
        match marker {
            0xe1 if found.xmp.is_none() => found.xmp = data.strip_prefix(XMP_JPEG),
            0xed if found.iptc.is_none() => {
                found.iptc = data.strip_prefix(PHOTOSHOP).and_then(photoshop_iptc);
            }
            _ => {}
        }
        at += 2 + len;
    }
    found
}

/// The IPTC resource (`0x0404`) of a Photoshop image resource block: a list of `8BIM`, id,
/// Pascal-string name padded to an even length, size, data padded to an even length.
fn photoshop_iptc(mut irb: &[u8]) -> Option<&[u8]> {
    loop {
        let rest = irb.strip_prefix(b"8BIM")?;
        let id = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
        let name_len = usize::from(*rest.get(2)?);
        // The length byte and the name, padded to an even count.
        let name_total = (1 + name_len + 1) & !1;
        let size_at = 2 + name_total;
        let size = rest.get(size_at..size_at + 4)?;
        let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
        let data_at = size_at + 4;
        let data = rest.get(data_at..data_at.checked_add(size)?)?;
        if id == 0x0404 {
            return Some(data);
        }
        let next = data_at + size + (size & 1);
        irb = rest.get(next..)?;
    }
}

/// PNG: an uncompressed `iTXt` chunk with the XMP keyword (how Adobe and exiftool write it).
fn png(bytes: &[u8]) -> Blocks<'_> {
    let mut found = Blocks::default();
    let mut at = 8;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let Some(data) = at
            .checked_add(8 + len)
            .and_then(|end| bytes.get(at + 8..end))
        else {
            break;
        };
        if kind == b"iTXt" && found.xmp.is_none() {
            found.xmp = png_xmp(data);
        }
        if kind == b"IDAT" || kind == b"IEND" {
            break;
        }
        at += 12 + len;
    }
    found
}

/// The text of an `iTXt` chunk named `XML:com.adobe.xmp` when it is stored uncompressed.
fn png_xmp(data: &[u8]) -> Option<&[u8]> {
    let rest = data.strip_prefix(b"XML:com.adobe.xmp\0")?;
    // Compression flag 0, method 0, then a language tag and a translated keyword, each
    // NUL-terminated.
    let rest = rest.strip_prefix(&[0, 0])?;
    let lang_end = rest.iter().position(|&b| b == 0)?;
    let rest = &rest[lang_end + 1..];
    let keyword_end = rest.iter().position(|&b| b == 0)?;
    Some(&rest[keyword_end + 1..])
}

/// WebP: the `XMP ` chunk of an extended (`VP8X`) file.
fn webp(bytes: &[u8]) -> Blocks<'_> {
    let mut found = Blocks::default();
    let mut at = 12;
    while let Some(head) = bytes.get(at..at + 8) {
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let Some(data) = at
            .checked_add(8 + len)
            .and_then(|end| bytes.get(at + 8..end))
        else {
            break;
        };
        if &head[..4] == b"XMP " {
            found.xmp = Some(data);
            break;
        }
        at += 8 + len + (len & 1);
    }
    found
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A JPEG start with an APP1 XMP segment and an APP13 IPTC segment around `iim`.
    pub(in crate::images) fn jpeg_with(xmp: &[u8], iim: &[u8]) -> Vec<u8> {
        let mut out = vec![0xff, 0xd8];
        let mut seg = |marker: u8, body: Vec<u8>| {
            out.extend([0xff, marker]);
            out.extend(((body.len() + 2) as u16).to_be_bytes());
            out.extend(body);
        };
        seg(0xe1, [XMP_JPEG, xmp].concat());
        let mut irb = b"8BIM\x03\xed\x00\x00\x00\x00\x00\x02ab".to_vec();
        irb.extend(b"8BIM\x04\x04\x00\x00");
        irb.extend((iim.len() as u32).to_be_bytes());
        irb.extend(iim);
        seg(0xed, [PHOTOSHOP, &irb].concat());
        out.extend([0xff, 0xda, 0, 2, 1, 2, 0xff, 0xd9]);
        out
    }

    #[test]
    fn blocks_are_found_in_jpeg_png_and_webp() {
        let jpeg = jpeg_with(b"<x:xmpmeta/>", b"\x1c\x02\x50\x00\x03Ola");
        let found = blocks(&jpeg);
        assert_eq!(found.xmp, Some(&b"<x:xmpmeta/>"[..]));
        assert_eq!(found.iptc, Some(&b"\x1c\x02\x50\x00\x03Ola"[..]));

        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let text = b"XML:com.adobe.xmp\0\0\0\0\0<x/>";
        png.extend((text.len() as u32).to_be_bytes());
        png.extend(b"iTXt");
        png.extend(text);
        png.extend([0; 4]);
        assert_eq!(blocks(&png).xmp, Some(&b"<x/>"[..]));

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X".to_vec();
        webp.extend([10, 0, 0, 0]);
        webp.extend([0; 10]);
        webp.extend(b"XMP \x03\0\0\0<y>\0");
        assert_eq!(blocks(&webp).xmp, Some(&b"<y>"[..]));
    }

    /// A small deterministic generator for the fuzz-ish tests.
    pub(in crate::images) fn noise(seed: &mut u64) -> u8 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*seed >> 56) as u8
    }

    #[test]
    fn truncated_oversized_and_random_files_never_panic() {
        let jpeg = jpeg_with(b"<x:xmpmeta>abc</x:xmpmeta>", b"\x1c\x02\x50\x00\x03Ola");
        // Cut anywhere.
        for cut in 0..jpeg.len() {
            let _ = blocks(&jpeg[..cut]);
        }
        // Every length byte at its largest.
        for i in 0..jpeg.len() {
            let mut b = jpeg.clone();
            b[i] = 0xff;
            let _ = blocks(&b);
            b[i] = 0;
            let _ = blocks(&b);
        }
        // Random bytes behind each signature.
        let mut seed = 7;
        for prefix in [&b"\xff\xd8"[..], b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP"] {
            for _ in 0..2000 {
                let len = usize::from(noise(&mut seed));
                let mut b = prefix.to_vec();
                b.extend((0..len).map(|_| noise(&mut seed)));
                let _ = blocks(&b);
            }
        }
        // A resource claiming 4 GB.
        assert_eq!(
            photoshop_iptc(b"8BIM\x04\x04\x00\x00\xff\xff\xff\xff"),
            None
        );
    }
}
