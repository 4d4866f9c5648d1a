//! A local image as the image stage ([`crate::images`]) made it ready for the page: its
//! original size and the derived files (each width in the original's format and in WebP)
//! that a `<picture>` offers. The Markdown stage reads these to write the markup.

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
    /// The same sizes in WebP, narrowest first.
    pub webp: Vec<Variant>,
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
