//! A local image as the image stage ([`crate::images`]) made it ready for the page: its
//! original size and the derived files (each width in the original's format, and in AVIF
//! and WebP as `[images] formats` asks) that a `<picture>` offers. The Markdown stage reads these to write the markup.

use std::collections::BTreeMap;

/// One derived file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Variant {
    /// Its URL (with the base path), as `srcset` names it.
    pub url: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

/// A local image and its derived sizes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Picture {
    /// The original's width in pixels.
    pub width: u32,
    /// The original's height in pixels.
    pub height: u32,
    /// The fallback format's MIME type (`image/jpeg` or `image/png`).
    pub fallback_type: &'static str,
    /// The sizes in the original's format (JPEG or PNG), narrowest first; never empty.
    pub fallback: Vec<Variant>,
    /// The same sizes in AVIF, narrowest first (empty when `[images] formats` leaves it out).
    pub avif: Vec<Variant>,
    /// The same sizes in WebP, narrowest first (empty when `[images] formats` leaves it out).
    pub webp: Vec<Variant>,
    /// Caption, credit, copyright and licence: the original's XMP, IPTC and EXIF, overridden
    /// for the lead image by the item's front matter.
    pub meta: ImageMeta,
}

impl Picture {
    /// The widest fallback: the `<img>`'s `src`, `width` and `height`.
    pub fn largest(&self) -> &Variant {
        self.fallback
            .last()
            .expect("a picture has at least one size (see images::plan_widths)")
    }
}

/// An item's pictures, by the image destination as written in its Markdown.
pub type Pictures = BTreeMap<String, Picture>;

/// What a photo says about itself, for captions and `ImageObject`: read from the original's
/// XMP, IPTC-IIM and EXIF (in that order of precedence, field by field; see
/// `images::meta`), each field overridable by front matter (`image_caption`, `image_credit`,
/// `image_copyright`, `image_licence`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageMeta {
    /// What the photo shows.
    pub caption: Option<String>,
    /// Who made it (the photographer, or `Name/Agency`).
    pub credit: Option<String>,
    /// The copyright notice, e.g. `© 2026 Acme Corp`.
    pub copyright: Option<String>,
    /// The licence under which it may be used: best a URL (`ImageObject.license`).
    pub licence: Option<String>,
}

impl ImageMeta {
    /// `self` with every field `over` sets replaced by it (front matter wins over the photo's own).
    pub fn overridden_by(&self, over: &ImageMeta) -> ImageMeta {
        let pick = |a: &Option<String>, b: &Option<String>| b.clone().or_else(|| a.clone());
        ImageMeta {
            caption: pick(&self.caption, &over.caption),
            credit: pick(&self.credit, &over.credit),
            copyright: pick(&self.copyright, &over.copyright),
            licence: pick(&self.licence, &over.licence),
        }
    }

    /// Whether it says nothing.
    pub fn is_empty(&self) -> bool {
        *self == ImageMeta::default()
    }
}
