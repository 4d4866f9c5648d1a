//! Redirect pages: one per alias an item keeps for an old URL, and `/` → `/LANG/` when the
//! default language has a prefix.

use super::{Claims, Output, RenderCtx};
use crate::diag::Diagnostic;
use crate::model::Surface;

/// A redirect page: meta refresh, canonical link, and a plain link for people.
fn redirect_page(lang: &str, target: &str) -> Vec<u8> {
    let t = crate::markdown::escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p><a href=\"{t}\">{t}</a></p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// The file an alias's redirect page is written to.
fn alias_file(alias: &str) -> String {
    crate::paths::SitePath::from(alias).file()
}

/// Every alias that would take a file something else writes (see [`Claims`]): an error at
/// the alias's line naming both. Run before rendering, so it is reported with the site's
/// other errors and nothing is written.
pub fn alias_collisions(ctx: &RenderCtx<'_>) -> Vec<Diagnostic> {
    let mut claims = Claims::of_site(ctx);
    let mut diags = Vec::new();
    for item in &ctx.site.items {
        if !item.appears_in(Surface::Aliases) {
            continue;
        }
        for alias in &item.aliases {
            if let Err(d) = claims.alias(item, alias, &alias_file(alias)) {
                diags.push(d);
            }
        }
    }
    diags
}

/// A redirect page for each alias, and `/` → `/LANG/` when the default language has a prefix.
pub(super) fn outputs(ctx: &RenderCtx<'_>) -> Vec<Output> {
    let mut out = Vec::new();
    for item in &ctx.site.items {
        if !item.appears_in(Surface::Aliases) {
            continue;
        }
        let target = ctx.config.permalink(&ctx.config.url(&item.path));
        for alias in &item.aliases {
            out.push(Output {
                path: alias_file(alias),
                bytes: redirect_page(&item.lang, &target),
            });
        }
    }
    let config = ctx.config;
    if config.prefix_default_language {
        let home = config.permalink(&config.url(&format!(
            "{}/",
            config.lang_prefix(&config.default_language)
        )));
        out.push(Output {
            path: "/index.html".into(),
            bytes: redirect_page(&config.default_language, &home),
        });
    }
    out
}
