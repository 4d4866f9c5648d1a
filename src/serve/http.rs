//! HTTP for the preview server: reading a request head within fixed limits, writing a
//! response, opening a file under the site without following links, content types and safe
//! path resolution.
//!
//! The server reads request heads itself (not through an HTTP library) so that it can bound
//! them: tiny_http, used before, buffered a request line or header of any length (one 200 MB
//! header: +356 MiB of memory). One connection carries one request (`Connection: close`).

use std::io::{BufRead, Read, Write};

/// The longest request line accepted (method, target, version); longer gets 414.
pub const MAX_REQUEST_LINE: usize = 8 << 10;
/// The most header bytes accepted (all lines together); more gets 431.
pub const MAX_HEADERS: usize = 64 << 10;

/// What a request head asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target as sent (`/press/?x=1`).
    pub target: String,
}

/// Why a request head was refused: the status to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// The connection closed or timed out before the head ended: nothing to answer.
    Closed,
    /// Not an HTTP request line: 400.
    BadRequest,
    /// Request line over [`MAX_REQUEST_LINE`]: 414.
    UriTooLong,
    /// Headers over [`MAX_HEADERS`]: 431.
    HeadersTooLarge,
}

impl HeadError {
    /// The status code and its reason phrase.
    pub fn status(self) -> Option<u16> {
        match self {
            HeadError::Closed => None,
            HeadError::BadRequest => Some(400),
            HeadError::UriTooLong => Some(414),
            HeadError::HeadersTooLarge => Some(431),
        }
    }
}

/// Reads one line of at most `limit` bytes (without its line end); `Ok(None)` when longer.
/// Never holds more than `limit + 1` bytes, whatever the client sends.
fn read_line(r: &mut impl BufRead, limit: usize) -> Result<Option<Vec<u8>>, HeadError> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(limit as u64 + 2)
        .read_until(b'\n', &mut buf)
        .map_err(|_| HeadError::Closed)?;
    if n == 0 {
        return Err(HeadError::Closed);
    }
    if buf.last() != Some(&b'\n') {
        return if buf.len() > limit {
            Ok(None)
        } else {
            Err(HeadError::Closed)
        };
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok((buf.len() <= limit).then_some(buf))
}

/// Reads a request head: the request line within [`MAX_REQUEST_LINE`] and the headers within
/// [`MAX_HEADERS`] in all. Header values are not kept: the preview needs none of them.
pub fn read_head(r: &mut impl BufRead) -> Result<Head, HeadError> {
    let line = read_line(r, MAX_REQUEST_LINE)?.ok_or(HeadError::UriTooLong)?;
    let line = String::from_utf8(line).map_err(|_| HeadError::BadRequest)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::BadRequest);
    };
    if method.is_empty() || !target.starts_with('/') || !version.starts_with("HTTP/1.") {
        return Err(HeadError::BadRequest);
    }
    let mut left = MAX_HEADERS;
    loop {
        let header = read_line(r, left)?.ok_or(HeadError::HeadersTooLarge)?;
        if header.is_empty() {
            break;
        }
        left = left.saturating_sub(header.len() + 2);
        if left == 0 {
            return Err(HeadError::HeadersTooLarge);
        }
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
    })
}

/// The reason phrase of a status the server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes a whole response and closes the connection's sending side. `body` is left out for
/// `HEAD` requests (`with_body` false), its length still announced.
pub fn respond(
    out: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let mut body = body;
    respond_streamed(
        out,
        status,
        headers,
        body.len() as u64,
        &mut body,
        with_body,
    )
}

/// [`respond`] with a body of `len` bytes copied from `body` in blocks as it is sent, so a
/// kit's video is never held in memory. A body that ends early closes the connection short
/// of the announced length, which the client sees as an interrupted download.
pub fn respond_streamed(
    out: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    len: u64,
    body: &mut dyn Read,
    with_body: bool,
) -> std::io::Result<()> {
    out.write_all(status_and_headers(status, headers, len).as_bytes())?;
    if with_body {
        std::io::copy(&mut body.take(len), out)?;
    }
    out.flush()
}

/// [`respond_streamed`] with a body that `write` writes into the connection as it makes it
/// (a kit's ZIP, read from its originals), announced as `len` bytes. An error of `write`'s
/// closes the connection short of that length, which the client sees as an interrupted
/// download, never as a whole file.
pub fn respond_written(
    out: &mut dyn Write,
    status: u16,
    headers: &[(&str, &str)],
    len: u64,
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
    with_body: bool,
) -> std::io::Result<()> {
    out.write_all(status_and_headers(status, headers, len).as_bytes())?;
    if with_body {
        write(out)?;
    }
    out.flush()
}

/// A response's status line and headers, through the blank line that ends them.
fn status_and_headers(status: u16, headers: &[(&str, &str)], len: u64) -> String {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {len}\r\nConnection: close\r\n",
        reason(status),
    );
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head
}

