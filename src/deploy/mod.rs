//! `pressroom deploy`: puts a built output folder on a target, changing only what changed.
//!
//! The target is a directory (`file:///srv/www`) or S3-compatible object storage
//! (`s3://bucket/prefix`). The build's manifest (see [`manifest`]) says what the output holds;
//! the deployment's manifest, stored with it by the previous deploy, says what the target holds.
//! Their difference is the plan: new and changed files to upload, gone files to delete. Only
//! files a deploy put there are ever deleted; anything else at the target is left alone.
//!
//! Order makes an interrupted deploy safe to run again: first the target's manifest is read
//! (bad credentials or an unreachable endpoint fail here, before anything changed), then every
//! upload, then the deletes, and the target's manifest last. Until the manifest is written the
//! target still describes the previous deploy, so a re-run plans the same uploads again
//! (uploading is idempotent) and finishes the job.
//!
//! Every deploy error exits with status 2 (like configuration and usage errors; status 1 is for
//! content errors, which a deploy cannot have), and its message says whether anything changed.

pub mod file;
pub mod s3;
pub mod workflow;

use crate::error::{Error, Result};
use crate::manifest::{self, Entry, Manifest};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What `deploy` was asked to do.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// `file:///path` or `s3://bucket/prefix`.
    pub target: String,
    /// The built output folder.
    pub output: PathBuf,
    /// The site root, whose `published.lock` records what this deploy puts online (None: the
    /// folder the output was built from, else the current folder).
    pub root: Option<PathBuf>,
    /// Read both manifests and report the plan; change nothing.
    pub dry_run: bool,
    /// Refuse (changing nothing) a deploy that would delete more files than this.
    pub max_deletes: usize,
    /// Upload every file, even those the deployment's manifest says are in place: repairs a
    /// target that was changed by hand, and re-sends headers after a change of cache policy.
    pub force: bool,
    /// S3 endpoint URL (else `AWS_ENDPOINT_URL`, else AWS).
    pub endpoint: Option<String>,
    /// S3 region (else `AWS_REGION`, `AWS_DEFAULT_REGION`, `us-east-1`).
    pub region: Option<String>,
}

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Not at the target yet.
    New,
    /// At the target with other content.
    Changed,
    /// At the target with the same content, uploaded again by `--force`.
    Forced,
}

impl Reason {
    /// The word for it in deploy's report.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Forced => "forced",
        }
    }
}

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Site path, `/press/x/index.html`.
    pub path: String,
    /// New or changed.
    pub reason: Reason,
    /// Its hash and size in the build.
    pub entry: Entry,
}

/// What a deploy does: the difference between the build and the deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployPlan {
    /// New and changed files, sorted by path.
    pub uploads: Vec<Upload>,
    /// Files of the previous deploy that the build no longer has, sorted.
    pub deletes: Vec<String>,
    /// Files already deployed with the same content.
    pub unchanged: usize,
}

impl DeployPlan {
    /// The plan that turns `deployed` into `built`; with `force`, files already in place are
    /// uploaded again too.
    pub fn between(built: &Manifest, deployed: &Manifest, force: bool) -> Self {
        let mut plan = DeployPlan::default();
        for (path, entry) in &built.files {
            let reason = match deployed.files.get(path) {
                Some(old) if old == entry && !force => {
                    plan.unchanged += 1;
                    continue;
                }
                Some(old) if old == entry => Reason::Forced,
                Some(_) => Reason::Changed,
                None => Reason::New,
            };
            plan.uploads.push(Upload {
                path: path.clone(),
                reason,
                entry: entry.clone(),
            });
        }
        plan.deletes = deployed
            .files
            .keys()
            .filter(|p| !built.files.contains_key(*p))
            .cloned()
            .collect();
        plan
    }
}

