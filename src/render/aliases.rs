//! Redirect pages: one per alias an item keeps for an old URL, and `/` → `/LANG/` when the
//! default language has a prefix.

use super::pages::PageJob;
use super::{Claims, Output, RenderCtx};
use crate::diag::Diagnostic;
use crate::model::Surface;

/// The one line of script on every redirect page: go to the canonical URL with the `#fragment`
/// the reader arrived with, so an old deep link (`/old/launch/#q-and-a`) lands on its anchor.
/// A meta refresh cannot carry the fragment over; it stays for readers without script. The
/// script reads its target from the canonical link instead of embedding it, so its text is the
/// same on every page and a site with a Content-Security-Policy allows it with one constant
/// hash ([`REDIRECT_SCRIPT_CSP_HASH`], documented in the README).
pub const REDIRECT_SCRIPT: &str =
    "location.replace(document.querySelector('link[rel=canonical]').href+location.hash)";

/// `'sha256-…'` of [`REDIRECT_SCRIPT`], as a CSP `script-src` source (checked by a test).
pub const REDIRECT_SCRIPT_CSP_HASH: &str = "'sha256-eWV3L+6QAkvI4ztnoctcUDGyjKpPpacf5LrhiqE2MhM='";

/// A redirect page: canonical link, the fragment-keeping script (after the link it reads),
/// meta refresh to the bare URL for readers without script, and a plain link for people.
fn redirect_page(lang: &str, target: &str) -> Vec<u8> {
    let t = crate::markdown::escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{t}\">\n<meta name=\"robots\" content=\"noindex\">\n<script>{REDIRECT_SCRIPT}</script>\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<p><a href=\"{t}\">{t}</a></p>\n</body>\n</html>\n"
    )
    .into_bytes()
}

/// The file an alias's redirect page is written to.
fn alias_file(alias: &str) -> String {
    crate::paths::SitePath::from(alias).file()
}

/// Every alias that would take a file something else writes (see [`Claims`]): an error at
/// the alias's line naming both; and every old feed URL of `[feeds.keep]` that names no feed
/// or takes another file, at its line in `site.toml`. Run before rendering, so it is reported with the site's
/// other errors and nothing is written. `pages`: every templated page of the site
/// ([`super::pages::page_jobs`]), listed once for this check and the rendering after it.
pub fn alias_collisions(ctx: &RenderCtx<'_>, pages: &[PageJob<'_>]) -> Vec<Diagnostic> {
    // Most sites have no alias and name no feed file: listing who writes every file (a
    // string for each of a 10k site's ~14,000 pages, or a photo site's ~1,400 sizes) would
    // check nothing.
    let aliases =
        (ctx.site.items.iter()).any(|i| !i.aliases.is_empty() && i.appears_in(Surface::Aliases));
    let own_feeds = ctx.site.sections.iter().any(|s| s.own_feeds.is_some());
    if !aliases && !own_feeds && ctx.config.feeds.keep.is_empty() {
        return Vec::new();
    }
    let mut claims = Claims::of_site(ctx, pages);
    let site_toml = if ctx.config.feeds.keep.is_empty() {
        String::new()
    } else {
        std::fs::read_to_string(ctx.config.root.join("site.toml")).unwrap_or_default()
    };
    // Old feed URLs first: an alias must not take one either.
    let mut diags = claims.take_feed_clashes();
    diags.extend(claims.kept_feeds(&ctx.config.feeds, &site_toml));
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

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The hash sites put in their CSP must be the hash of the script pressroom writes.
    #[test]
    fn the_documented_csp_hash_is_the_scripts() {
        let digest = Sha256::digest(REDIRECT_SCRIPT.as_bytes());
        let b64 = base64(&digest);
        assert_eq!(REDIRECT_SCRIPT_CSP_HASH, format!("'sha256-{b64}'"));
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(REDIRECT_SCRIPT_CSP_HASH),
            "README.md documents the redirect script's CSP hash"
        );
    }

    /// Standard base64 with padding (what CSP hash sources use).
    fn base64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }
}
