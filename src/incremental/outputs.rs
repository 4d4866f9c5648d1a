//! The render stage through its memo tables: which items changed, whether the site kept its
//! shape, and then only the pages and artifacts that can differ are rendered again.

use super::keys::{Shape, pins_key, search_key, shape, site_key, time_key};
use super::search_index;
use super::{Bytes, Incremental, KeptPage, LastSite};
use crate::diag::Diagnostic;
use crate::fast_map::{FastMap, FastSet};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::model::{ItemId, Site};
use crate::output::Staging;
use crate::render::pages::{self, PageJob, Pick, Touched};
use crate::render::{Artifact, Output, RenderCtx, Sink, feeds, wire};
use rayon::prelude::*;
use std::sync::Arc;

/// What became of one templated page.
enum PageOutcome {
    /// The last build's bytes stand; with the fingerprint of the context when it was built.
    Kept(Option<Fingerprint>),
    /// Rendered anew.
    Rendered(Fingerprint, Vec<u8>),
    /// Rendered anew and handed to the staging output.
    Written(Fingerprint),
    /// Failed to render.
    Failed(Diagnostic),
}

/// The items that changed since the last build, and whether the site kept its shape.
pub(super) struct Comparison {
    last: Option<LastSite>,
    pub(super) changed: FastSet<ItemId>,
    same_shape: bool,
    /// Whether every list is the last build's: the site kept its shape, or the changed items
    /// that did not changed their titles alone (they are `retitled`).
    pub(super) same_lists: bool,
    pub(super) retitled: FastSet<ItemId>,
    /// This build's items (source path, path) and their shapes, for the next comparison.
    items: Vec<(String, String)>,
    shapes: Vec<Shape>,
    site: Fingerprint,
    templates: Fingerprint,
    time: Fingerprint,
    pins: Fingerprint,
    /// What pages show of the clock (see [`crate::render::theme::Theme::now_key`]).
    now_key: String,
}

impl Comparison {
    /// The last build's site as it was before the comparison took its items, for the next
    /// build's comparison when this one stops before rendering.
    pub(super) fn into_last(self) -> Option<LastSite> {
        let mut last = self.last?;
        if last.items.is_empty() {
            last.items = self.items;
        }
        Some(last)
    }
}

impl Incremental {
    /// [`crate::render::render_site`], rendering only what the changes touched (see the
    /// module's doc). Returns the outputs a caller without [`Incremental::shared`] gets; with
    /// `staging`, hands every file to it instead (written, or kept as it is in the output)
    /// and returns none.
    /// `cmp`: this build's site compared with the last one's ([`Incremental::compare`]).
    pub(super) fn render_changed<'a>(
        &mut self,
        ctx: &'a RenderCtx<'_>,
        (cmp, listed): (Comparison, Option<Vec<PageJob<'a>>>),
        diags: &mut Vec<Diagnostic>,
        staging: Option<&Staging>,
    ) -> Vec<Output> {
        let mut clock = std::time::Instant::now();
        self.stats.shape_unchanged = cmp.same_shape;
        self.stats.lists_unchanged = cmp.same_lists;
        let mut output_changed = self.render_pages(ctx, &cmp, listed, diags, staging);
        self.lap("  pages", &mut clock);
        let (changed, artifacts_kept) = self.render_artifacts(ctx, &cmp, staging.is_some());
        output_changed |= changed;
        if self.share {
            // Taken again on every build, not with the shape: the files' stamps, which serve
            // checks before it sends a ZIP, are no part of the shape.
            let kits = crate::render::zip_kits(ctx).into_iter();
            self.zips = kits.map(|k| (k.zip_path(), Arc::new(k.clone()))).collect();
        }
        if let Some(staging) = staging {
            self.hand_artifacts(staging);
            // Streamed from the originals into the output, never held in memory.
            if !artifacts_kept {
                let zips = crate::render::stream_media_zips(ctx, staging, diags);
                let files = zips.into_iter().map(|p| (p, None)).collect();
                self.others.insert(Artifact::MediaZips, files);
            }
        }
        self.lap("  artifacts", &mut clock);
        self.stats.output_changed = output_changed || cmp.last.is_none();
        self.last = Some(LastSite {
            items: cmp.items,
            keys: std::mem::take(&mut self.item_keys),
            shapes: cmp.shapes.iter().map(|s| s.whole).collect(),
            outlines: cmp.shapes.iter().map(|s| s.outline).collect(),
            site: cmp.site,
            templates: cmp.templates,
            time: cmp.time,
            pins: cmp.pins,
        });
        if staging.is_some() || (self.share && !ctx.opts.audit) {
            return Vec::new();
        }
        self.outputs()
            .map(|(path, bytes)| Output {
                path: path.clone(),
                bytes: bytes.as_ref().clone(),
            })
            .collect()
    }

