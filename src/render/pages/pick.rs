//! Which pages [`page_jobs_picked`](super::page_jobs_picked) lists: every one, or only those
//! that show or name some items. After a body edit every list is the last build's and only
//! the few pages showing the edited item can differ; listing all 13,867 pages of a
//! 10,000-item site to keep 13,866 of them was a third of serve's work per edit.
//!
//! A picked list holds exactly the jobs of the whole list that [`Pick::wants`]: each job is
//! made as in the whole list and then offered to the pick, and the generators only skip ahead
//! where no job they would make could be wanted (a section none of whose items is shown, a
//! page of a list whose items are none of them). `tests/it/serve.rs` checks both lists agree.

use super::PageJob;
use crate::model::ItemId;

/// The items whose pages [`Pick::Touching`] lists, as flags by item for quick lookups.
pub struct Touched {
    shown: Vec<bool>,
    named: Vec<bool>,
    /// The shown items, in order.
    shown_ids: Vec<ItemId>,
    any_named: bool,
}

impl Touched {
    /// The pages of a site of `items` items that show one of `shows` or name one of `names`.
    pub fn new(
        items: usize,
        shows: impl IntoIterator<Item = ItemId>,
        names: impl IntoIterator<Item = ItemId>,
    ) -> Self {
        let (mut shown, mut named) = (vec![false; items], vec![false; items]);
        let mut shown_ids: Vec<ItemId> = shows.into_iter().filter(|&i| i < items).collect();
        shown_ids.sort_unstable();
        shown_ids.dedup();
        for &id in &shown_ids {
            shown[id] = true;
        }
        let mut any_named = false;
        for id in names.into_iter().filter(|&i| i < items) {
            named[id] = true;
            any_named = true;
        }
        Touched {
            shown,
            named,
            shown_ids,
            any_named,
        }
    }
}

/// Which pages to list.
#[derive(Clone, Copy)]
pub enum Pick<'t> {
    /// Every page.
    Every,
    /// The pages whose [`PageJob::shows`] hold a shown item or whose [`PageJob::names`] hold
    /// a named one.
    Touching(&'t Touched),
}

impl Pick<'_> {
    /// Whether the list holds `job`.
    pub fn wants(self, job: &PageJob<'_>) -> bool {
        match self {
            Pick::Every => true,
            Pick::Touching(t) => {
                job.shows.iter().any(|&i| t.shown[i])
                    || (t.any_named && job.names.iter().any(|&i| t.named[i]))
            }
        }
    }

    /// Whether pages that show no item and name none are listed (only with every page).
    pub fn every(self) -> bool {
        matches!(self, Pick::Every)
    }

    /// Whether a page showing some of `ids` (and naming nothing) can be listed.
    pub(super) fn shows_any(self, ids: &[ItemId]) -> bool {
        match self {
            Pick::Every => true,
            Pick::Touching(t) => ids.iter().any(|&i| t.shown[i]),
        }
    }

    /// Whether a page showing some of the items that match `test` can be listed: whether a
    /// shown item matches it.
    pub(super) fn shows_where(self, test: impl Fn(ItemId) -> bool) -> bool {
        match self {
            Pick::Every => true,
            Pick::Touching(t) => t.shown_ids.iter().any(|&i| test(i)),
        }
    }

    /// Whether a page naming items (and showing none) can be listed.
    pub(super) fn names_any(self) -> bool {
        match self {
            Pick::Every => true,
            Pick::Touching(t) => t.any_named,
        }
    }

    /// Whether an item's page, which shows the item and its related items and names its
    /// translations (`names`, asked only when needed), can be listed.
    pub(super) fn item_page<I: IntoIterator<Item = ItemId>>(
        self,
        id: ItemId,
        related: &[ItemId],
        names: impl FnOnce() -> I,
    ) -> bool {
        match self {
            Pick::Every => true,
            Pick::Touching(t) => {
                t.shown[id]
                    || related.iter().any(|&i| t.shown[i])
                    || (t.any_named && names().into_iter().any(|i| t.named[i]))
            }
        }
    }
}

/// The jobs listed so far, and which to list.
pub(super) struct Jobs<'a, 't> {
    pub(super) list: Vec<PageJob<'a>>,
    pub(super) pick: Pick<'t>,
}

impl<'a> Jobs<'a, '_> {
    /// Lists `job` when the pick wants it.
    pub(super) fn push(&mut self, job: PageJob<'a>) {
        if self.pick.wants(&job) {
            self.list.push(job);
        }
    }
}
