//! The markup of a processed local image: a `<picture>` offering AVIF, WebP and the original's
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
/// thing above the fold. Its alt text is the headline it illustrates. With a caption or a
/// credit (EXIF or front matter) it is a figure captioned by them.
pub(super) fn lead_html(p: &Picture, headline: &str) -> String {
    let picture = picture_loaded(p, headline, None, "fetchpriority=\"high\"");
    let caption = p.meta.caption.as_deref().unwrap_or_default();
    match figcaption(caption, p) {
        Some(figcaption) => {
            format!("<figure class=\"lead-image\">{picture}{figcaption}</figure>")
        }
        None => format!("<div class=\"lead-image\">{picture}</div>"),
    }
}

/// `<figcaption>` of `caption` and the photo's credit (`<span class="credit">`), or None when
/// both are empty.
fn figcaption(caption: &str, p: &Picture) -> Option<String> {
    let credit = p.meta.credit.as_deref().filter(|c| !c.trim().is_empty());
    if caption.trim().is_empty() && credit.is_none() {
        return None;
    }
    let credit = credit
        .map(|c| format!(" <span class=\"credit\">{}</span>", escape_html(c)))
        .unwrap_or_default();
    Some(format!(
        "<figcaption>{}{credit}</figcaption>",
        escape_html(caption.trim())
    ))
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
    // AVIF first: a browser takes the first source whose type it reads.
    let sources: String = [("image/avif", &p.avif), ("image/webp", &p.webp)]
        .into_iter()
        .filter(|(_, variants)| !variants.is_empty())
        .map(|(mime, variants)| {
            format!(
                "<source type=\"{mime}\" srcset=\"{}\" sizes=\"{sizes}\">",
                srcset(variants)
            )
        })
        .collect();
    format!(
        "<picture>{sources}<img src=\"{src}\" srcset=\"{fallback}\" sizes=\"{sizes}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\"{title} {loading} decoding=\"async\"></picture>",
        fallback = srcset(&p.fallback),
        src = escape_html(&img.url),
        w = img.width,
        h = img.height,
        alt = escape_html(alt),
    )
}

/// A titled image alone in its paragraph: a figure captioned by its title and the photo's
/// credit.
pub(super) fn figure_html(p: &Picture, alt: &str, caption: &str) -> String {
    format!(
        "<figure class=\"figure\">{}{}</figure>\n",
        picture_html(p, alt, None),
        figcaption(caption, p).unwrap_or_default()
    )
}