    /// Hands every artifact file to `staging`: fresh ones written (their bytes then dropped
    /// from the tables: the output has them), the others kept as they are in the output.
    /// On every core: a fresh file is written, or compared with the output's bytes, as it is
    /// handed over (~7,000 artifact files at 10k items).
    fn hand_artifacts(&mut self, staging: &Staging) {
        let files: Vec<(&String, Bytes)> = (self.others.values_mut().flatten())
            .map(|(path, bytes)| (path, bytes.take()))
            .collect();
        files.into_par_iter().for_each(|(path, bytes)| match bytes {
            Some(fresh) => staging.put(Output {
                path: path.clone(),
                bytes: Arc::unwrap_or_clone(fresh),
            }),
            None => staging.keep(path),
        });
    }

    /// Compares this build's site (with its `config`, `theme` and clock `now`) with the last
    /// one's; before rendering, so that the Markdown bodies left in the state are read only
    /// when a page may show one (see [`super::bodies`]).
    pub(super) fn compare(
        &mut self,
        (site, config): (&Site, &crate::config::Config),
        theme: &crate::render::theme::Theme,
        now: jiff::Timestamp,
    ) -> Comparison {
        let templates = self
            .theme
            .as_ref()
            .map_or_else(Fingerprint::default, |t| t.0);
        let site_fp = site_key(site);
        let now_key = theme.now_key(now);
        let time = time_key((site, config), now, &now_key);
        let pins = pins_key(site);
        let mut last = self.last.take();
        // The last build's list when this build's items are the same (no 20,000 strings
        // copied per edit), else this build's.
        let same_items = last.as_ref().is_some_and(|l| l.same_items(site));
        let items: Vec<(String, String)> = match (same_items, last.as_mut()) {
            (true, Some(l)) => std::mem::take(&mut l.items),
            _ => (site.items.iter())
                .map(|i| (i.src.rel.clone(), i.path.to_string()))
                .collect(),
        };
        let mut changed: FastSet<ItemId> = FastSet::default();
        let mut retitled: FastSet<ItemId> = FastSet::default();
        let mut shapes: Vec<Option<Shape>> = vec![None; items.len()];
        let mut same_lists = !self.sections_changed
            && self.item_keys.len() == items.len()
            && last.as_ref().is_some_and(|l| {
                (l.site, l.templates, l.time, l.pins) == (site_fp, templates, time, pins)
                    && same_items
                    && l.outlines.len() == items.len()
            });
        if let (true, Some(l)) = (same_lists, &last) {
            changed = (0..items.len())
                .filter(|&id| l.keys[id] != self.item_keys[id])
                .collect();
            for &id in &changed {
                let s = shape(&site.items[id]);
                shapes[id] = Some(s);
                same_lists &= s.outline == l.outlines[id];
                if s.whole != l.shapes[id] {
                    retitled.insert(id);
                }
            }
        }
        if !same_lists {
            retitled.clear();
        }
        let same_shape = same_lists && retitled.is_empty();
        let shapes = match (same_lists, &last) {
            (true, Some(l)) => (shapes.iter().zip(l.shapes.iter().zip(&l.outlines)))
                .map(|(new, (&whole, &outline))| new.unwrap_or(Shape { outline, whole }))
                .collect(),
            _ => site.items.par_iter().map(shape).collect(),
        };
        Comparison {
            last,
            changed,
            same_shape,
            same_lists,
            retitled,
            items,
            shapes,
            site: site_fp,
            templates,
            time,
            pins,
            now_key,
        }
    }

