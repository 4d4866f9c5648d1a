//! A photo's own metadata: caption, credit, copyright and licence from the original's XMP
//! ([`super::xmp`]), IPTC-IIM ([`super::iptc`]) and EXIF (JPEG, PNG `eXIf`, WebP, read with
//! `kamadak-exif`), field by field in that order of precedence: XMP is what current photo
//! software edits, IIM what older agency software wrote, EXIF what the camera wrote (often
//! `IMG_0042` as a description). Front matter wins over all three ([`ImageMeta::overridden_by`]
//! at the caller). Only the metadata segments are read, so it costs nothing beside decoding.

use crate::model::picture::ImageMeta;
use exif::{In, Tag, Value};
use std::io::Cursor;

/// The metadata of the image in `bytes`; empty when it has no EXIF or the EXIF is damaged
/// (a photo with broken metadata still shows, without a credit).
pub(super) fn read(bytes: &[u8]) -> ImageMeta {
    let blocks = super::embedded::blocks(bytes);
    let iptc = blocks.iptc.map(super::iptc::read).unwrap_or_default();
    let xmp = blocks.xmp.map(super::xmp::read).unwrap_or_default();
    read_exif(bytes).overridden_by(&iptc).overridden_by(&xmp)
}

/// Caption, credit and copyright from EXIF (which has no licence field).
fn read_exif(bytes: &[u8]) -> ImageMeta {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return ImageMeta::default();
    };
    let text = |tag: Tag| {
        let field = exif.get_field(tag, In::PRIMARY)?;
        ascii(&field.value)
    };
    ImageMeta {
        caption: text(Tag::ImageDescription),
        credit: text(Tag::Artist),
        copyright: text(Tag::Copyright),
        licence: None,
    }
}

/// An ASCII field as text: its parts (the `Copyright` tag holds the photographer's and the
/// editor's, NUL-separated) trimmed and joined; None when blank. Cameras write UTF-8 into
/// "ASCII" fields, so bytes are read as UTF-8, lossily.
fn ascii(value: &Value) -> Option<String> {
    let Value::Ascii(parts) = value else {
        return None;
    };
    let parts: Vec<String> = parts
        .iter()
        .map(|p| {
            String::from_utf8_lossy(p)
                .trim_matches(['\0', ' '])
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copyright_parts_are_joined_and_blank_fields_are_none() {
        let v = Value::Ascii(vec![b"(c) Jane".to_vec(), b" ".to_vec(), b"Acme".to_vec()]);
        assert_eq!(ascii(&v).as_deref(), Some("(c) Jane; Acme"));
        assert_eq!(ascii(&Value::Ascii(vec![b"  \0".to_vec()])), None);
        assert_eq!(read(b"not an image"), ImageMeta::default());
    }

    #[test]
    fn xmp_wins_over_iptc_field_by_field() {
        use crate::images::{embedded::tests::jpeg_with, iptc::tests::dataset};
        let iim = [
            dataset(110, "IIM credit"),
            dataset(116, "IIM copyright"),
            dataset(120, "IIM caption"),
        ]
        .concat();
        let xmp = br#"<rdf:Description photoshop:Credit="XMP credit"/>"#;
        let meta = read(&jpeg_with(xmp, &iim));
        assert_eq!(meta.credit.as_deref(), Some("XMP credit"));
        assert_eq!(meta.copyright.as_deref(), Some("IIM copyright"));
        assert_eq!(meta.caption.as_deref(), Some("IIM caption"));
        assert_eq!(meta.licence, None);
    }
}
