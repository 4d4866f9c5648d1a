//! The markup of a processed local image: a `<picture>` offering WebP and the original's
//! format at every derived width, its `<img>` sized (no layout shift while it loads), lazy and
//! decoded off the main thread; inside a `<figure>` with its title as caption when it stands
//! alone in its paragraph.

use super::html::escape_html;
use crate::model::picture::{Picture, Variant};

/// `url 480w, url 960w`.
fn srcset(variants: &[Variant]) -> String {
    variants
        .iter()
        .map(|v| format!("{} {}w", escape_html(&v.url), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `<picture>` of `p`, with `alt`, and `title` as a tooltip when it is not a caption.
pub(super) fn picture_html(p: &Picture, alt: &str, title: Option<&str>) -> String {
    picture_loaded(p, alt, title, "loading=\"lazy\"")
}

/// An item's lead image (front-matter `image`): fetched at once and first, as the largest
/// thing above the fold. Its alt text is the headline it illustrates.
pub(super) fn lead_html(p: &Picture, headline: &str) -> String {
    format!(
        "<div class=\"lead-image\">{}</div>",
        picture_loaded(p, headline, None, "fetchpriority=\"high\"")
    )
}

/// The `<picture>` with `loading` as the `<img>`'s loading attributes.
fn picture_loaded(p: &Picture, alt: &str, title: Option<&str>, loading: &str) -> String {
    let img = p.largest();
    // Full column width up to the widest size, never wider than it.
    let sizes = format!("(max-width: {0}px) 100vw, {0}px", img.width);
    let title = title
        .filter(|t| !t.is_empty())
        .map(|t| format!(" title=\"{}\"", escape_html(t)))
        .unwrap_or_default();
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{sizes}\"><img src=\"{src}\" srcset=\"{fallback}\" sizes=\"{sizes}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\"{title} {loading} decoding=\"async\"></picture>",
        webp = srcset(&p.webp),
        fallback = srcset(&p.fallback),
        src = escape_html(&img.url),
        w = img.width,
        h = img.height,
        alt = escape_html(alt),
    )
}

/// A titled image alone in its paragraph: a figure captioned by its title.
pub(super) fn figure_html(p: &Picture, alt: &str, caption: &str) -> String {
    format!(
        "<figure class=\"figure\">{}<figcaption>{}</figcaption></figure>\n",
        picture_html(p, alt, None),
        escape_html(caption)
    )
}
