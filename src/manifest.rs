//! The build manifest: every output file with its SHA-256 and size, the site's `base_url` and
//! the next embargo-lift time.
//!
//! `build` writes it as `.pressroom-manifest.json` at the top of the output folder, inside the
//! staging folder that is swapped in whole, so the manifest always describes exactly the output
//! beside it (an output folder with a manifest from another build cannot exist). It is sorted and
//! holds no clock reading, so two builds of the same input are byte-identical, manifest
//! included. It is never part of the site: `serve` never has it, `deploy` never uploads it as a
//! file. `deploy` stores its own copy at the target, with `next_embargo_lift` left out, and
//! compares the two to find what changed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name, at the top of the output folder and of a deployment.
pub const FILE: &str = ".pressroom-manifest.json";

/// The manifest format this pressroom writes and reads.
pub const VERSION: u32 = 1;

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

impl Entry {
    /// The entry for `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Entry {
            sha256: hex(&Sha256::digest(bytes)),
            size: bytes.len() as u64,
        }
    }
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// What a manifest says besides its files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The site's `base_url` (after `--base-url`).
    pub base_url: String,
    /// The next embargo-lift time, RFC 3339 UTC, if an item is held back.
    pub next_embargo_lift: Option<String>,
    /// A `--drafts` build: it shows drafts and embargoed items, and is never deployable.
    pub drafts: bool,
    /// Where the public publication record (`/corrections/record.json`) ends.
    pub record: Option<RecordHead>,
}

/// The end of a public publication record: how many events, and the last link of the chain.
/// A deployment keeps it, so the next deploy can refuse a record that does not continue it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordHead {
    /// How many events.
    pub events: usize,
    /// The chain's last link (empty with no events).
    pub head: String,
}

