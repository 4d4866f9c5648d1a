//! A photo's own metadata: caption, credit and copyright from the EXIF of the original
//! (JPEG, PNG `eXIf`, WebP), read with `kamadak-exif`. Only the EXIF segment is read, so it
//! costs nothing beside decoding. EXIF has no licence field: the licence comes from front
//! matter only.

use crate::model::picture::ImageMeta;
use exif::{In, Tag, Value};
use std::io::Cursor;

/// The metadata of the image in `bytes`; empty when it has no EXIF or the EXIF is damaged
/// (a photo with broken metadata still shows, without a credit).
pub(super) fn read(bytes: &[u8]) -> ImageMeta {
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
}
