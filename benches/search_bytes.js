#!/usr/bin/env node
/* Bytes and requests per search query, measured by running the theme's own search.js
 * (its Searcher, the code the page runs) on a built site's /search/ index with a loader
 * that counts every file it fetches, raw and gzip -9 (what a compressing host sends).
 *
 *   node benches/search_bytes.js PUBLIC_DIR [query ...]
 *
 * Each query is measured twice: "first" (a fresh page: nothing cached) and "second" (after
 * the previous query of the list, with its files cached, as a reader typing on). A query
 * loads meta.json, the word lists of its tokens, the packs of the words it matched, and the
 * records of the page's first screen (search.js PAGE), from top files and record files. */
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const s = require(path.join(__dirname, '../themes/default/static/search.js'));

const dir = path.join(process.argv[2] || 'public', 'search');
const queries = process.argv.slice(3);
// The fixed set of the README (one word, two words, a word typed on, CJK, Korean, scattered
// hits, a stem, a typo, two titles); on the example newsroom pass its own words (battery,
// batt, ...).
if (!queries.length) {
  queries.push('pilot', 'quarterly results', 'reg', 'regi', 'regional', '研究', '연구', 'recherche',
    'customer support', 'launches', 'regonal',
    // Two items' titles typed whole, the second right after the first: six and seven words.
    'How Iris helps teams strengthen developer productivity',
    'Stark Systems: Scalable pipeline for developer productivity');
}

function measure(q, cached) {
  const got = [];
  const memo = {};
  const load = (name) => {
    if (!memo[name]) {
      const bytes = fs.readFileSync(path.join(dir, name));
      if (!cached.has(name)) {
        got.push({ name, raw: bytes.length, gz: zlib.gzipSync(bytes, { level: 9 }).length });
        cached.add(name);
      }
      memo[name] = Promise.resolve(JSON.parse(bytes.toString('utf8')));
    }
    return memo[name];
  };
  const sr = new s.Searcher(load);
  return sr.ready
    .then(() => sr.search(q, {}))
    .then((r) => sr.records(r.hits.slice(0, s.PAGE).map((h) => h.doc), r.tops).then(() => r))
    .then((r) => ({
      q,
      hits: r.hits.length,
      requests: got.length,
      raw: got.reduce((a, f) => a + f.raw, 0),
      gz: got.reduce((a, f) => a + f.gz, 0),
    }));
}

(async () => {
  const rows = [];
  let warm = new Set();
  for (const q of queries) {
    const first = await measure(q, new Set());
    const second = await measure(q, warm);
    rows.push({ q, hits: first.hits, first_requests: first.requests, first_gz_kb: +(first.gz / 1024).toFixed(1),
      first_raw_kb: +(first.raw / 1024).toFixed(1), second_requests: second.requests,
      second_gz_kb: +(second.gz / 1024).toFixed(1) });
  }
  console.table(rows);
})();