/// What a deploy did (or, with `--dry-run`, would do).
#[derive(Debug, Clone)]
pub struct Report {
    /// The target, as given.
    pub target: String,
    /// The plan carried out.
    pub plan: DeployPlan,
    /// Whether nothing was changed on purpose.
    pub dry_run: bool,
    /// Absolute URLs of every uploaded or deleted file, for a CDN purge, sorted.
    pub changed_urls: Vec<String>,
    /// The build's next embargo-lift time.
    pub next_embargo_lift: Option<String>,
    /// What was recorded in `published.lock` (with `dry_run`: what would be).
    pub recorded: Vec<String>,
    /// What the deploy repaired on its way, for the log.
    pub warnings: Vec<String>,
}

/// How an uploaded file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// `Cache-Control`.
    pub cache_control: &'static str,
}

/// `Cache-Control` for fingerprinted files (`name.<hex hash>.ext`): they never change.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` for pages, feeds, sitemaps and JSON: corrections and new releases must show
/// within minutes.
pub const CACHE_SHORT: &str = "public, max-age=300";
/// `Cache-Control` for stylesheets, scripts, images, fonts and documents.
pub const CACHE_MEDIUM: &str = "public, max-age=3600";
/// `Cache-Control` for the deployment's manifest (read by deploy, not by browsers).
pub const CACHE_NONE: &str = "no-cache";