    /// Every templated page: kept without building its context when every list is the last
    /// build's and the page shows no changed item and names no retitled one; kept when its
    /// context's fingerprint is the last one's; else rendered. Returns whether any page's
    /// bytes changed.
    ///
    /// When every list is the last build's, the site has the last build's pages (the lists
    /// and what makes a page exist are in its shape); when the table also holds every one of
    /// them (none failed, none was lost from a saved state), only the pages that show a
    /// changed item or name a retitled one are even listed: the others are kept as they are.
    fn render_pages<'a>(
        &mut self,
        ctx: &'a RenderCtx<'_>,
        cmp: &Comparison,
        listed: Option<Vec<PageJob<'a>>>,
        diags: &mut Vec<Diagnostic>,
        staging: Option<&Staging>,
    ) -> bool {
        let kept = std::mem::take(&mut self.pages);
        let deferred: FastSet<ItemId> = self.deferred.iter().copied().collect();
        let reach = Reach {
            changed: &cmp.changed,
            retitled: &cmp.retitled,
            deferred: &deferred,
        };
        let reach = (cmp.same_lists, reach);
        let (jobs, every) = self.pages_to_list(ctx, cmp, listed, kept.len());
        // Each page: its file, what became of it, and whether the last build had it.
        let outcomes: Vec<(String, PageOutcome, bool)> = jobs
            .into_par_iter()
            .map(|job| {
                let file = job.file();
                let had = kept.contains_key(&file);
                let outcome = page_outcome(ctx, job, &file, &kept, reach, &cmp.now_key);
                (file.clone(), hand_page(staging, file, outcome), had)
            })
            .collect();
        // The table is brought up to date in place: after an edit nearly every page is kept
        // as it is, and moving 10,000 entries into a new table cost more than the one page
        // rendered. First the pages of the last build that this one no longer has go.
        let mut pages = kept;
        let had = outcomes.iter().filter(|(.., had)| *had).count();
        let mut output_changed = false;
        if every {
            output_changed = pages.len() != outcomes.len();
            if had != pages.len() {
                let live: FastSet<&str> = outcomes.iter().map(|(f, ..)| f.as_str()).collect();
                pages.retain(|file, _| live.contains(file.as_str()));
            }
            self.pages_listed = Some(outcomes.len());
        } else {
            // The pages not listed stand as the last build made them.
            self.stats.pages_reused += pages.len() - had;
        }
        let mut failed = Vec::new();
        for (file, outcome, _) in outcomes {
            match outcome {
                PageOutcome::Failed(d) => {
                    failed.push(d);
                    pages.remove(&file);
                }
                PageOutcome::Kept(key) => {
                    // A page is kept only when the last build has it.
                    let Some(old) = pages.get_mut(&file) else {
                        continue;
                    };
                    self.stats.pages_reused += 1;
                    if let Some(key) = key {
                        old.key = key;
                    }
                }
                PageOutcome::Rendered(key, bytes) => {
                    self.stats.pages_rendered += 1;
                    let old = pages.get(&file).and_then(|o| o.bytes.as_deref());
                    output_changed |= old.is_none_or(|b| *b != bytes);
                    let bytes = Some(Arc::new(bytes));
                    pages.insert(file, KeptPage { key, bytes });
                }
                PageOutcome::Written(key) => {
                    self.stats.pages_rendered += 1;
                    output_changed = true;
                    pages.insert(file, KeptPage { key, bytes: None });
                }
            }
        }
        diags.extend(pages::one_error_per_line(failed));
        self.pages = pages;
        output_changed
    }

    /// The pages [`Self::render_pages`] lists (of the `kept` the table holds), and whether
    /// they are every page of the site.
    fn pages_to_list<'a>(
        &self,
        ctx: &'a RenderCtx<'_>,
        cmp: &Comparison,
        listed: Option<Vec<PageJob<'a>>>,
        kept: usize,
    ) -> (Vec<PageJob<'a>>, bool) {
        if cmp.same_lists && self.pages_listed == Some(kept) {
            let (changed, retitled) = (cmp.changed.iter(), cmp.retitled.iter());
            let touched = Touched::new(ctx.site.items.len(), changed.copied(), retitled.copied());
            return (
                pages::page_jobs_picked(ctx, Pick::Touching(&touched)),
                false,
            );
        }
        // Listed already for the checks before rendering, unless this build was patched.
        (listed.unwrap_or_else(|| pages::page_jobs(ctx)), true)
    }

    /// Every artifact whose files can differ from the last build's. The `match` names each
    /// [`Artifact`], so a new one states here when it must be rendered again. Returns whether
    /// any artifact file changed, and whether the artifacts of the shape were kept. With
    /// `streaming`, the kits' ZIPs are left to the caller; when shared, to serve (see
    /// [`Incremental::media_zips`]).
    fn render_artifacts(
        &mut self,
        ctx: &RenderCtx<'_>,
        cmp: &Comparison,
        streaming: bool,
    ) -> (bool, bool) {
        let mut kept = std::mem::take(&mut self.others);
        // Every list is the last build's: only what shows a changed item (or names a
        // retitled one) can differ.
        let same_lists = cmp.same_lists && !kept.is_empty();
        let record_kept = self.keep_artifacts(ctx, &mut kept, same_lists);
        if !same_lists {
            self.feed_plan = None;
        }
        let retitled = !cmp.retitled.is_empty();
        let mut output_changed = false;
        // The sitemaps read the site's shape: kept while every list is the last build's. Of
        // the build's clock and the items' titles only the news sitemap reads anything (the
        // last two days' releases, by title): it is made anew every time (a look at each
        // item's date), and the large ones are kept whatever the time (serve's clock moves on
        // every rebuild) and after a retitle.
        let sitemaps_kept = same_lists && kept.contains_key(&Artifact::Sitemaps);
        // The artifacts made again on every build, rendered while the search index is
        // brought up to date (the two largest pieces of a rebuild after a body edit).
        let (mut pieces, one_shot) = (std::mem::take(&mut self.record_pieces), self.one_shot);
        // The search index hands over only its changed files while the kept ones are its last.
        let whole = !kept.contains_key(&Artifact::SearchIndex);
        let (remade, search) = rayon::join(
            || remade(ctx, (sitemaps_kept, record_kept), one_shot, &mut pieces),
            || self.search_outputs(ctx, cmp, same_lists, whole),
        );
        self.record_pieces = pieces;
        let (mut remade, mut search) = (remade, search);
        for artifact in Artifact::ALL {
            let fresh = match artifact {
                // Read only the site's shape but titles: as before while it is.
                Artifact::Aliases | Artifact::HighlightCss => {
                    (!same_lists).then(|| Fresh::All(artifact.outputs(ctx)))
                }
                // Name each corrected item by its title.
                Artifact::CorrectionsFeeds => {
                    (!same_lists || retitled).then(|| Fresh::All(artifact.outputs(ctx)))
                }
                // Kept above but the news sitemap, or made again.
                Artifact::Sitemaps if sitemaps_kept => {
                    Some(Fresh::Some(vec![crate::render::sitemap::news_output(
                        ctx.site,
                        ctx.config,
                        ctx.opts.now,
                    )]))
                }
                Artifact::Sitemaps => remade.remove(&artifact).map(Fresh::All),
                // A feed shows the content of the items it lists.
                Artifact::ListFeeds if same_lists => Some(Fresh::Some(self.list_feeds(ctx, cmp))),
                Artifact::ListFeeds => Some(Fresh::All(artifact.outputs(ctx))),
                // A wire text shows its own item's content, and the site's contacts and
                // boilerplate, which are part of its shape.
                Artifact::WireText if same_lists => {
                    let changed = &cmp.changed;
                    Some(Fresh::Some(wire::outputs(ctx, |id| changed.contains(&id))))
                }
                Artifact::WireText => Some(Fresh::All(artifact.outputs(ctx))),
                // Kept up to date document by document; or, left on disk by the last build
                // (see `persist`), kept there while no document changed.
                Artifact::SearchIndex => search.take().map(Fresh::handed),
                // The ledger as of this build holds each item's record hash, which its body
                // changes (the record is kept, above, while that ledger is the last one); a
                // calendar's description is an event's summary, which its body can give (the
                // few events are written again every time).
                Artifact::PublicRecord | Artifact::Calendars => {
                    remade.remove(&artifact).map(Fresh::All)
                }
                // A kit's files are part of the site's shape (their hashes): made again only
                // when it changed.
                Artifact::MediaZips if streaming || self.share => None,
                Artifact::MediaZips => (!same_lists).then(|| Fresh::All(artifact.outputs(ctx))),
            };
            if let Some(fresh) = fresh {
                output_changed |= merge(kept.entry(artifact).or_default(), fresh);
            }
        }
        self.others = kept;
        (output_changed, same_lists)
    }
}

