//! The media library's pages: `/media/` (every published kit with its files' thumbnails) and
//! a page per kit (`/media/KIT/`) listing each file at its own anchor with its metadata and
//! download links, the kit's ZIP, and JSON-LD describing each file (`ImageObject` with
//! `creditText`, `copyrightNotice`, `license`, `acquireLicensePage`). One page per kit rather
//! than one per file: a journalist on deadline wants a story's files and their credits side
//! by side, and every file still has a link of its own (its anchor).

use super::{Jobs, PageJob, RenderCtx, structured, views};
use crate::config::Config;
use crate::content::media::DIR;
use crate::model::Surface;
use crate::model::media::{AssetKind, Kit};
use serde_json::{Value, json};

/// The library page in each language the library has kits in, and each kit version's page.
pub(super) fn jobs<'a>(ctx: &'a RenderCtx<'_>, jobs: &mut Jobs<'a, '_>) {
    let site = ctx.site;
    // Its pages show and name no item.
    if !site.media.shows(Surface::Page) || !jobs.pick.every() {
        return;
    }
    let languages = site.media.languages();
    for lang in &languages {
        jobs.push(library_job(ctx, lang, &languages));
    }
    for kit in (site.media.kits.iter()).filter(|k| k.appears_in(Surface::Page)) {
        jobs.push(kit_job(ctx, kit));
    }
}

/// `/media/` in `lang` (`/fr/media/`): every kit, in `lang` where it is translated, else in
/// its own language.
fn library_job<'a>(
    ctx: &'a RenderCtx<'_>,
    lang: &'a str,
    languages: &std::collections::BTreeSet<&str>,
) -> PageJob<'a> {
    let (config, site) = (ctx.config, ctx.site);
    let owner = format!("content/{DIR}/_index.md");
    let others: Vec<String> = (languages.iter())
        .filter(|l| **l != lang)
        .map(|l| l.to_string())
        .collect();
    PageJob::new(
        "media.html",
        lang,
        library_path(config, lang),
        owner,
        vec![],
        move || {
            let kits: Vec<Value> = (site.media.kits_for(lang))
                .filter(|k| k.appears_in(Surface::SectionLists))
                .map(|k| {
                    let size = Some(crate::render::zip::size(k));
                    views::to_value(&views::media::kit_view(config, k, size, |_| true))
                })
                .collect();
            let library = json!({
                "title": site.media.title,
                "summary": site.media.summary,
                "kits": kits,
            });
            let translations = super::lang_alternates(config, lang, |l| library_path(config, l))
                .into_iter()
                .filter(|t| others.iter().any(|o| t["lang"] == o.as_str()))
                .collect();
            (vec![("library", library)], translations)
        },
    )
}

/// The library's page in `lang`.
fn library_path(config: &Config, lang: &str) -> String {
    format!("{}/{DIR}/", config.lang_prefix(lang))
}

/// One version of a kit: its page in its language, linked to its other versions.
fn kit_job<'a>(ctx: &'a RenderCtx<'_>, kit: &'a Kit) -> PageJob<'a> {
    let (config, site) = (ctx.config, ctx.site);
    PageJob::new(
        "media_kit.html",
        &kit.lang,
        &kit.path,
        &kit.rel,
        vec![],
        move || {
            let size = Some(crate::render::zip::size(kit));
            let view = views::media::kit_view(config, kit, size, |_| true);
            let ld = structured::script_safe(&kit_jsonld(config, kit));
            let translations = (site.media.versions_of(kit))
                .filter(|v| v.appears_in(Surface::Page))
                .map(|v| {
                    let url = config.url(&v.path);
                    views::to_value(&views::Alternate {
                        lang: &v.lang,
                        name: &config.language(&v.lang).name,
                        permalink: config.permalink(&url),
                        url,
                        title: &v.title,
                    })
                })
                .collect();
            (
                vec![
                    ("kit", views::to_value(&view)),
                    ("jsonld", Value::String(ld)),
                ],
                translations,
            )
        },
    )
}

/// The kit page's JSON-LD: a `CollectionPage` whose parts are its files, each an
/// `ImageObject` (photos, graphics), `VideoObject`, `AudioObject` or `MediaObject`.
fn kit_jsonld(config: &Config, kit: &Kit) -> Value {
    let page = config.permalink(&config.url(&kit.path));
    let parts: Vec<Value> = kit
        .assets
        .iter()
        .map(|a| {
            let kind = match a.kind {
                AssetKind::Photo | AssetKind::Graphic => "ImageObject",
                AssetKind::Video => "VideoObject",
                AssetKind::Audio => "AudioObject",
                _ => "MediaObject",
            };
            let mut v = json!({
                "@type": kind,
                "@id": format!("{page}#{}", a.anchor),
                "name": a.title,
                "contentUrl": config.permalink(&config.url(&a.path)),
                "encodingFormat": a.mime,
                "contentSize": a.size.to_string(),
                "sha256": a.sha256,
                "acquireLicensePage": page,
            });
            let fields = [
                ("caption", a.caption.clone()),
                ("creditText", a.credit.clone()),
                ("copyrightNotice", a.copyright.clone()),
                ("inLanguage", a.language.clone()),
                ("description", a.alt.clone()),
                (
                    "license",
                    a.licence.map(|l| {
                        l.url()
                            .map_or_else(|| format!("{page}#licence"), str::to_string)
                    }),
                ),
            ];
            for (key, value) in fields {
                if let Some(value) = value {
                    v[key] = Value::String(value);
                }
            }
            if let Some((w, h)) = a.pixels {
                v["width"] = w.into();
                v["height"] = h.into();
            }
            v
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": kit.title,
        "inLanguage": kit.lang,
        "url": page,
        "hasPart": parts,
    })
}
