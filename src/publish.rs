//! Where publishing happens: a build checks the site against `published.lock` and leaves the
//! ledger as it will be once its output is online in the output folder
//! ([`PENDING`]); `pressroom deploy` records it in the site's `published.lock` after the
//! output is online. A writer's `build`, `build --drafts`, `serve` and `check` never record.
//!
//! The pending ledger names the `published.lock` it was computed from (its hash): a deploy of an
//! output built before the ledger changed is refused before anything is uploaded, so no deploy
//! records over publications it did not see.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::{self, ledger};
use crate::options::BuildOptions;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file in the output folder that holds the pending ledger (never uploaded).
pub const PENDING: &str = ".pressroom-publish.json";

/// The ledger a build's output records when it goes online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The site root the output was built from (deploy records there unless told otherwise).
    pub root: PathBuf,
    /// The hash of `published.lock` as the build read it (`none` when there was none).
    pub base: String,
    /// What recording it changes, for people (`new item ...`).
    pub changes: Vec<String>,
    /// The whole `published.lock` text once recorded.
    pub ledger: String,
}

/// The hash that names a ledger text (`none` for a site without `published.lock`).
pub fn base_of(text: Option<&str>) -> String {
    text.map_or_else(
        || "none".to_string(),
        |t| crate::model::record::hex_hash(t.as_bytes()),
    )
}

/// Reads the site's `published.lock`: None when there is none.
pub fn read_ledger(root: &Path) -> Result<Option<String>> {
    let path = root.join(ledger::FILE);
    match std::fs::read_to_string(&path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("cannot read", path, e)),
    }
}

/// The bytes of the pending ledger's file ([`PENDING`]).
pub fn pending_file(pending: &Pending) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(pending).map_err(|e| Error::Other(e.to_string()))
}

/// The pending ledger of a built output folder, if the build left one.
pub fn read_pending(output: &Path) -> Result<Option<Pending>> {
    let path = output.join(PENDING);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("cannot read", path, e)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        Error::Other(format!(
            "{} is not a pending ledger pressroom wrote ({e}); run `pressroom build` again",
            path.display()
        ))
    })
}

/// The site whose ledger a deploy records in: `--root`, else the folder the output was built
/// from (when it is still there), else the current folder.
pub fn site_root(given: Option<&Path>, pending: Option<&Pending>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .or_else(|| pending.map(|p| p.root.clone()).filter(|r| r.is_dir()))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Refuses to go on when the site's `published.lock` is not the one the build read.
pub fn verify_base(root: &Path, pending: &Pending) -> Result<()> {
    let text = read_ledger(root)?;
    // The same output deployed again finds its own ledger already recorded.
    if base_of(text.as_deref()) == pending.base || text.as_deref() == Some(&pending.ledger) {
        return Ok(());
    }
    Err(Error::Other(format!(
        "{} changed since this output was built (or --root names another site), so deploying it could record over publications it did not see; nothing was changed. Run `pressroom build` again, then deploy",
        root.join(ledger::FILE).display()
    )))
}

/// Writes the pending ledger into the site's `published.lock` (atomically: a temp file renamed
/// over it). Returns what was recorded (empty when the ledger already said so).
pub fn record(root: &Path, pending: &Pending) -> Result<Vec<String>> {
    if read_ledger(root)?.as_deref() == Some(pending.ledger.as_str()) {
        return Ok(Vec::new());
    }
    let path = root.join(ledger::FILE);
    let tmp = root.join(format!(".{}.pressroom-tmp", ledger::FILE));
    let written = std::fs::write(&tmp, &pending.ledger).and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Other(format!(
            "the site is online, but recording it in {} failed: {e}; run the same deploy again to record it",
            path.display()
        )));
    }
    Ok(pending.changes.clone())
}

/// What the ledger stage decided: what this build's output records when it goes online.
#[derive(Debug, Default)]
pub struct LedgerStep {
    /// The pending ledger (None when the ledger has errors or could not be read).
    pub pending: Option<Pending>,
    /// The ledger once this output is online, for the public record.
    pub next: Option<Arc<model::ledger::Ledger>>,
    /// The items whose boilerplate the ledger pinned in the site (see
    /// [`crate::markdown::pin_boilerplates`]): changed after their records were taken.
    pub pinned: Vec<model::ItemId>,
}

