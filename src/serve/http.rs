//! HTTP helpers for the preview server: safe path resolution and content types.

/// The content type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// Decodes a request path into a site path, or None when it tries to leave the site
/// (`..`, encoded `..`, backslashes, NUL).
pub fn site_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(decoded).ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if out != "/" && (decoded.ends_with('/') || decoded.ends_with("/.")) {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(site_path("/press/x/").as_deref(), Some("/press/x/"));
        assert_eq!(site_path("/").as_deref(), Some("/"));
        assert_eq!(site_path("/a%20b.html?x=1").as_deref(), Some("/a b.html"));
        assert_eq!(site_path("/../site.toml"), None);
        assert_eq!(site_path("/%2e%2e/site.toml"), None);
        assert_eq!(site_path("/%2E%2E%2Fsite.toml"), None);
        assert_eq!(site_path("/a/..%5c..%5csite.toml"), None);
        assert_eq!(
            site_path("//etc/passwd").as_deref(),
            Some("/etc/passwd"),
            "stays inside the site"
        );
        assert_eq!(site_path("/%"), Some("/%".into()));
    }
}