/// The artifacts every build makes again, whatever changed (the sitemaps unless they can be
/// kept: see [`Incremental::render_artifacts`]; and the public record, from the last one's
/// pieces: see [`public_record`]).
const REMADE: [Artifact; 2] = [Artifact::Sitemaps, Artifact::Calendars];

/// The artifacts made on every build ([`REMADE`], but the sitemaps when `kept.0`), and the
/// public record unless `kept.1`, on every core.
fn remade(
    ctx: &RenderCtx<'_>,
    (sitemaps_kept, record_kept): (bool, bool),
    one_shot: bool,
    pieces: &mut crate::model::ledger::Pieces,
) -> FastMap<Artifact, Vec<Output>> {
    let (mut remade, record) = rayon::join(
        || {
            (REMADE.par_iter())
                .filter(|&&a| !(sitemaps_kept && a == Artifact::Sitemaps))
                .map(|&a| (a, a.outputs(ctx)))
                .collect::<FastMap<_, _>>()
        },
        || (!record_kept).then(|| public_record(ctx, one_shot, pieces)),
    );
    if let Some(record) = record {
        remade.insert(Artifact::PublicRecord, record);
    }
    remade
}

/// The public record, written from the pieces of the last build's (the same bytes: see
/// [`crate::model::ledger::Pieces`]); a one-shot build keeps none.
fn public_record(
    ctx: &RenderCtx<'_>,
    one_shot: bool,
    pieces: &mut crate::model::ledger::Pieces,
) -> Vec<Output> {
    let Some(next) = ctx.record else {
        return Vec::new();
    };
    if one_shot {
        return vec![crate::render::record::public_record(next, ctx.config)];
    }
    vec![crate::render::record::public_record_from(
        next, ctx.config, pieces,
    )]
}