/// How the ledger stage turns `published.lock`'s text into a ledger and the next ledger into
/// text. A plain build does both ([`Afresh`]); the incremental layer gives the last build's
/// back when the input is the same (a 10k-item ledger is 10 MB of TOML each way).
pub trait LedgerMemo {
    /// `published.lock`'s text, parsed.
    fn parse(&mut self, text: &str) -> std::result::Result<Arc<model::ledger::Ledger>, Diagnostic>;
    /// The next ledger's file text ([`model::ledger::Ledger::to_text`]).
    fn text(&mut self, next: &model::ledger::Ledger) -> Result<String>;
    /// [`model::ledger::check`]: the incremental layer brings the last check's outcome up to
    /// date when only some items changed.
    fn check(
        &mut self,
        site: &model::Site,
        recorded: &Arc<model::ledger::Ledger>,
        inputs: &model::ledger::Inputs<'_>,
    ) -> model::ledger::Outcome {
        model::ledger::check(site, recorded, inputs)
    }
    /// The check's next ledger, to be shared with the build (also when the check found
    /// problems and the build gets none): the incremental layer keeps it for its next check.
    fn share(&mut self, next: model::ledger::Ledger) -> Arc<model::ledger::Ledger> {
        Arc::new(next)
    }
}

/// Parses and writes every time.
pub struct Afresh;

impl LedgerMemo for Afresh {
    fn parse(&mut self, text: &str) -> std::result::Result<Arc<model::ledger::Ledger>, Diagnostic> {
        model::ledger::Ledger::parse(text).map(Arc::new)
    }

    fn text(&mut self, next: &model::ledger::Ledger) -> Result<String> {
        next.to_text()
    }
}

/// Checks the site against `published.lock` (see [`model::ledger`]) and computes the ledger as
/// it is once this build's output is online. Releases that keep the boilerplate they were
/// published with get it back here. Previews report problems as warnings. `records` are
/// [`model::ledger::records`] of `site`.
pub fn ledger_stage(
    opts: &BuildOptions,
    config: &crate::config::Config,
    site: &mut model::Site,
    diags: &mut Vec<Diagnostic>,
    records: &[Option<std::sync::Arc<model::record::Hashed>>],
    memo: &mut dyn LedgerMemo,
) -> LedgerStep {
    use model::ledger;
    let text = match read_ledger(&opts.root) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(ledger::FILE, 1, 1, e.to_string()));
            return LedgerStep::default();
        }
    };
    let soften = |d: Diagnostic| {
        if opts.preview {
            Diagnostic {
                severity: crate::diag::Severity::Warning,
                ..d
            }
        } else {
            d
        }
    };
    let recorded = match memo.parse(text.as_deref().unwrap_or("")) {
        Ok(l) => l,
        Err(d) => {
            diags.push(soften(d));
            return LedgerStep::default();
        }
    };
    let inputs = ledger::Inputs {
        ledger_text: text.as_deref().unwrap_or(""),
        now: opts.now,
        root: &opts.root,
        host: &crate::render::feeds::host(config),
        records,
    };
    let mut outcome = memo.check(site, &recorded, &inputs);
    crate::markdown::pin_boilerplates(
        site,
        &outcome.pinned_boilerplates,
        crate::content::dialect::Dialect::of(config),
    );
    site.tags = std::mem::take(&mut outcome.tags);
    let pinned = (outcome.pinned_boilerplates.iter())
        .map(|(id, _)| *id)
        .collect();
    LedgerStep {
        pinned,
        ..recording(opts, text.as_deref(), outcome, (diags, &soften), memo)
    }
}

/// What the output records once online, from the check's outcome (nothing when the check
/// found problems, reported as `soften` makes them).
fn recording(
    opts: &BuildOptions,
    text: Option<&str>,
    outcome: model::ledger::Outcome,
    (diags, soften): (&mut Vec<Diagnostic>, &dyn Fn(Diagnostic) -> Diagnostic),
    memo: &mut dyn LedgerMemo,
) -> LedgerStep {
    if !outcome.diagnostics.is_empty() {
        diags.extend(outcome.diagnostics.into_iter().map(soften));
        memo.share(outcome.next);
        return LedgerStep::default();
    }
    // A preview or a drafts build records nothing (`write_output` drops a drafts build's
    // pending ledger; serve never writes one): its text, a whole-ledger serialization that
    // took a third of serve's rebuild at 10k items, is not made.
    if opts.preview || opts.drafts {
        return LedgerStep {
            next: Some(memo.share(outcome.next)),
            ..LedgerStep::default()
        };
    }
    // Nothing to record: the ledger stays the file as it is (no rewrite of a large ledger on
    // every build, and no reformatting of one written by hand).
    let next_text = match text {
        Some(t) if outcome.changes.is_empty() => Ok(t.to_string()),
        _ => memo.text(&outcome.next),
    };
    match next_text {
        Ok(ledger) => LedgerStep {
            pending: Some(Pending {
                root: std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone()),
                base: base_of(text),
                changes: outcome.changes,
                ledger,
            }),
            next: Some(memo.share(outcome.next)),
            pinned: Vec::new(),
        },
        Err(e) => {
            diags.push(Diagnostic::error(model::ledger::FILE, 1, 1, e.to_string()));
            LedgerStep::default()
        }
    }
}