/// A build's (or a deployment's) files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `pressroom`.
    pub generator: String,
    /// The format version ([`VERSION`]).
    pub version: u32,
    /// The site's `base_url`: changed URLs for a CDN purge are made from it.
    pub base_url: String,
    /// The next embargo-lift time (RFC 3339 UTC), or null: schedule a rebuild then. Always null
    /// in a deployment's copy, which may be publicly readable.
    #[serde(default)]
    pub next_embargo_lift: Option<String>,
    /// True for a `--drafts` build (drafts and embargoed items included): `deploy` refuses it.
    /// Written only when true, so deployable manifests are as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drafts: bool,
    /// Where the build's public publication record ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordHead>,
    /// Every file by site path (`/press/x/index.html`), sorted.
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// A manifest of `files` with `header`.
    pub fn new(header: &Header, files: BTreeMap<String, Entry>) -> Self {
        Manifest {
            generator: "pressroom".into(),
            version: VERSION,
            base_url: header.base_url.clone(),
            next_embargo_lift: header.next_embargo_lift.clone(),
            drafts: header.drafts,
            record: header.record.clone(),
            files,
        }
    }

    /// An empty manifest (nothing deployed yet).
    pub fn empty() -> Self {
        Manifest::new(&Header::default(), BTreeMap::new())
    }

    /// The manifest as written: pretty JSON, keys in a fixed order, ending with a newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Parses a manifest; `what` names it in errors.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self> {
        let m: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| Error::Other(format!("{what} is not a pressroom manifest: {e}")))?;
        if m.version > VERSION {
            return Err(Error::Other(format!(
                "{what} has manifest version {}, written by a newer pressroom; this one reads version {VERSION}",
                m.version
            )));
        }
        Ok(m)
    }

    /// Whether `bytes` are a manifest written by pressroom, of a version this one reads: what
    /// makes a folder pressroom's output. The file list is skipped, not built: a 10k-item
    /// site's manifest lists ~21,000 files, which a full parse made into a map before every
    /// build only to read two fields.
    pub fn is_pressroom(bytes: &[u8]) -> bool {
        #[derive(Deserialize)]
        struct Header {
            generator: String,
            version: u32,
            #[allow(dead_code)]
            files: serde::de::IgnoredAny,
        }
        serde_json::from_slice::<Header>(bytes)
            .is_ok_and(|h| h.generator == "pressroom" && h.version <= VERSION)
    }

    /// Reads the manifest of the output folder `dir`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE);
        match std::fs::read(&path) {
            Ok(bytes) => Manifest::parse(&bytes, &format!("`{}`", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Usage(format!(
                "`{}` has no {FILE}: run `pressroom build` (into that folder) before deploying it",
                dir.display()
            ))),
            Err(e) => Err(Error::io("cannot read", path, e)),
        }
    }

    /// Refuses a `--drafts` build (`dir` names it): it would publish drafts and embargoed
    /// items.
    pub fn ensure_deployable(&self, dir: &Path) -> Result<()> {
        if !self.drafts {
            return Ok(());
        }
        Err(Error::Usage(format!(
            "`{}` holds a drafts build (`pressroom build --drafts`): it shows drafts and embargoed items and is never deployed; nothing was changed. Build a deployable output with `pressroom build` (without --drafts, into public/) and deploy that",
            dir.display()
        )))
    }

    /// The copy stored with a deployment: the files and `base_url`, without the embargo time
    /// (a deployment may be public, and the time of the next release is not).
    pub fn for_deployment(&self) -> Self {
        Manifest {
            next_embargo_lift: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pressroom_output_is_told_by_its_manifest_header() {
        let manifest = Manifest::new(
            &Header {
                base_url: "https://example.com".into(),
                ..Header::default()
            },
            [("/a.html".to_string(), Entry::of(b"a"))]
                .into_iter()
                .collect(),
        );
        let json = String::from_utf8(manifest.to_json()).expect("utf-8");
        assert!(Manifest::is_pressroom(json.as_bytes()));
        let other = json.replace("\"pressroom\"", "\"hugo\"");
        assert!(!Manifest::is_pressroom(other.as_bytes()));
        let newer = json.replace(
            &format!("\"version\": {VERSION}"),
            &format!("\"version\": {}", VERSION + 1),
        );
        assert_ne!(newer, json, "the version is where the test looks");
        assert!(!Manifest::is_pressroom(newer.as_bytes()));
        assert!(!Manifest::is_pressroom(b"{\"generator\": \"pressroom\"}"));
        assert!(!Manifest::is_pressroom(&json.as_bytes()[..json.len() / 2]));
    }

    #[test]
    fn round_trips_and_is_sorted() {
        let mut files = BTreeMap::new();
        files.insert("/b.html".to_string(), Entry::of(b"b"));
        files.insert("/a.html".to_string(), Entry::of(b"a"));
        let header = Header {
            base_url: "https://example.com".into(),
            next_embargo_lift: Some("2026-11-20T09:00:00Z".into()),
            drafts: false,
            record: None,
        };
        let m = Manifest::new(&header, files);
        let json = m.to_json();
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(text.find("/a.html").unwrap() < text.find("/b.html").unwrap());
        assert_eq!(Manifest::parse(&json, "test").unwrap(), m);
        assert_eq!(m.for_deployment().next_embargo_lift, None);
        assert!(!text.contains("drafts"), "{text}");
        assert!(m.ensure_deployable(Path::new("public")).is_ok());
        let drafts = Manifest::new(
            &Header {
                drafts: true,
                ..header
            },
            BTreeMap::new(),
        );
        let parsed = Manifest::parse(&drafts.to_json(), "test").unwrap();
        assert!(parsed.drafts);
        let e = parsed.ensure_deployable(Path::new("public-drafts"));
        assert!(e.unwrap_err().to_string().contains("without --drafts"));
        assert_eq!(
            m.files["/a.html"].sha256,
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        );
    }

    #[test]
    fn refuses_newer_versions_and_garbage() {
        assert!(Manifest::parse(b"{}", "x").is_err());
        let mut m = Manifest::empty();
        m.version = VERSION + 1;
        assert!(Manifest::parse(&m.to_json(), "x").is_err());
    }
}