/// Reads `rel` (a `/`-separated path) under the folder `root`: see [`open_under`].
pub fn read_under(root: &std::path::Path, rel: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    open_under(root, rel)?.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Opens the file `rel` (a `/`-separated path) under the folder `root`, opening each folder
/// and the file relative to the one before with `O_NOFOLLOW`: a component that is a symbolic
/// link (even one swapped in while the server runs) fails the open, so checking and reading
/// are one step. None for anything but a regular file.
#[cfg(unix)]
pub fn open_under(root: &std::path::Path, rel: &str) -> Option<std::fs::File> {
    use std::ffi::CString;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    let open = |dir: libc::c_int, name: &[u8], flags: libc::c_int| -> Option<OwnedFd> {
        let name = CString::new(name).ok()?;
        // SAFETY: `name` is a valid C string; the returned descriptor is owned right away.
        let fd = unsafe {
            libc::openat(
                dir,
                name.as_ptr(),
                flags | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            )
        };
        // SAFETY: a non-negative `fd` was just opened and nothing else owns it.
        (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
    };
    use std::os::fd::AsRawFd;
    let root = std::ffi::CString::new(root.as_os_str().as_bytes()).ok()?;
    // SAFETY: `root` is a valid C string; the descriptor is owned right away.
    let fd = unsafe {
        libc::open(
            root.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return None;
    }
    // SAFETY: just opened, owned by nothing else.
    let mut dir = unsafe { OwnedFd::from_raw_fd(fd) };
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let (file, folders) = parts.split_last()?;
    for part in folders {
        if *part == ".." || *part == "." {
            return None;
        }
        dir = open(
            dir.as_raw_fd(),
            part.as_bytes(),
            libc::O_RDONLY | libc::O_DIRECTORY,
        )?;
    }
    if *file == ".." || *file == "." {
        return None;
    }
    let fd = open(
        dir.as_raw_fd(),
        file.as_bytes(),
        libc::O_RDONLY | libc::O_NONBLOCK,
    )?;
    let f = std::fs::File::from(fd);
    f.metadata().ok()?.is_file().then_some(f)
}

/// Elsewhere: refuses a path whose real location is not where it seems (checked, then opened).
#[cfg(not(unix))]
pub fn open_under(root: &std::path::Path, rel: &str) -> Option<std::fs::File> {
    let path = root.join(rel);
    let real = path.canonicalize().ok()?;
    if real != root.canonicalize().ok()?.join(rel) || !real.is_file() {
        return None;
    }
    std::fs::File::open(real).ok()
}

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
        "ics" => "text/calendar; charset=utf-8",
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
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Decodes a request path into a site path, or None when it tries to leave the site
/// (`..`, encoded `..`, backslashes, NUL).
pub fn site_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next().unwrap_or("/");
    let decoded = crate::percent::decode(path);
    if decoded.malformed {
        return None;
    }
    let decoded = String::from_utf8(decoded.bytes).ok()?;
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

    fn head(raw: &[u8]) -> Result<Head, HeadError> {
        read_head(&mut std::io::BufReader::new(raw))
    }

    #[test]
    fn request_heads_are_bounded() {
        let ok = head(b"GET /a/?x HTTP/1.1\r\nHost: x\r\n\r\n").expect("a head");
        assert_eq!((ok.method.as_str(), ok.target.as_str()), ("GET", "/a/?x"));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(head(long.as_bytes()), Err(HeadError::UriTooLong));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEADERS));
        assert_eq!(head(big.as_bytes()), Err(HeadError::HeadersTooLarge));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: 1234567890\r\n".repeat(MAX_HEADERS / 15 + 1)
        );
        assert_eq!(head(many.as_bytes()), Err(HeadError::HeadersTooLarge));
        let fits = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: 12345678\r\n".repeat(MAX_HEADERS / 14 - 1)
        );
        assert!(head(fits.as_bytes()).is_ok());
        assert_eq!(head(b"nonsense\r\n\r\n"), Err(HeadError::BadRequest));
        assert_eq!(head(b"GET / HTTP/1.1\r\nHost"), Err(HeadError::Closed));
    }

    #[cfg(unix)]
    #[test]
    fn reading_under_a_root_never_follows_links() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static/sub")).expect("mkdir");
        std::fs::write(root.join("static/sub/a.txt"), "inside").expect("write");
        std::fs::write(dir.path().join("secret.txt"), "outside").expect("write");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("static/link.txt"))
            .expect("link");
        std::os::unix::fs::symlink(dir.path(), root.join("static/dirlink")).expect("link");
        assert_eq!(
            read_under(&root, "static/sub/a.txt").as_deref(),
            Some(&b"inside"[..])
        );
        assert_eq!(read_under(&root, "static/link.txt"), None);
        assert_eq!(read_under(&root, "static/dirlink/secret.txt"), None);
        assert_eq!(read_under(&root, "static/../../secret.txt"), None);
        assert_eq!(read_under(&root, "static/sub"), None, "a folder is no file");
    }

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
