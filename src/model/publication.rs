//! What appears where: the one decision.
//!
//! Assembly gives every item one [`Publication`] state, decided once from its front matter
//! (`status`, `draft`, `embargo`, `[withdrawn]`) and the build (the clock, `--drafts`); stand-in
//! pages for missing translations get theirs when they are made. Every surface that shows items
//! asks [`Publication::appears_in`] and nothing else, so a new surface is one row in
//! [`Publication::appears_in`]'s table and one test row, not a predicate of its own.
//!
//! # Surfaces
//! An item can appear on: its own page (with its JSON-LD, which describes only that page),
//! its alias redirects, other pages' translation switchers (and hreflang links), section lists,
//! the home list, taxonomy term pages (and their counts), the lists on author and source pages,
//! stand-in pages in languages it lacks, the list feeds (site, language, section, term and author
//! feeds), the corrections page and its feeds, `sitemap.xml`, the Google News sitemap, the
//! search index, and the publication ledger (with the public record at
//! `/corrections/record.json`). An author or a site-wide source gets its own page when an item
//! whose page is written names or cites it.
//!
//! Drafts (without `--drafts`) and embargoed items (before their time) are never written:
//! they appear nowhere, and assembly keeps them aside only for checks. Standby items are
//! checked, never written.

use crate::content::frontmatter::Status;

/// An item's publication state in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Publication {
    /// Public and listed: everywhere.
    Listed,
    /// Public and withdrawn: its page (with the notice), feeds, sitemap and the corrections
    /// list announce the withdrawal; no lists or search.
    Withdrawn,
    /// Public, `status = "unlisted"`: its own page and redirects only (and the ledger).
    Unlisted,
    /// A stand-in page showing a default-language item in a language that lacks its
    /// translation (`translation_fallback`): its page and the translation switchers only.
    StandIn,
    /// Shown by a `--drafts` build only, with its banner (a draft, embargoed or standby item),
    /// in the lists a listed item is in; never announced (feeds, sitemaps, search, ledger).
    PreviewListed,
    /// Shown by a `--drafts` build only: a withdrawn draft or embargoed item; its page only.
    PreviewWithdrawn,
    /// Shown by a `--drafts` build only: an unlisted or standby item; its page only.
    PreviewUnlisted,
    /// `status = "standby"`: checked, never written, until it is switched.
    Standby,
    /// A draft (without `--drafts`): checked, never written.
    Draft,
    /// Embargoed at this build's time (without `--drafts`): absent from everything.
    Embargoed,
}

/// A place where an item can be seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// Its own page (and the JSON-LD on it); also makes its authors' and cited site-wide
    /// sources' pages exist.
    Page,
    /// Its alias redirect pages.
    Aliases,
    /// The language switcher (and hreflang links) of its translations' pages.
    Translations,
    /// The lists of its section and the sections above it (not the home page).
    SectionLists,
    /// The home list of its language (the root section).
    HomeList,
    /// Taxonomy term pages and their item counts.
    TaxonomyTerms,
    /// The item lists of its authors' pages.
    AuthorLists,
    /// The "cited by" lists of the site-wide sources it cites.
    SourceLists,
    /// The related-items lists on other items' pages.
    Related,
    /// A stand-in page in each language without its translation (`translation_fallback`).
    StandIns,
    /// The list feeds: site, language, section, term and author feeds.
    Feeds,
    /// The site-wide corrections page and its feeds (its notices, updates and withdrawal).
    Corrections,
    /// `sitemap.xml`.
    Sitemap,
    /// The Google News sitemap (of recent items).
    NewsSitemap,
    /// The static search index.
    Search,
    /// The publication ledger, and the public record the output carries.
    Ledger,
}

