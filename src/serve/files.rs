//! The files a snapshot serves, by site path. After an edit nearly every file is the last
//! build's (the same shared bytes), and making the table anew, with a copy of each of some
//! 30,000 paths at 10,000 items, took 6–10 ms of every rebuild. So the table of the snapshot
//! before the current one, once no request holds it, is brought up to date in place instead
//! ([`Files::renew`]): each file of the new build is put in its place, and the paths that
//! no put reached are taken out.

use super::Body;
use crate::fast_map::FastMap;
use std::sync::Arc;

/// Each served path's body, with the pass that last put it there.
#[derive(Debug, Default)]
pub(super) struct Files {
    map: FastMap<String, (Body, u64)>,
    /// The pass putting files now (see [`Files::renew`]).
    pass: u64,
    /// How many paths this pass put.
    put: usize,
}

impl Files {
    /// The body served at `path`.
    pub(super) fn get(&self, path: &str) -> Option<&Body> {
        self.map.get(path).map(|(body, _)| body)
    }

    /// Whether a file is served at `path`.
    pub(super) fn contains_key(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }

    /// How many files are served.
    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    /// Every path and body.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&String, &Body)> {
        self.map.iter().map(|(path, (body, _))| (path, body))
    }

    /// A table to fill with `fill` (through [`Files::put`]): `spare`, brought up to date in
    /// place when nothing else holds it any more, else a new one. A path put twice is served
    /// what was put last; a path of `spare` not put is gone.
    pub(super) fn renew(spare: Option<Arc<Files>>, fill: impl FnOnce(&mut Files)) -> Files {
        let mut files = spare
            .and_then(|s| Arc::try_unwrap(s).ok())
            .unwrap_or_default();
        files.pass += 1;
        files.put = 0;
        fill(&mut files);
        if files.put != files.map.len() {
            let pass = files.pass;
            files.map.retain(|_, (_, put)| *put == pass);
        }
        files
    }

    /// Serves `body` at `path` (copied only when the table has no file there).
    pub(super) fn put(&mut self, path: &str, body: Body) {
        self.put_with(path, |_| false, || body);
    }

    /// Serves `bytes` at `path`, leaving the body there when it is these very bytes: an
    /// edit leaves nearly every file's bytes as they were, and taking another count of
    /// each of 30,000 shared buffers (and dropping the old one) was most of the table's time.
    pub(super) fn put_shared(&mut self, path: &str, bytes: &Arc<Vec<u8>>) {
        let same = |body: &Body| matches!(body, Body::Bytes(b) if Arc::ptr_eq(b, bytes));
        self.put_with(path, same, || Body::Bytes(bytes.clone()));
    }

    /// Puts `body()` at `path` unless the body there is `same`.
    fn put_with(&mut self, path: &str, same: impl Fn(&Body) -> bool, body: impl FnOnce() -> Body) {
        let pass = self.pass;
        match self.map.get_mut(path) {
            Some(entry) => {
                self.put += usize::from(entry.1 != pass);
                if !same(&entry.0) {
                    entry.0 = body();
                }
                entry.1 = pass;
            }
            None => {
                self.put += 1;
                self.map.insert(path.to_string(), (body(), pass));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Body {
        Body::Bytes(Arc::new(text.as_bytes().to_vec()))
    }

    fn served(files: &Files) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = (files.iter())
            .map(|(path, body)| match body {
                Body::Bytes(b) => (path.clone(), String::from_utf8_lossy(b).into_owned()),
                other => (path.clone(), format!("{other:?}")),
            })
            .collect();
        all.sort();
        all
    }

    /// A table renewed in place serves what a new one filled the same way serves: the last
    /// body put at each path, and nothing at the paths not put again (also when as many
    /// paths were put twice as were left out).
    #[test]
    fn a_table_renewed_in_place_serves_only_what_was_put() {
        let first = Files::renew(None, |f| {
            f.put("/a", bytes("a1"));
            f.put("/b", bytes("b1"));
            f.put("/c", bytes("c1"));
        });
        let fill = |f: &mut Files| {
            f.put("/a", bytes("a2"));
            f.put("/b", bytes("b0"));
            f.put("/b", bytes("b2"));
            f.put("/d", bytes("d2"));
        };
        let fresh = Files::renew(None, fill);
        let renewed = Files::renew(Some(Arc::new(first)), fill);
        assert_eq!(served(&renewed), served(&fresh));
        assert_eq!(
            served(&renewed),
            [("/a", "a2"), ("/b", "b2"), ("/d", "d2")].map(|(p, t)| (p.into(), t.into()))
        );
        // The very bytes served are left in place; other bytes replace them.
        let shared = Arc::new(b"shared".to_vec());
        let mut renewed = Files::renew(Some(Arc::new(renewed)), |f| {
            f.put_shared("/a", &shared);
            f.put_shared("/b", &shared);
        });
        let renewed = Files::renew(Some(Arc::new(std::mem::take(&mut renewed))), |f| {
            f.put_shared("/a", &shared);
            f.put("/b", bytes("b3"));
            f.put_shared("/b", &Arc::new(b"b4".to_vec()));
            f.put("/c", bytes("c3"));
        });
        assert_eq!(
            served(&renewed),
            [("/a", "shared"), ("/b", "b4"), ("/c", "c3")].map(|(p, t)| (p.into(), t.into()))
        );
        assert!(matches!(renewed.get("/a"), Some(Body::Bytes(b)) if Arc::ptr_eq(b, &shared)));
        // Held elsewhere (a request still serving it), the spare is not touched.
        let held = Arc::new(renewed);
        let again = Files::renew(Some(held.clone()), |f| f.put("/e", bytes("e")));
        assert_eq!(served(&again).len(), 1);
        assert_eq!(held.len(), 3);
    }
}