/// Whether a file name carries a content hash (`app.3f2a9c1b.css`, Hugo's
/// `main.min.<sha256>.css`): a `.`-separated part of at least 8 hex digits, letters and digits
/// both, before the extension. Dates (`report.20261118.pdf`) are not hashes.
pub fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 3 {
        return false;
    }
    parts.pop();
    parts[1..].iter().any(|p| {
        p.len() >= 8
            && p.bytes().all(|b| b.is_ascii_hexdigit())
            && p.bytes().any(|b| b.is_ascii_digit())
            && p.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// How a site file is stored: its content type, and a cache lifetime by kind (see the
/// `CACHE_*` constants).
pub fn object_meta(path: &str) -> ObjectMeta {
    let content_type = crate::serve::http::content_type(path);
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let cache_control = if is_fingerprinted(path) {
        CACHE_IMMUTABLE
    } else if matches!(
        ext.as_str(),
        "html" | "htm" | "xml" | "json" | "txt" | "ics" | "webmanifest" | ""
    ) {
        CACHE_SHORT
    } else {
        CACHE_MEDIUM
    };
    ObjectMeta {
        content_type,
        cache_control,
    }
}

/// The absolute URLs a browser or CDN knows a site file by: `/x/index.html` is also `/x/`.
pub fn urls_of(base_url: &str, path: &str) -> Vec<String> {
    let base = base_url.trim_end_matches('/');
    let encode = |p: &str| {
        let raw = format!("{base}{p}");
        // Url serialisation percent-encodes what needs it (non-ASCII slugs, spaces).
        url::Url::parse(&raw).map(String::from).unwrap_or(raw)
    };
    let mut urls = Vec::with_capacity(2);
    if let Some(dir) = path.strip_suffix("index.html").filter(|d| d.ends_with('/')) {
        urls.push(encode(dir));
    }
    urls.push(encode(path));
    urls
}

/// A place to deploy to.
pub trait Target: Sync {
    /// The deployment's manifest bytes, or None when nothing was deployed there yet.
    fn read_manifest(&self) -> Result<Option<Vec<u8>>>;
    /// Stores `body` at site path `path` (replacing it whole, never half-written).
    fn put(&self, path: &str, body: &[u8], meta: ObjectMeta) -> Result<()>;
    /// Stores a large file part by part (S3: a multipart upload), replacing it whole only when
    /// every part arrived and the content matched the build; otherwise nothing changes.
    fn put_parts(&self, path: &str, parts: &mut Parts, meta: ObjectMeta) -> Result<()>;
    /// Removes site path `path`; removing what is already gone succeeds.
    fn delete(&self, path: &str) -> Result<()>;
    /// Called after the deletes (a directory prunes the folders they emptied).
    fn after_deletes(&self, _deleted: &[String]) {}
    /// Checks the plan before anything changes: a directory refuses to overwrite a file that
    /// `deployed` does not list (unless `force`) and any path through a symbolic link.
    fn vet(&self, _plan: &DeployPlan, _deployed: &Manifest, _force: bool) -> Result<()> {
        Ok(())
    }
    /// Called before the first upload (a directory removes temporary files of killed deploys).
    fn before_uploads(&self) {}
}

/// Opens the target named by `opts.target`.
pub fn open_target(opts: &DeployOptions) -> Result<Box<dyn Target>> {
    let t = opts.target.as_str();
    if let Some(rest) = t.strip_prefix("file://") {
        Ok(Box::new(file::FileTarget::new(rest)?))
    } else if let Some(rest) = t.strip_prefix("s3://") {
        Ok(Box::new(s3::S3Target::from_env(
            rest,
            opts.endpoint.as_deref(),
            opts.region.as_deref(),
        )?))
    } else {
        Err(Error::Usage(format!(
            "--target `{t}`: use file:///path/to/web-root or s3://bucket/prefix"
        )))
    }
}

/// Files larger than this are streamed in parts instead of read whole: a video in a press kit
/// must not take its size in memory, and a single S3 PUT stops at 5 GiB.
pub const LARGE_FILE: u64 = 64 * 1024 * 1024;
/// The usual part size of a large file. S3 wants parts of at least 5 MiB (all but the last)
/// and at most 10,000 of them, so files over 160 GiB get larger parts.
const PART_SIZE: u64 = 16 * 1024 * 1024;
const MAX_PARTS: u64 = 10_000;

/// The part size for a file of `size` bytes: [`PART_SIZE`], or whole MiB large enough to stay
/// within [`MAX_PARTS`].
fn part_size_for(size: u64) -> u64 {
    PART_SIZE.max(size.div_ceil(MAX_PARTS).next_multiple_of(1 << 20))
}

/// A large output file read part by part, checked against the build's manifest as it goes:
/// the end of the file is reported only when its size and SHA-256 match.
pub struct Parts {
    file: std::fs::File,
    dir: PathBuf,
    site_path: String,
    expected: Entry,
    part_size: usize,
    read: u64,
    hasher: sha2::Sha256,
}

impl Parts {
    /// Opens `dir`'s file for `site_path`, expected to be `expected`.
    pub fn open(dir: &Path, site_path: &str, expected: &Entry) -> Result<Self> {
        Parts::with_part_size(dir, site_path, expected, part_size_for(expected.size))
    }

    fn with_part_size(
        dir: &Path,
        site_path: &str,
        expected: &Entry,
        part_size: u64,
    ) -> Result<Self> {
        let path = dir.join(site_path.trim_start_matches('/'));
        let file = std::fs::File::open(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        Ok(Parts {
            file,
            dir: dir.to_path_buf(),
            site_path: site_path.to_string(),
            expected: expected.clone(),
            part_size: usize::try_from(part_size).unwrap_or(usize::MAX),
            read: 0,
            hasher: sha2::Digest::new(),
        })
    }

    /// The next part (at most the part size, only the last one shorter), or None after the
    /// last once the content is confirmed to be the build's.
    pub fn next_part(&mut self) -> Result<Option<Vec<u8>>> {
        use sha2::Digest;
        use std::io::Read;
        let mut part = Vec::with_capacity(self.part_size);
        (&mut self.file)
            .take(self.part_size as u64)
            .read_to_end(&mut part)
            .map_err(|e| Error::io("cannot read", self.dir.join(&self.site_path), e))?;
        self.read += part.len() as u64;
        if self.read > self.expected.size {
            return Err(changed_since_build(&self.dir, &self.site_path));
        }
        if part.is_empty() {
            let sha = manifest::hex(&std::mem::take(&mut self.hasher).finalize());
            if self.read != self.expected.size || sha != self.expected.sha256 {
                return Err(changed_since_build(&self.dir, &self.site_path));
            }
            return Ok(None);
        }
        self.hasher.update(&part);
        Ok(Some(part))
    }
}

/// Files uploaded in parallel once the first upload succeeded.
const PARALLEL_UPLOADS: usize = 8;

/// Deploys `opts.output` to `opts.target`.
pub fn deploy(opts: &DeployOptions) -> Result<Report> {
    crate::output::settle(&opts.output)?;
    let built = Manifest::read(&opts.output)?;
    built.ensure_deployable(&opts.output)?;
    check_output(&opts.output, &built)?;
    // Before anything goes online: the output must have been built from the ledger as it is.
    let pending = crate::publish::read_pending(&opts.output)?;
    let root = crate::publish::site_root(opts.root.as_deref(), pending.as_ref());
    if let Some(p) = &pending {
        crate::publish::verify_base(&root, p)?;
    }
    let target = open_target(opts)?;
    let mut report = deploy_to(opts, &built, target.as_ref())?;
    if let (Some(p), false) = (&pending, opts.dry_run) {
        report.recorded = crate::publish::record(&root, p)?;
    } else if let Some(p) = &pending {
        report.recorded = p.changes.clone();
    }
    Ok(report)
}

/// Checks that the output folder still holds what its manifest says (sizes only; contents are
/// hashed again as they are uploaded).
fn check_output(dir: &Path, built: &Manifest) -> Result<()> {
    for (path, entry) in &built.files {
        if !is_site_path(path) {
            return Err(changed_since_build(dir, path));
        }
        let file = dir.join(path.trim_start_matches('/'));
        match std::fs::metadata(&file) {
            Ok(m) if m.len() == entry.size => {}
            Ok(_) => return Err(changed_since_build(dir, path)),
            Err(e) => return Err(Error::io("cannot read", file, e)),
        }
    }
    Ok(())
}

fn changed_since_build(dir: &Path, path: &str) -> Error {
    Error::Other(format!(
        "`{}{path}` changed after the build wrote its manifest; run `pressroom build` again and deploy what it writes",
        dir.display()
    ))
}

/// What a deploy that changed nothing says at the end of its error.
const NOTHING_CHANGED: &str = "nothing was changed";

/// [`deploy`] to an opened target: plan against what is deployed, then (unless a dry run)
/// upload, delete and record the new manifest.
pub fn deploy_to(opts: &DeployOptions, built: &Manifest, target: &dyn Target) -> Result<Report> {
    let deployed_bytes = target.read_manifest().map_err(|e| {
        Error::Other(format!(
            "cannot read the deployment's manifest at {}: {e}; {NOTHING_CHANGED}",
            opts.target
        ))
    })?;
    let report = plan(opts, built, deployed_bytes.as_deref(), target)?;
    if opts.dry_run {
        return Ok(report);
    }
    apply(opts, &report.plan, target)?;
    let next = built.for_deployment().to_json();
    if opts.force || deployed_bytes.as_deref() != Some(next.as_slice()) {
        let meta = ObjectMeta {
            content_type: "application/json",
            cache_control: CACHE_NONE,
        };
        let path = format!("/{}", manifest::FILE);
        target.put(&path, &next, meta).map_err(|e| {
            Error::Other(format!(
                "deploy to {} failed writing its manifest: {e}; every file is in place, and the same deploy run again records it",
                opts.target
            ))
        })?;
    }
    Ok(report)
}

/// The report of the deploy from the deployed manifest to `built`, before anything changes:
/// refused when the publication record does not continue, the target vetoes the plan, or it
/// deletes more than `--max-deletes`.
fn plan(
    opts: &DeployOptions,
    built: &Manifest,
    deployed_bytes: Option<&[u8]>,
    target: &dyn Target,
) -> Result<Report> {
    let mut warnings = Vec::new();
    let deployed = deployed_manifest(opts, deployed_bytes, &mut warnings)?;
    record_continues(&opts.output, built, &deployed)
        .map_err(|e| Error::Other(format!("{e}; {NOTHING_CHANGED}")))?;
    let plan = DeployPlan::between(built, &deployed, opts.force);
    target
        .vet(&plan, &deployed, opts.force)
        .map_err(|e| Error::Other(format!("{e}; {NOTHING_CHANGED}")))?;
    if plan.deletes.len() > opts.max_deletes {
        let shown: Vec<&str> = plan.deletes.iter().take(5).map(String::as_str).collect();
        return Err(Error::Other(format!(
            "this deploy would delete {} files ({}{}), more than --max-deletes {}; {NOTHING_CHANGED}. If the build is right, deploy again with --max-deletes {}",
            plan.deletes.len(),
            shown.join(", "),
            if plan.deletes.len() > shown.len() {
                ", …"
            } else {
                ""
            },
            opts.max_deletes,
            plan.deletes.len()
        )));
    }
    let mut urls = BTreeSet::new();
    for path in plan
        .uploads
        .iter()
        .map(|u| &u.path)
        .chain(plan.deletes.iter())
    {
        urls.extend(urls_of(&built.base_url, path));
    }
    Ok(Report {
        target: opts.target.clone(),
        dry_run: opts.dry_run,
        changed_urls: urls.into_iter().collect(),
        next_embargo_lift: built.next_embargo_lift.clone(),
        plan,
        recorded: Vec::new(),
        warnings,
    })
}

/// Uploads, then deletes, as planned; an error says how far it got.
fn apply(opts: &DeployOptions, plan: &DeployPlan, target: &dyn Target) -> Result<()> {
    target.before_uploads();
    upload_all(&opts.output, &plan.uploads, target).map_err(|(done, e)| {
        let state = if done == 0 {
            NOTHING_CHANGED.to_string()
        } else {
            format!(
                "{done} of {} files were uploaded before it, the old deployment's manifest is still in place, and the same deploy run again finishes the job",
                plan.uploads.len()
            )
        };
        Error::Other(format!("deploy to {} failed: {e}; {state}", opts.target))
    })?;
    for (i, path) in plan.deletes.iter().enumerate() {
        target.delete(path).map_err(|e| {
            Error::Other(format!(
                "deploy to {} failed deleting {path}: {e}; every upload and {i} of {} deletes are done, and the same deploy run again finishes the job",
                opts.target,
                plan.deletes.len()
            ))
        })?;
    }
    target.after_deletes(&plan.deletes);
    Ok(())
}

/// Refuses a build whose public publication record does not continue the one online: events
/// removed or rewritten in `published.lock` would otherwise go out silently. The build's record
/// is read from its output (`/corrections/record.json`); the deployment's end is in its manifest.
fn record_continues(output: &Path, built: &Manifest, deployed: &Manifest) -> Result<()> {
    let (Some(online), Some(_)) = (&deployed.record, &built.record) else {
        return Ok(());
    };
    if online.events == 0 {
        return Ok(());
    }
    let path = output.join(crate::render::record::PATH.trim_start_matches('/'));
    let text = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
    let record: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
        Error::Other(format!(
            "{} is not a publication record: {e}",
            path.display()
        ))
    })?;
    let link = record["events"]
        .get(online.events - 1)
        .and_then(|e| e["chain"].as_str());
    if link == Some(online.head.as_str()) {
        return Ok(());
    }
    Err(Error::Other(format!(
        "the publication record online has {} events ending in {}, and this build's record does not continue it: published.lock lost or rewrote published events (restore it from version control, `git log -p published.lock`)",
        online.events, online.head
    )))
}

/// The deployment's manifest, from the bytes stored at the target (None: nothing deployed).
/// A manifest that does not parse is refused, or with `--force` taken as empty (every file
/// is uploaded again, nothing is deleted, and a fresh manifest is written). Entries that are
/// not paths inside the target (`..`, a backslash) cannot be a deploy's: they are dropped with
/// a warning, never acted on, and the manifest this deploy writes no longer has them.
fn deployed_manifest(
    opts: &DeployOptions,
    bytes: Option<&[u8]>,
    warnings: &mut Vec<String>,
) -> Result<Manifest> {
    let what = format!("{} at {}", manifest::FILE, opts.target);
    let mut deployed = match bytes.map(|b| Manifest::parse(b, &what)) {
        None => return Ok(Manifest::empty()),
        Some(Ok(m)) => m,
        Some(Err(e)) if opts.force => {
            warnings.push(format!(
                "{e}; with --force it is replaced: every file is uploaded, none is deleted"
            ));
            return Ok(Manifest::empty());
        }
        Some(Err(e)) => {
            return Err(Error::Other(format!(
                "{e}; nothing was changed. Deploy again with --force to replace it: every file of the build is uploaded (over what is there), nothing is deleted, and a fresh manifest is written"
            )));
        }
    };
    deployed.files.retain(|path, _| {
        let ok = is_site_path(path);
        if !ok {
            warnings.push(format!(
                "ignored `{path}` in {what}: it is not a path inside the target, so no deploy put it there; it is not deleted and is dropped from the manifest"
            ));
        }
        ok
    });
    Ok(deployed)
}

/// Whether `path` is a site path a deploy can have written: `/` then plain segments.
fn is_site_path(path: &str) -> bool {
    path.strip_prefix('/').is_some_and(|rel| {
        !rel.contains('\\')
            && Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
            && !rel
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..")
    })
}

/// Uploads every file: the first alone (a refused upload then changes nothing), the rest
/// [`PARALLEL_UPLOADS`] at a time. On failure, returns how many were uploaded and the error.
fn upload_all(
    dir: &Path,
    uploads: &[Upload],
    target: &dyn Target,
) -> std::result::Result<(), (usize, Error)> {
    let one = |u: &Upload| -> Result<()> {
        if u.entry.size > LARGE_FILE {
            let mut parts = Parts::open(dir, &u.path, &u.entry)?;
            return target
                .put_parts(&u.path, &mut parts, object_meta(&u.path))
                .map_err(|e| Error::Other(format!("uploading {}: {e}", u.path)));
        }
        let file = dir.join(u.path.trim_start_matches('/'));
        let bytes = std::fs::read(&file).map_err(|e| Error::io("cannot read", &file, e))?;
        if Entry::of(&bytes) != u.entry {
            return Err(changed_since_build(dir, &u.path));
        }
        target
            .put(&u.path, &bytes, object_meta(&u.path))
            .map_err(|e| Error::Other(format!("uploading {}: {e}", u.path)))
    };
    let Some((first, rest)) = uploads.split_first() else {
        return Ok(());
    };
    one(first).map_err(|e| (0, e))?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(1);
    let failed = AtomicBool::new(false);
    let error = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_UPLOADS.min(rest.len()) {
            scope.spawn(|| {
                while !failed.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(u) = rest.get(i) else { break };
                    match one(u) {
                        Ok(()) => {
                            done.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => {
                            failed.store(true, Ordering::SeqCst);
                            error.lock().expect("no panics").get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    match error.into_inner().expect("no panics") {
        Some(e) => Err((done.into_inner(), e)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn manifest(files: &[(&str, &[u8])]) -> Manifest {
        let files: BTreeMap<String, Entry> = files
            .iter()
            .map(|(p, b)| (p.to_string(), Entry::of(b)))
            .collect();
        Manifest::new(
            &manifest::Header {
                base_url: "https://example.com/news".into(),
                next_embargo_lift: None,
                drafts: false,
                record: None,
            },
            files,
        )
    }

    fn reasons(plan: &DeployPlan) -> Vec<(&str, Reason)> {
        plan.uploads
            .iter()
            .map(|u| (u.path.as_str(), u.reason))
            .collect()
    }

    #[test]
    fn plan_uploads_new_and_changed_and_deletes_gone() {
        let old = manifest(&[("/a.html", b"a"), ("/b.html", b"b"), ("/c.html", b"c")]);
        let new = manifest(&[("/a.html", b"a"), ("/b.html", b"B"), ("/d.html", b"d")]);
        let plan = DeployPlan::between(&new, &old, false);
        assert_eq!(
            reasons(&plan),
            [("/b.html", Reason::Changed), ("/d.html", Reason::New)]
        );
        assert_eq!(plan.deletes, ["/c.html"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(DeployPlan::between(&new, &new, false).uploads, []);
        let forced = DeployPlan::between(&new, &old, true);
        assert_eq!(
            reasons(&forced),
            [
                ("/a.html", Reason::Forced),
                ("/b.html", Reason::Changed),
                ("/d.html", Reason::New)
            ]
        );
        assert_eq!((forced.unchanged, forced.deletes.len()), (0, 1));
    }

    #[test]
    fn part_sizes_stay_within_s3_limits() {
        assert_eq!(part_size_for(LARGE_FILE + 1), PART_SIZE);
        let huge = 400 * (1 << 30); // 400 GiB
        let size = part_size_for(huge);
        assert!(huge.div_ceil(size) <= MAX_PARTS);
        assert_eq!(size % (1 << 20), 0);
    }

    #[test]
    fn parts_confirm_the_content_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let body: Vec<u8> = (0..2500u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("v.bin"), &body).unwrap();
        let entry = Entry::of(&body);
        let mut parts = Parts::with_part_size(dir.path(), "/v.bin", &entry, 1000).unwrap();
        let mut sizes = Vec::new();
        while let Some(p) = parts.next_part().unwrap() {
            sizes.push(p.len());
        }
        assert_eq!(sizes, [1000, 1000, 500]);

        // The file changed after the build: the last call says so instead of ending.
        std::fs::write(dir.path().join("v.bin"), [&body[..2499], b"x"].concat()).unwrap();
        let mut parts = Parts::with_part_size(dir.path(), "/v.bin", &entry, 1000).unwrap();
        let mut outcome = Ok(Some(Vec::new()));
        while let Ok(Some(_)) = outcome {
            outcome = parts.next_part();
        }
        let e = outcome.unwrap_err().to_string();
        assert!(e.contains("changed after the build"), "{e}");

        // A file that grew is stopped as soon as it passes its size.
        std::fs::write(dir.path().join("v.bin"), [&body[..], &[0; 1500]].concat()).unwrap();
        let mut parts = Parts::with_part_size(dir.path(), "/v.bin", &entry, 1000).unwrap();
        for _ in 0..2 {
            parts.next_part().unwrap();
        }
        assert!(parts.next_part().is_err());
    }

    #[test]
    fn cache_lifetimes() {
        assert_eq!(object_meta("/index.html").cache_control, CACHE_SHORT);
        assert_eq!(object_meta("/press/atom.xml").cache_control, CACHE_SHORT);
        assert_eq!(object_meta("/search/meta.json").cache_control, CACHE_SHORT);
        assert_eq!(object_meta("/style.css").cache_control, CACHE_MEDIUM);
        assert_eq!(object_meta("/photo.jpg").cache_control, CACHE_MEDIUM);
        assert_eq!(
            object_meta("/app.3f2a9c1b.css").cache_control,
            CACHE_IMMUTABLE
        );
        assert!(!is_fingerprinted("/report.20261118.pdf"));
        assert!(!is_fingerprinted("/a.deadbeef"));
        assert_eq!(
            object_meta("/x.html").content_type,
            "text/html; charset=utf-8"
        );
    }

    #[test]
    fn urls_for_a_purge() {
        assert_eq!(
            urls_of("https://example.com/news/", "/index.html"),
            [
                "https://example.com/news/",
                "https://example.com/news/index.html"
            ]
        );
        assert_eq!(
            urls_of("https://example.com", "/ko/press/서울/atom.xml"),
            ["https://example.com/ko/press/%EC%84%9C%EC%9A%B8/atom.xml"]
        );
    }
}