impl Publication {
    /// Every state, in table order.
    pub const ALL: [Publication; 10] = [
        Publication::Listed,
        Publication::Withdrawn,
        Publication::Unlisted,
        Publication::StandIn,
        Publication::PreviewListed,
        Publication::PreviewWithdrawn,
        Publication::PreviewUnlisted,
        Publication::Standby,
        Publication::Draft,
        Publication::Embargoed,
    ];

    /// The state of an item of this build: its `status`, whether it is a draft, under
    /// embargo at the build clock, and withdrawn, and whether the build previews drafts.
    pub fn decide(
        status: Status,
        draft: bool,
        embargoed: bool,
        withdrawn: bool,
        preview: bool,
    ) -> Publication {
        let standby = status == Status::Standby;
        if !preview {
            if draft {
                return Publication::Draft;
            }
            if embargoed {
                return Publication::Embargoed;
            }
            if standby {
                return Publication::Standby;
            }
        }
        let previewed = draft || embargoed || standby;
        match (status, withdrawn, previewed) {
            (Status::Unlisted | Status::Standby, _, false) => Publication::Unlisted,
            (Status::Unlisted | Status::Standby, _, true) => Publication::PreviewUnlisted,
            (Status::Published, true, false) => Publication::Withdrawn,
            (Status::Published, true, true) => Publication::PreviewWithdrawn,
            (Status::Published, false, false) => Publication::Listed,
            (Status::Published, false, true) => Publication::PreviewListed,
        }
    }

    /// Whether an item in this state appears on `surface`. The whole table of what appears
    /// where; every surface asks it.
    pub fn appears_in(self, surface: Surface) -> bool {
        use Publication as P;
        use Surface as S;
        let written = matches!(
            self,
            P::Listed
                | P::Withdrawn
                | P::Unlisted
                | P::StandIn
                | P::PreviewListed
                | P::PreviewWithdrawn
                | P::PreviewUnlisted
        );
        match surface {
            S::Page | S::Translations => written,
            // A stand-in has no redirects of its own: the original's point at the original.
            S::Aliases => written && self != P::StandIn,
            // A preview shows drafts and embargoed items in lists (with their banners)...
            S::SectionLists
            | S::HomeList
            | S::TaxonomyTerms
            | S::AuthorLists
            | S::SourceLists
            | S::Related => {
                matches!(self, P::Listed | P::PreviewListed)
            }
            // ...but never announces them to feed readers, search engines or the ledger.
            S::Feeds | S::Corrections | S::Sitemap => matches!(self, P::Listed | P::Withdrawn),
            S::StandIns | S::NewsSitemap | S::Search => self == P::Listed,
            S::Ledger => matches!(self, P::Listed | P::Withdrawn | P::Unlisted),
        }
    }

