//! A press kit's ZIP in the preview: written from the kit's originals when it is asked for,
//! straight into the connection in blocks, by the writer `build` uses
//! ([`crate::render::zip::write_kit`]): the built site's bytes, and a kit of b-roll videos is
//! never held in memory. Its length follows from the files' sizes, so `HEAD` and
//! `Content-Length` are exact before a byte is read.
//!
//! The ZIP's headers carry each file's CRC-32 and size as the last rebuild read them. A file
//! changed since (its [stamp](crate::stamp) is not the one its sums were read under) would
//! give an archive that contradicts itself, so the request is answered `503 Service
//! Unavailable` naming the file: the watcher has seen the change, and the rebuild it starts
//! serves the new ZIP. A file changed between that check and its copy is caught by the
//! writer's own CRC check, which stops the body short of its announced length: the client
//! sees an interrupted download, never a complete-looking damaged archive.

use super::http;
use crate::model::media::{Asset, Kit};
use crate::render::zip;
use std::io::Write;

/// Sends `kit`'s ZIP (its length only, for `HEAD`), or a 503 when one of its files changed
/// since the rebuild.
pub(super) fn respond(out: &mut impl Write, kit: &Kit, with_body: bool) -> std::io::Result<()> {
    if let Some(asset) = changed(kit) {
        let message = format!(
            "`content/{}/{}/{}` changed after the preview was built, so its ZIP would not match it; pressroom is building the preview again: reload in a moment.\n",
            crate::content::media::DIR,
            kit.id,
            asset.file
        );
        let headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Retry-After", "1"),
        ];
        return http::respond(out, 503, &headers, message.as_bytes(), with_body);
    }
    let headers = [
        ("Content-Type", http::content_type(&kit.zip_path())),
        ("Cache-Control", "no-store"),
    ];
    let write = |out: &mut dyn Write| zip::write_kit(kit, out);
    http::respond_written(out, 200, &headers, zip::size(kit), &write, with_body)
}

/// The first of the kit's files that no longer has the stamp its sums were read under.
fn changed(kit: &Kit) -> Option<&Asset> {
    (kit.assets.iter()).find(|a| a.stamp.is_some() && crate::stamp::source_stamp(&a.abs) != a.stamp)
}

/// Whether two builds' kits give the same ZIP from the same files, as the rebuild read them.
pub(super) fn same(a: &Kit, b: &Kit) -> bool {
    let same_file = |(x, y): (&Asset, &Asset)| {
        (x.file == y.file && x.abs == y.abs)
            && (x.size, x.crc32, x.stamp) == (y.size, y.crc32, y.stamp)
    };
    a.id == b.id
        && a.assets.len() == b.assets.len()
        && (a.assets.iter().zip(&b.assets)).all(same_file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A kit of one file, its sums and stamp read as assembly reads them.
    fn kit(dir: &std::path::Path) -> Kit {
        let abs = dir.join("facts.pdf");
        let (sums, stamp) = crate::model::file_sums::SumsCache::load(dir)
            .stamped(&abs)
            .expect("sums");
        let bytes = std::fs::read(&abs).expect("read");
        let asset = Asset {
            sha256: sums.sha256,
            stamp,
            ..zip::tests::asset("facts.pdf", abs, &bytes)
        };
        zip::tests::kit(vec![asset])
    }

    /// The response's status line, headers and body.
    fn answer(kit: &Kit, with_body: bool) -> (String, Vec<u8>) {
        let mut out = Vec::new();
        respond(&mut out, kit, with_body).expect("written");
        let end = out.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
        let body = out.split_off(end);
        (String::from_utf8(out).expect("head text"), body)
    }

    /// The ZIP is the one `build` writes, its length announced for `HEAD` too; once a file
    /// changes after the rebuild (same length, even with its time set back), no ZIP is sent
    /// with the old CRC: a 503 names the file.
    #[test]
    fn a_kit_zip_is_builds_and_refused_once_a_file_changed() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("facts.pdf"), "%PDF-1.4 facts\n").expect("write");
        let kit = kit(dir.path());
        let mut built = Vec::new();
        zip::write_kit(&kit, &mut built).expect("zip");
        let (head, body) = answer(&kit, true);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Content-Type: application/zip\r\n"), "{head}");
        let length = format!("Content-Length: {}\r\n", built.len());
        assert!(head.contains(&length), "{head}");
        assert!(body == built, "the bytes build writes");
        let (head_only, nothing) = answer(&kit, false);
        assert_eq!((head_only.as_str(), nothing.len()), (head.as_str(), 0));
        crate::stamp::overwrite_keeping_mtime(&kit.assets[0].abs, b"%PDF-1.4 FACTS\n");
        let (head, body) = answer(&kit, true);
        assert!(head.starts_with("HTTP/1.1 503 "), "{head}");
        assert!(head.contains("Retry-After: 1\r\n"), "{head}");
        let body = String::from_utf8(body).expect("text");
        assert!(
            body.contains("`content/media/kit/facts.pdf` changed after the preview was built"),
            "{body}"
        );
    }
}
