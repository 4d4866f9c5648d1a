//! The ledger check through the incremental layer: a patched build checks again only the
//! items it patched and takes the rest of the last check's outcome
//! ([`crate::model::ledger::recheck`]). At 10,000 items the whole check took ~50 ms of a
//! body edit's rebuild on one core: every item's entry and event made and cloned again.

use super::Incremental;
use crate::model::Site;
use crate::model::ledger::{self, Inputs, Ledger, Outcome};
use std::sync::Arc;

/// A check's outcome, kept for the next check of the same site patched.
pub(super) struct KeptCheck {
    /// What it checked against: the ledger, the clock, the host and the root.
    recorded: Arc<Ledger>,
    now: jiff::Timestamp,
    host: String,
    root: std::path::PathBuf,
    /// The outcome: its next ledger (as shared with the build, once it is), and the rest
    /// but the tags, which the site keeps.
    next: Option<Arc<Ledger>>,
    changes: Vec<String>,
    pinned: Vec<(crate::model::ItemId, String)>,
    diagnostics: Vec<crate::diag::Diagnostic>,
    parts: ledger::Parts,
}

impl KeptCheck {
    /// Whether it checked against the same ledger and inputs (but the records).
    fn same_inputs(&self, recorded: &Arc<Ledger>, inputs: &Inputs<'_>) -> bool {
        Arc::ptr_eq(&self.recorded, recorded)
            && self.now == inputs.now
            && self.host == inputs.host
            && self.root == inputs.root
    }

    /// The outcome again, with the tags `site` was given (which a patch does not change).
    /// None before its next ledger was shared.
    fn outcome(self, site: &Site) -> Option<Outcome> {
        let next = Arc::try_unwrap(self.next?).unwrap_or_else(|shared| (*shared).clone());
        Some(Outcome {
            diagnostics: self.diagnostics,
            next,
            changes: self.changes,
            pinned_boilerplates: self.pinned,
            tags: site.tags.clone(),
            parts: self.parts,
        })
    }
}

impl Incremental {
    /// [`ledger::check`]; when this build patched the last good build's site, the last
    /// check's outcome with the patched items checked again ([`ledger::recheck`]).
    pub(super) fn check_ledger(
        &mut self,
        site: &Site,
        recorded: &Arc<Ledger>,
        inputs: &Inputs<'_>,
    ) -> Outcome {
        // Kept with the site it checked: a patched build's site is that one.
        let last =
            (self.checked.take()).filter(|k| self.stats.patched && k.same_inputs(recorded, inputs));
        let last = last.and_then(|k| k.outcome(site));
        let again =
            last.and_then(|l| ledger::recheck(site, recorded, inputs, l, &self.patched_ids));
        self.stats.ledger_rechecked = again.is_some();
        let mut outcome = again.unwrap_or_else(|| ledger::check(site, recorded, inputs));
        self.checking = (!self.one_shot).then(|| KeptCheck {
            recorded: recorded.clone(),
            now: inputs.now,
            host: inputs.host.to_string(),
            root: inputs.root.to_path_buf(),
            next: None,
            changes: outcome.changes.clone(),
            pinned: outcome.pinned_boilerplates.clone(),
            diagnostics: outcome.diagnostics.clone(),
            parts: std::mem::take(&mut outcome.parts),
        });
        outcome
    }

    /// The check's next ledger, shared; kept with this build's check.
    pub(super) fn share_next(&mut self, next: Ledger) -> Arc<Ledger> {
        let next = Arc::new(next);
        if let Some(kept) = &mut self.checking {
            kept.next = Some(next.clone());
        }
        next
    }
}
