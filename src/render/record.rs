//! `/corrections/record.json`: the public, hash-chained publication record (see
//! [`crate::model::ledger::public_record`]), from the ledger as it is once this output is online.

use super::Output;
use crate::config::Config;
use crate::model::ledger::{self, Ledger};

/// The fixed URL of the public record.
pub const PATH: &str = "/corrections/record.json";

/// The public record as a file of the output.
pub fn public_record(next: &Ledger, config: &Config) -> Output {
    file(ledger::public_record_json(next, &config.base_url))
}

/// [`public_record`], written from the pieces of the last record (the same bytes: see
/// [`ledger::Pieces`]).
pub fn public_record_from(next: &Ledger, config: &Config, pieces: &mut ledger::Pieces) -> Output {
    file(pieces.json(next, &config.base_url))
}

fn file(mut bytes: Vec<u8>) -> Output {
    bytes.push(b'\n');
    Output {
        path: PATH.to_string(),
        bytes,
    }
}