impl Incremental {
    /// The list feeds that show a changed item, while every list is the last build's: none
    /// when no item changed; else from the site's feed plan, kept from build to build while
    /// the lists are (making it looked at every item once per list, ~6 ms of a body edit in
    /// serve at 10k items).
    fn list_feeds(&mut self, ctx: &RenderCtx<'_>, cmp: &Comparison) -> Vec<Output> {
        if cmp.changed.is_empty() {
            return Vec::new();
        }
        let plan = (self.feed_plan.take()).unwrap_or_else(|| feeds::plan(ctx.site, ctx.config));
        let changed = &cmp.changed;
        let feeds =
            feeds::list_outputs_of(ctx, &plan, |ids| ids.iter().any(|i| changed.contains(i)));
        self.feed_plan = Some(plan);
        feeds
    }

    /// Leaves in `kept` the last build's artifact files that may stand: every one while every
    /// list is the last build's (`same_lists`), else none but the public record's, which
    /// reads no list and stands while [`Incremental::record_kept`] says so. Returns whether
    /// it stands.
    fn keep_artifacts(
        &mut self,
        ctx: &RenderCtx<'_>,
        kept: &mut FastMap<Artifact, FastMap<String, Bytes>>,
        same_lists: bool,
    ) -> bool {
        let record = self.record_kept(ctx, kept.remove(&Artifact::PublicRecord));
        if !same_lists {
            kept.clear();
        }
        let record_kept = record.is_some();
        if let Some(files) = record {
            kept.insert(Artifact::PublicRecord, files);
        }
        record_kept
    }

    /// The public record's files (`files`, the last build's) when they stand as they are: in
    /// a one-shot build, which has no pieces to write it from quickly ([`public_record`]: the
    /// whole record at 10k items took ~5% of a nothing-changed rebuild's instructions, and its
    /// 6 MB were then hashed and compared with the output's), while this build's next ledger
    /// is the one the record was made from. The record reads nothing else but the base URL,
    /// which is part of the tables' config key. Notes this build's ledger for the next.
    fn record_kept(
        &mut self,
        ctx: &RenderCtx<'_>,
        files: Option<FastMap<String, Bytes>>,
    ) -> Option<FastMap<String, Bytes>> {
        let key = match (self.one_shot, ctx.record) {
            // Taken by the ledger stage when it made the ledger's text; else taken here.
            (true, Some(next)) => Some(self.next_key.unwrap_or_else(|| next.fingerprint())),
            _ => None,
        };
        let last = std::mem::replace(&mut self.record_key, key);
        files.filter(|_| key.is_some() && key == last)
    }

    /// The search index's files when they must be handed over (all of them with `whole`):
    /// kept up to date document by document; or None, left on disk by the last build (see
    /// `persist`) while no document changed.
    fn search_outputs(
        &mut self,
        ctx: &RenderCtx<'_>,
        cmp: &Comparison,
        same_lists: bool,
        whole: bool,
    ) -> Option<search_index::Handed> {
        let (texts, site) = (&self.text_keys, ctx.site);
        // While every list is the last build's, only the changed items' documents can
        // differ: a document's key reads nothing of its item that the item's Markdown key
        // (which tells the changed items) does not. The others keep the last build's keys.
        let changed = &cmp.changed;
        let stale = |id: ItemId| !same_lists || changed.contains(&id);
        let key = |id: ItemId| search_key(&site.items[id], texts);
        let docs = self.search.doc_keys(site, &self.search_keys, &stale, &key);
        let unchanged = search_index::keep_keys(site, &docs, &mut self.search_keys);
        let on_disk = same_lists && self.search.is_empty() && unchanged;
        if !on_disk && self.search.is_empty() {
            if let Some(index) = self.search_saved.take().and_then(|s| s.load()) {
                self.search = index;
            }
        }
        let keep = !self.one_shot;
        (!on_disk).then(|| self.search.update(site, ctx.config, &docs, whole, keep))
    }
}

