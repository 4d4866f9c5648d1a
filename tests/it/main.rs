//! pressroom's integration tests, in one test binary: each module below was a file of its own
//! under `tests/`, and each linked the whole crate and its dependencies again, so `cargo test`
//! spent most of its compile time linking 21 binaries. Run one module with
//! `cargo test --test it MODULE::` (e.g. `cargo test --test it ledger::`).
//!
//! `tests/soak.rs` stays a binary of its own: it measures the memory of its own process, which
//! tests running beside it in one process would distort.

#[path = "../common/mod.rs"]
mod common;

mod avif;
mod build_output;
mod callouts;
mod check;
mod cli;
mod components;
mod correctness;
mod deploy;
mod embargo;
mod errors;
mod events;
mod external;
mod feeds;
mod fuzz;
mod hostile;
mod hostile_inputs;
mod i18n;
mod images;
mod import;
mod kill;
mod layout;
mod ledger;
mod ledger_memo;
mod media;
mod migration;
mod newsroom;
mod persist;
mod related;
mod retitle;
mod search;
mod serve;
mod structured;
mod theme;
mod theme_staples;
mod visibility;
mod wire;
mod workflow;
mod writes;