    /// Out for real: neither a draft, nor embargoed, nor on standby (whether or not a preview
    /// shows it). A stand-in shows a public item.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Publication::Listed
                | Publication::Withdrawn
                | Publication::Unlisted
                | Publication::StandIn
        )
    }

    /// Whether a template sees the item as unlisted (`page.unlisted`): it is in no list
    /// because of its `status` (or because it stands in for a missing translation).
    pub fn is_unlisted(self) -> bool {
        matches!(
            self,
            Publication::Unlisted | Publication::StandIn | Publication::PreviewUnlisted
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Publication as P;
    use Surface as S;

    /// Every surface. The match makes a new [`Surface`] fail to compile here until it is
    /// added to the list (and so to every row of the table).
    const SURFACES: [Surface; 16] = {
        match S::Page {
            S::Page
            | S::Aliases
            | S::Translations
            | S::SectionLists
            | S::HomeList
            | S::TaxonomyTerms
            | S::AuthorLists
            | S::SourceLists
            | S::Related
            | S::StandIns
            | S::Feeds
            | S::Corrections
            | S::Sitemap
            | S::NewsSitemap
            | S::Search
            | S::Ledger => {}
        }
        [
            S::Page,
            S::Aliases,
            S::Translations,
            S::SectionLists,
            S::HomeList,
            S::TaxonomyTerms,
            S::AuthorLists,
            S::SourceLists,
            S::Related,
            S::StandIns,
            S::Feeds,
            S::Corrections,
            S::Sitemap,
            S::NewsSitemap,
            S::Search,
            S::Ledger,
        ]
    };

    /// For each state, the surfaces it appears on, written out in full. Anything not named
    /// here must not show the item.
    fn expected(state: Publication) -> &'static [Surface] {
        match state {
            P::Listed => &[
                S::Page,
                S::Aliases,
                S::Translations,
                S::SectionLists,
                S::HomeList,
                S::TaxonomyTerms,
                S::AuthorLists,
                S::SourceLists,
                S::Related,
                S::StandIns,
                S::Feeds,
                S::Corrections,
                S::Sitemap,
                S::NewsSitemap,
                S::Search,
                S::Ledger,
            ],
            P::Withdrawn => &[
                S::Page,
                S::Aliases,
                S::Translations,
                S::Feeds,
                S::Corrections,
                S::Sitemap,
                S::Ledger,
            ],
            P::Unlisted => &[S::Page, S::Aliases, S::Translations, S::Ledger],
            P::StandIn => &[S::Page, S::Translations],
            P::PreviewListed => &[
                S::Page,
                S::Aliases,
                S::Translations,
                S::SectionLists,
                S::HomeList,
                S::TaxonomyTerms,
                S::AuthorLists,
                S::SourceLists,
                S::Related,
            ],
            P::PreviewWithdrawn | P::PreviewUnlisted => &[S::Page, S::Aliases, S::Translations],
            P::Standby | P::Draft | P::Embargoed => &[],
        }
    }

    #[test]
    fn every_state_appears_exactly_where_the_table_says() {
        for state in P::ALL {
            let want = expected(state);
            for surface in SURFACES {
                assert_eq!(
                    state.appears_in(surface),
                    want.contains(&surface),
                    "{state:?} on {surface:?}"
                );
            }
        }
    }

    #[test]
    fn nothing_unpublished_is_ever_announced() {
        for state in P::ALL.into_iter().filter(|s| !s.is_public()) {
            for surface in [
                S::Feeds,
                S::Corrections,
                S::Sitemap,
                S::NewsSitemap,
                S::Search,
            ] {
                assert!(!state.appears_in(surface), "{state:?} on {surface:?}");
            }
            assert!(!state.appears_in(S::Ledger), "{state:?} recorded");
        }
    }

    #[test]
    fn the_decision_follows_front_matter_and_build() {
        use Status::*;
        // (status, draft, embargoed, withdrawn, preview) → state
        let cases = [
            ((Published, false, false, false, false), P::Listed),
            ((Published, false, false, true, false), P::Withdrawn),
            ((Unlisted, false, false, false, false), P::Unlisted),
            ((Unlisted, false, false, true, false), P::Unlisted),
            ((Standby, false, false, false, false), P::Standby),
            ((Published, true, false, false, false), P::Draft),
            ((Published, false, true, false, false), P::Embargoed),
            ((Standby, true, true, false, false), P::Draft),
            ((Standby, false, true, false, false), P::Embargoed),
            ((Published, true, false, false, true), P::PreviewListed),
            ((Published, false, true, false, true), P::PreviewListed),
            ((Published, true, false, true, true), P::PreviewWithdrawn),
            ((Standby, false, false, false, true), P::PreviewUnlisted),
            ((Unlisted, true, false, false, true), P::PreviewUnlisted),
            ((Published, false, false, false, true), P::Listed),
            ((Unlisted, false, false, false, true), P::Unlisted),
        ];
        for ((status, draft, embargoed, withdrawn, preview), want) in cases {
            assert_eq!(
                Publication::decide(status, draft, embargoed, withdrawn, preview),
                want,
                "{status:?} draft={draft} embargoed={embargoed} withdrawn={withdrawn} preview={preview}"
            );
        }
    }
}