/// An artifact's files rendered again: all of them (any other file it had is gone), or some.
enum Fresh {
    All(Vec<Output>),
    Some(Vec<Output>),
}

impl Fresh {
    /// The search index's files as it handed them over.
    fn handed(files: search_index::Handed) -> Fresh {
        match files.all {
            true => Fresh::All(files.outputs),
            false => Fresh::Some(files.outputs),
        }
    }
}

/// Puts an artifact's fresh files in place of its kept ones; whether any file changed.
fn merge(files: &mut FastMap<String, Bytes>, fresh: Fresh) -> bool {
    let (outputs, all) = match fresh {
        Fresh::All(o) => (o, true),
        Fresh::Some(o) => (o, false),
    };
    let mut changed = false;
    if all {
        let live: FastSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
        let before = files.len();
        files.retain(|path, _| live.contains(path.as_str()));
        changed = files.len() != before;
    }
    for o in outputs {
        match files.get(&o.path) {
            Some(Some(old)) if **old == o.bytes => {}
            _ => {
                changed = true;
                files.insert(o.path, Some(Arc::new(o.bytes)));
            }
        }
    }
    changed
}

/// With `staging`, a rendered page is written at once (no page waits in memory for the
/// others) and a kept one is kept in the output.
fn hand_page(staging: Option<&Staging>, file: String, outcome: PageOutcome) -> PageOutcome {
    match (staging, outcome) {
        (Some(staging), PageOutcome::Rendered(key, bytes)) => {
            staging.put(Output { path: file, bytes });
            PageOutcome::Written(key)
        }
        (Some(staging), outcome @ PageOutcome::Kept(_)) => {
            staging.keep(&file);
            outcome
        }
        (_, outcome) => outcome,
    }
}

/// What of the items changed, when every list is the last build's: a page that shows none
/// of `changed` and names none of `retitled` is as the last build made it. And the items
/// whose bodies were left in the state (see [`super::bodies`]): no page may show one.
#[derive(Clone, Copy)]
struct Reach<'c> {
    changed: &'c FastSet<ItemId>,
    retitled: &'c FastSet<ItemId>,
    deferred: &'c FastSet<ItemId>,
}

impl Reach<'_> {
    fn misses(&self, job: &PageJob<'_>) -> bool {
        !job.shows.iter().any(|id| self.changed.contains(id))
            && !job.names.iter().any(|id| self.retitled.contains(id))
    }
}

/// One page: kept, or built and rendered (see [`Incremental::render_pages`]). The context's
/// `now` is keyed by `now_key`, what the templates show of it.
fn page_outcome(
    ctx: &RenderCtx<'_>,
    job: PageJob<'_>,
    file: &str,
    kept: &FastMap<String, KeptPage>,
    (same_lists, reach): (bool, Reach<'_>),
    now_key: &str,
) -> PageOutcome {
    if kept.contains_key(file) && same_lists && reach.misses(&job) {
        return PageOutcome::Kept(None);
    }
    // Never an empty body: the build stops, and the next renders again (a bug if it happens).
    if job.shows.iter().any(|id| reach.deferred.contains(id)) {
        let message = format!(
            "`{file}` shows an item whose rendered body was left in the build state (a pressroom bug; build again, or with --no-cache)"
        );
        return PageOutcome::Failed(Diagnostic::error(file, 1, 1, message));
    }
    let context = match job.context(ctx) {
        Ok(c) => c,
        Err(d) => return PageOutcome::Failed(d),
    };
    let mut f = Fingerprinter::default();
    f.str(&context.template).str(&context.lang);
    for (name, value) in &context.vars {
        match name.as_str() {
            "now" => f.str(name).str(now_key),
            _ => f.str(name).json(value),
        };
    }
    let key = f.finish();
    if kept.get(file).is_some_and(|p| p.key == key) {
        return PageOutcome::Kept(Some(key));
    }
    match context.render(ctx) {
        Ok(page) => PageOutcome::Rendered(key, page.bytes),
        Err(d) => PageOutcome::Failed(d),
    }
}
