//! Year archives: `/press/2026/` (paginated like the section, `/press/2026/page/2/`) lists
//! the items of a section dated in that year, in the item's own zone, in the section's order.
//! A section's items are those its list shows ([`crate::model::Surface::SectionLists`]), so an
//! archive never shows what the section would not: no draft, embargoed, unlisted or standby
//! item. Items without a date (fact sheets may have none) are in no year.
//!
//! A year whose path is already an item's (`content/press/2026.md`) gets no archive page:
//! the item keeps its URL.

use super::{Jobs, PageJob, owner_of, paginate, section_translations, section_view, with_pages};
use crate::model::{ItemId, Section, Site};
use crate::render::{RenderCtx, views};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// A section's items by year, newest year first; each year keeps the section's order.
pub(super) fn by_year(site: &Site, section: &Section) -> Vec<(i16, Vec<ItemId>)> {
    let mut years: BTreeMap<i16, Vec<ItemId>> = BTreeMap::new();
    for &id in &section.items {
        let item = &site.items[id];
        if let Some(date) = item.date {
            years
                .entry(date.to_zoned(item.tz.clone()).year())
                .or_default()
                .push(id);
        }
    }
    years.into_iter().rev().collect()
}

/// The first page of every year archive of the site, with the items it lists: for the
/// sitemap, which names each archive once (as it names each section list once).
pub(crate) fn all_years(site: &Site) -> Vec<(String, Vec<ItemId>)> {
    let taken = taken_paths(site);
    site.sections
        .iter()
        .filter(|s| !s.dir.is_empty())
        .flat_map(|s| {
            by_year(site, s)
                .into_iter()
                .map(move |(year, ids)| (year_path(s, year), ids))
        })
        .filter(|(path, _)| !taken.contains(path.as_str()))
        .collect()
}

/// The site path of a section's archive of `year`.
fn year_path(section: &Section, year: i16) -> String {
    format!("{}{year}/", section.path)
}

/// The years of a section that have an archive page, with their counts and URLs: the
/// `archive_years` of its list pages and archives. Years taken by an item's path are left out.
pub(super) fn years_view(
    ctx: &RenderCtx<'_>,
    section: &Section,
    years: &[(i16, Vec<ItemId>)],
    taken: &HashSet<&str>,
) -> Value {
    let list: Vec<views::ArchiveYear> = years
        .iter()
        .filter(|(year, _)| !taken.contains(year_path(section, *year).as_str()))
        .map(|(year, ids)| views::ArchiveYear {
            year: *year,
            count: ids.len(),
            url: ctx.config.url(&year_path(section, *year)),
        })
        .collect();
    views::to_value(&list)
}

/// The paths every item page takes, which an archive must not.
pub(super) fn taken_paths(site: &Site) -> HashSet<&str> {
    site.items.iter().map(|i| i.path.as_str()).collect()
}

/// The archive pages of one section (`archive.html`): `section`, `archive` (`{year, count,
/// url}`), `archive_years` and `paginator`.
pub(super) fn year_jobs<'a>(
    ctx: &'a RenderCtx<'_>,
    section: &'a Section,
    years: Vec<(i16, Vec<ItemId>)>,
    all_years: Arc<Value>,
    taken: &HashSet<&str>,
    jobs: &mut Jobs<'a, '_>,
) {
    for (year, ids) in years {
        let base = year_path(section, year);
        if taken.contains(base.as_str()) {
            continue;
        }
        let archive = views::to_value(&views::ArchiveYear {
            year,
            count: ids.len(),
            url: ctx.config.url(&base),
        });
        if !jobs.pick.shows_any(&ids) {
            continue;
        }
        for (path, shows, paginator) in paginate(ctx, &base, &ids, section.paginate_by, jobs.pick) {
            let (archive, all_years) = (archive.clone(), all_years.clone());
            let vars = move || {
                let paginator = paginator();
                let pages = paginator.pages.clone();
                (
                    vec![
                        ("section", with_pages(section_view(ctx, section), pages)),
                        ("archive", archive),
                        ("archive_years", Value::clone(&all_years)),
                        ("paginator", paginator.into_value()),
                    ],
                    section_translations(ctx.config, section),
                )
            };
            let job = PageJob::new(
                "archive.html",
                &section.lang,
                path,
                owner_of(section),
                shows,
                vars,
            );
            // Its feeds are the section's.
            jobs.push(job.of_list(&section.path));
        }
    }
}
