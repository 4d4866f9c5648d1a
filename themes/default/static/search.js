/* pressroom search: reads the static index under /search/ (built by src/render/search.rs).
 * Plain ES2017 (plus Unicode property escapes where the browser has them), no dependencies,
 * no build step.
 *
 * Tokenizer contract (identical in src/render/search.rs; a Rust test compares the FOLD table
 * and, when node is installed, the tokens):
 * 1. Lowercase each character on its own; full-width ASCII (U+FF01-U+FF5E) becomes ASCII;
 *    combining marks U+0300-U+036F are dropped; Latin letters fold by FOLD (é→e, å→a, ß→ss).
 * 2. Classes: CJK (Han, kana, 々), Hangul, word (alphabetic or numeric), separator. A , . '
 *    U+00A0 U+2009 U+202F between two ASCII digits is dropped (4,200 → 4200).
 * 3. Word runs of 2..32 characters are tokens; CJK runs give character bigrams (a lone
 *    character: itself); Hangul runs give bigrams plus the whole word (1-2 syllables: itself).
 * 4. Every query token is required, except a whole Hangul word of 3+ syllables (optional).
 *
 * Matching (index version 5; src/render/search.rs documents the files): a token's word list
 * is chosen by its first 3 characters, so it lists every word the token may be a prefix of;
 * the postings of the words matched come inline or from their packs. expand() gives each
 * word of the list a quality: 4 the word itself, 3 a shared stem (stems are read from the
 * index, never computed here), 2 a prefix of 3+ characters (the query's last token only:
 * the word being typed), 1 one typo for an unknown word of 5+ letters. Score: sum over tokens of the best field weight
 * (8 title, 4 tag, 2 summary, 1 body) times quality; ties go to the newer document.
 *
 * Records (what a result shows): a word in documents scattered over several record files
 * (docs-N.json) may carry a top file (top-N.json) with the records of its first screen in each
 * language (see screen()); records() reads a screen's records from the fewest files, top files
 * and record files together.
 */
(function () {
  'use strict';

  var FOLD = "a=àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ ae=æ b=ḃḅḇ c=çćĉċčḉ d=ðďđḋḍḏḑḓ dz=ǆǳ e=èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ f=ḟ g=ĝğġģǧǵḡ h=ĥħȟḣḥḧḩḫẖ i=ìíîïĩīĭįıǐȉȋḭḯỉị ij=ĳ j=ĵǰ k=ķĸǩḱḳḵ l=ĺļľŀłḷḹḻḽ lj=ǉ m=ḿṁṃ n=ñńņňŋǹṅṇṉṋ nj=ǌ o=òóôõöøōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ oe=œ p=ṕṗ r=ŕŗřȑȓṙṛṝṟ s=śŝşšſșṡṣṥṧṩ ss=ß t=ţťŧțṫṭṯṱẗ th=þ u=ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự v=ṽṿ w=ŵẁẃẅẇẉẘ x=ẋẍ y=ýÿŷȳẏẙỳỵỷỹ z=źżžẑẓẕ σ=ς";
  var MAX_WORD_CHARS = 32;
  var WEIGHTS = [1, 2, 4, 8]; // body, summary, tag, title
  // Results per screen, as Pagefind's default UI shows them (its pageSize, 5), then more on
  // request. The index's top files hold the first PAGE of a word's results (meta.top_size).
  var PAGE = 5;

  var foldMap = {};
  FOLD.split(' ').forEach(function (group) {
    var eq = group.indexOf('=');
    var base = group.slice(0, eq);
    Array.from(group.slice(eq + 1)).forEach(function (c) { foldMap[c] = base; });
  });

  var alnum;
  try {
    alnum = new RegExp('^[\\p{Alphabetic}\\p{N}]$', 'u');
  } catch (e) {
    alnum = /^[0-9A-Za-z\u00AA\u00B2\u00B3\u00B5\u00B9\u00BA\u00BC-\u00BE\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u03FF\u0400-\u052F\u0590-\u06FF\u0900-\u0DFF\u0E00-\u0EFF\u1E00-\u1FFF]$/;
  }

  function normalize(text) {
    var out = '';
    for (var c of text) {
      for (var l of c.toLowerCase()) {
        var cp = l.codePointAt(0);
        if (cp >= 0x300 && cp <= 0x36f) continue;
        if (cp >= 0xff01 && cp <= 0xff5e) l = String.fromCodePoint(cp - 0xfee0);
        out += foldMap[l] !== undefined ? foldMap[l] : l;
      }
    }
    return out;
  }

  function isCjk(cp) {
    return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xff66 && cp <= 0xff9f) || (cp >= 0x20000 && cp <= 0x2fa1f);
  }

  function isHangul(cp) {
    return (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f) ||
      (cp >= 0xac00 && cp <= 0xd7a3);
  }

  var WORD = 1, CJK = 2, HANGUL = 3, SEP = 0;

  function classOf(c) {
    var cp = c.codePointAt(0);
    if (isCjk(cp)) return CJK;
    if (isHangul(cp)) return HANGUL;
    return alnum.test(c) ? WORD : SEP;
  }

  function isDigit(c) { return c !== undefined && c >= '0' && c <= '9'; }
  var JOINERS = ",.'\u00a0\u2009\u202f";

  /* Calls emit(token, required) for every token of text, in order. */
  function eachToken(text, emit) {
    var chars = Array.from(normalize(text));
    var run = [];
    var runClass = SEP;
    function flush() {
      var n = run.length;
      if (runClass === WORD) {
        if (n >= 2 && n <= MAX_WORD_CHARS) emit(run.join(''), true);
      } else if ((runClass === CJK || runClass === HANGUL) && n >= 1) {
        if (n === 1 || (runClass === HANGUL && n === 2)) {
          emit(run.join(''), true);
        } else {
          for (var i = 0; i + 1 < n; i++) emit(run[i] + run[i + 1], true);
          if (runClass === HANGUL && n <= MAX_WORD_CHARS) emit(run.join(''), false);
        }
      }
      run = [];
    }
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      var cl = classOf(c);
      if (cl === SEP && runClass === WORD && JOINERS.indexOf(c) >= 0 &&
          isDigit(run[run.length - 1]) && isDigit(chars[i + 1])) {
        continue;
      }
      if (cl !== runClass) {
        flush();
        runClass = cl;
      }
      if (cl !== SEP) run.push(c);
    }
    flush();
  }

  function tokens(text) {
    var out = [];
    eachToken(text, function (t) { out.push(t); });
    return out;
  }

  function query(text) {
    var required = [], optional = [];
    eachToken(text, function (t, req) {
      var list = req ? required : optional;
      if (list.indexOf(t) < 0) list.push(t);
    });
    return {
      required: required,
      optional: optional.filter(function (t) { return required.indexOf(t) < 0; })
    };
  }

  function fnv1a32(token) {
    var bytes = new TextEncoder().encode(token);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  /* ---- Matching against the index (no DOM: node runs it in the tests) ---- */

  var EXACT = 4, STEM = 3, PREFIX = 2, TYPO = 1;
  var SHARD_KEY_CHARS = 3;
  var MIN_TYPO_CHARS = 5;
  // Inflection endings (en, fr, sv) a typed word that is not in the index may carry beyond
  // an indexed stem: `walks` is `walk` + `s`. The stems themselves come from the index.
  var ENDINGS = ['s', 'es', 'ed', 'd', 'ing', 'e', 'er', 'ers', 'ee', 'ees', 'ent', 'x',
    'en', 'ar', 'or', 'na', 'et', 'erna', 'arna', 'ens', 'ly'];
  // The stem an ending leaves must be this long: `quarterly` is `quarter` + `ly`, but `apply`
  // is not `app` + `ly`.
  var MIN_STEM = { ly: 4 };

  function shardKey(token) {
    return Array.from(token).slice(0, SHARD_KEY_CHARS).join('');
  }

  /* Letter words get stems, prefixes and typos; CJK and Hangul keep their bigrams. */
  function isWord(token) {
    for (var c of token) {
      var cp = c.codePointAt(0);
      if (isCjk(cp) || isHangul(cp) || classOf(c) !== WORD) return false;
    }
    return true;
  }
  function isLetters(token) { return isWord(token) && !/[0-9]/.test(token); }

  /* A word list's entry is [stems..., where] or [stems..., where, top]: the word's stems,
   * then its postings (an array) or the number of the pack (post-N.json) that holds them,
   * then the number of its top file (top-N.json) if it has one. */
  function keysOf(word, entry) {
    var keys = [word];
    for (var i = 0; i < entry.length && typeof entry[i] === 'string'; i++) keys.push(entry[i]);
    return keys;
  }
  function stemCount(entry) {
    var i = 0;
    while (i < entry.length && typeof entry[i] === 'string') i++;
    return i;
  }
  function whereOf(entry) { return entry[stemCount(entry)]; }
  function topOf(entry) { return entry[stemCount(entry) + 1]; }

  /* A word's screen (as src/render/search/tops.rs makes it): in each language of the `lang`
   * column, the `size` documents of `postings` (Map doc -> field, ascending) in the best
   * field, then the newest. */
  function screen(postings, langs, size) {
    var buckets = new Map();
    postings.forEach(function (field, doc) {
      var lang = langs[doc] === undefined ? -1 : langs[doc];
      if (!buckets.has(lang)) buckets.set(lang, [[], [], [], []]);
      var bucket = buckets.get(lang)[3 - field];
      if (bucket.length < size) bucket.push(doc);
    });
    var out = [];
    buckets.forEach(function (fields) {
      out = out.concat([].concat(fields[0], fields[1], fields[2], fields[3]).slice(0, size));
    });
    return out;
  }

  /* Postings (document ids ascending, each (id - previous) * 4 + field) -> Map doc -> field.
   * A common word's are "PRESENCE FIELDS", two base64 bitmaps: document d has the word when
   * bit d % 8 of byte d / 8 of PRESENCE is set, in the field at bits 2 * (d % 4) of byte
   * d / 4 of FIELDS. */
  function decode(postings) {
    var map = new Map();
    if (typeof postings === 'string') {
      var parts = postings.split(' ');
      var seen = atob(parts[0]), fields = atob(parts[1]);
      for (var d = 0; d < seen.length * 8; d++) {
        if ((seen.charCodeAt(d >> 3) >> (d & 7)) & 1) {
          map.set(d, (fields.charCodeAt(d >> 2) >> ((d & 3) * 2)) & 3);
        }
      }
      return map;
    }
    var doc = 0;
    for (var i = 0; i < postings.length; i++) {
      doc += postings[i] >> 2;
      map.set(doc, postings[i] & 3);
    }
    return map;
  }

  /* Whether a and b are at most one insertion, deletion, substitution or swap apart. */
  function oneEdit(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  /* The words of `shard` that token t matches: Map word -> quality. `prefix` false (a
   * finished word of the query, not the one being typed) matches no longer words. */
  function expand(t, shard, prefix) {
    if (prefix === undefined) prefix = true;
    var has = Object.prototype.hasOwnProperty;
    var out = new Map();
    if (has.call(shard, t)) out.set(t, EXACT);
    if (!isWord(t)) return out;
    var length = Array.from(t).length;
    var letters = isLetters(t);
    var stems = new Set(has.call(shard, t) ? keysOf(t, shard[t]) : [t]);
    if (letters && !has.call(shard, t)) {
      ENDINGS.forEach(function (e) {
        if (t.length - e.length >= (MIN_STEM[e] || SHARD_KEY_CHARS) && t.slice(-e.length) === e) {
          stems.add(t.slice(0, -e.length));
        }
      });
    }
    var typos = letters && length >= MIN_TYPO_CHARS && !has.call(shard, t);
    var key = shardKey(t);
    Object.keys(shard).forEach(function (w) {
      if (w === t) return;
      var q = 0;
      if (letters && keysOf(w, shard[w]).some(function (k) { return stems.has(k); })) q = STEM;
      else if (prefix && length >= SHARD_KEY_CHARS && w.slice(0, t.length) === t) q = PREFIX;
      // Other prefixes share the shard by hash: a typo keeps the first three characters.
      else if (typos && w.length >= MIN_TYPO_CHARS && shardKey(w) === key && oneEdit(t, w)) q = TYPO;
      if (q) out.set(w, q);
    });
    return out;
  }

  /* A searcher over the index files `load(name)` resolves (parsed JSON). */
  function Searcher(load) {
    var self = this;
    this.load = load;
    this.fetched = new Set(); // the record and top files asked for, for records()
    this.ready = load('meta.json').then(function (meta) {
      if (meta.version !== 5) throw new Error('unknown index version');
      self.meta = meta;
      self.columns = meta.columns;
    });
  }

  Searcher.prototype.shardName = function (token) {
    return fill(this.meta.files.shard, { n: fnv1a32(shardKey(token)) % this.meta.shards });
  };

  /* Each document's best score for one token: Map doc -> weight * quality. Loads the token's
   * word list, then the packs of the words it matched that are not inline. `prefix` as for
   * expand. Adds the words matched to `words`, and for each document of the screen of a word
   * with a top file, that file's name to `tops` (Map doc -> [names]). */
  Searcher.prototype.scores = function (token, words, prefix, tops) {
    var self = this;
    // A common word's entries and every word it matches are in meta.json: no word list.
    var common = this.meta.common[fnv1a32(shardKey(token)) % this.meta.shards];
    var known = common && common.complete.indexOf(token) >= 0;
    return (known ? Promise.resolve(common.words) : this.load(this.shardName(token))).then(function (list) {
      var matched = expand(token, list, prefix);
      var packs = [];
      matched.forEach(function (quality, word) {
        var at = whereOf(list[word]);
        if (typeof at === 'number' && packs.indexOf(at) < 0) packs.push(at);
      });
      return Promise.all(packs.map(function (n) {
        return self.load(fill(self.meta.files.pack, { n: n }));
      })).then(function (loaded) {
        var best = new Map();
        matched.forEach(function (quality, word) {
          words.add(word);
          var at = whereOf(list[word]);
          var postings = decode(typeof at === 'number' ? loaded[packs.indexOf(at)][word] : at);
          postings.forEach(function (field, doc) {
            var s = WEIGHTS[field] * quality;
            if (!(best.get(doc) >= s)) best.set(doc, s);
          });
          var top = topOf(list[word]);
          if (typeof top !== 'number') return;
          var name = fill(self.meta.files.top, { n: top });
          screen(postings, self.columns.lang, self.meta.top_size).forEach(function (doc) {
            if (!tops.has(doc)) tops.set(doc, []);
            if (tops.get(doc).indexOf(name) < 0) tops.get(doc).push(name);
          });
        });
        return best;
      });
    });
  };

  /* Resolves to {hits: [{doc, score}] best first in the filter's language, others: the same
   * in the other languages when the filter names one, words: the index words matched, tops:
   * the top files holding each document's record (for records())}. */
  Searcher.prototype.search = function (q, filter) {
    var self = this;
    var terms = query(q);
    var words = new Set();
    var tops = new Map();
    if (!terms.required.length) return Promise.resolve({ hits: [], others: [], words: [], tops: tops });
    var all = terms.required.concat(terms.optional);
    var typing = terms.required.length - 1; // the last word typed takes prefixes
    return Promise.all(all.map(function (t, i) {
      return self.scores(t, words, i === typing, tops);
    })).then(function (maps) {
      var req = maps.slice(0, terms.required.length);
      var opt = maps.slice(terms.required.length);
      var meta = self.meta, columns = self.columns;
      var smallest = req.reduce(function (a, b) { return a.size <= b.size ? a : b; });
      var kind = filter.kind ? meta.kinds.indexOf(filter.kind) : -2;
      var lang = filter.lang ? meta.languages.map(function (l) { return l.code; }).indexOf(filter.lang) : -2;
      var year = filter.year ? meta.years.indexOf(Number(filter.year)) : -2;
      var hits = [], others = [];
      smallest.forEach(function (_, doc) {
        if (kind !== -2 && columns.kind[doc] !== kind) return;
        if (year !== -2 && columns.year[doc] !== year) return;
        var score = 0;
        for (var i = 0; i < req.length; i++) {
          var s = req[i].get(doc);
          if (s === undefined) return;
          score += s;
        }
        opt.forEach(function (m) { score += m.get(doc) || 0; });
        (lang !== -2 && columns.lang[doc] !== lang ? others : hits).push({ doc: doc, score: score });
      });
      var order = function (a, b) { return b.score - a.score || a.doc - b.doc; };
      hits.sort(order);
      others.sort(order);
      return { hits: hits, others: others, words: Array.from(words), tops: tops };
    });
  };

  /* A document's record, from its record file. */
  Searcher.prototype.record = function (doc) {
    var n = Math.floor(doc / this.meta.chunk_size);
    var size = this.meta.chunk_size;
    return this.fetch(fill(this.meta.files.chunk, { n: n })).then(function (chunk) {
      return chunk[doc - n * size];
    });
  };

  Searcher.prototype.fetch = function (name) {
    this.fetched.add(name);
    return this.load(name);
  };

  /* The records of `docs` (in that order), from the fewest files: a file this searcher has
   * fetched costs nothing; then, again and again, the file holding the most of the records
   * still missing, a record file before a top file when they hold as many. `tops` is a
   * search's (Map doc -> top files holding its record). */
  Searcher.prototype.records = function (docs, tops) {
    var self = this;
    var chunkOf = function (doc) {
      return fill(self.meta.files.chunk, { n: Math.floor(doc / self.meta.chunk_size) });
    };
    var from = new Map(); // doc -> the file it is read from
    var missing = docs.slice();
    while (missing.length) {
      // Each file's worth: the records it holds of those missing, a fetched one's above all,
      // and half a record more for a record file (smaller, and the tie goes to it).
      var count = new Map();
      missing.forEach(function (doc) {
        var chunk = chunkOf(doc);
        [chunk].concat((tops && tops.get(doc)) || []).forEach(function (name) {
          var worth = self.fetched.has(name) ? docs.length + 1 : 1;
          if (!count.has(name)) worth += name === chunk ? 0.5 : 0;
          count.set(name, (count.get(name) || 0) + worth);
        });
      });
      var best = null;
      count.forEach(function (c, name) { if (best === null || c > count.get(best)) best = name; });
      missing = missing.filter(function (doc) {
        if (chunkOf(doc) !== best && ((tops && tops.get(doc)) || []).indexOf(best) < 0) return true;
        from.set(doc, best);
        return false;
      });
    }
    return Promise.all(docs.map(function (doc) {
      var name = from.get(doc);
      if (name === chunkOf(doc)) return self.record(doc);
      return self.fetch(name).then(function (top) {
        return top[doc] || self.record(doc);
      });
    }));
  };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? String(values[k]) : m;
    });
  }

  var api = {
    normalize: normalize, tokens: tokens, query: query, fnv1a32: fnv1a32,
    expand: expand, decode: decode, screen: screen, Searcher: Searcher, PAGE: PAGE
  };
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api; // for the tokenizer test under node
    return;
  }
  // The same API in the page, for a theme's own search box and for benches/search_vs_pagefind.py.
  window.PressroomSearch = api;

  /* ---- The search page ---- */

  var root = document.getElementById('search');
  var form = document.getElementById('search-form');
  if (!root || !form || !window.fetch) return;
  var base = root.getAttribute('data-index') || '/search/';
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var moreButton = document.getElementById('search-more');
  var fields = form.elements;
  var pageLang = document.documentElement.lang || 'en';

  function str(name) { return root.getAttribute('data-' + name) || ''; }

  var cache = {};
  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) throw new Error(name + ': ' + r.status);
        return r.json();
      });
    }
    return cache[name];
  }

  var searcher = new Searcher(load);
  var ready = searcher.ready.then(function () {
    var yearSelect = fields.year;
    if (yearSelect) {
      var wanted = new URLSearchParams(location.search).get('year') || '';
      searcher.meta.years.forEach(function (y) {
        var o = document.createElement('option');
        o.value = String(y);
        o.textContent = String(y);
        if (String(y) === wanted) o.selected = true;
        yearSelect.appendChild(o);
      });
    }
  });

  // Dates are written as the pages write them ("13 October 2026", "1er mars 2024",
  // "2026년 10월 13일"): the page gives the language's pattern (data-date-*); without one
  // (an older custom template) the ISO date stays.
  var datePattern = str('date-pattern');
  var dateMonths = str('date-months').split('|');
  var dateFirstDay = str('date-first-day');
  function longDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!datePattern || !parts) return iso;
    var y = +parts[1], m = +parts[2], d = +parts[3];
    return datePattern
      .replace('{d}', d === 1 && dateFirstDay ? dateFirstDay : String(d))
      .replace('{month}', dateMonths[m - 1] || String(m))
      .replace('{m}', String(m))
      .replace('{y}', String(y));
  }

  function languageName(code) {
    var langs = searcher.meta.languages;
    for (var i = 0; i < langs.length; i++) {
      if (langs[i].code === code) return langs[i].name;
    }
    return code;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Appends text to parent with what the query matched in <mark>: each word whose token is
   * one of the index words matched, and each place the query's CJK or Hangul text occurs
   * (those are matched by character pairs, not words). */
  var WORD_RUN = /[^\s.,;:!?()[\]{}"'«»“”‘’/\\|<>@#$%^&*+=~`-]+/g;
  function appendMarked(parent, text, matched, cjk) {
    var ranges = [], m;
    WORD_RUN.lastIndex = 0;
    while ((m = WORD_RUN.exec(text))) {
      var t = tokens(m[0]);
      if (t.length === 1 && matched.has(t[0])) ranges.push([m.index, m.index + m[0].length]);
    }
    cjk.forEach(function (run) {
      for (var i = text.indexOf(run); i >= 0; i = text.indexOf(run, i + run.length)) {
        ranges.push([i, i + run.length]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      parent.appendChild(document.createTextNode(text.slice(at, r[0])));
      parent.appendChild(el('mark', '', text.slice(r[0], r[1])));
      at = r[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* The query's runs of CJK or Hangul characters, as typed. */
  function cjkRuns(q) {
    var runs = [], run = '';
    for (var c of q + ' ') {
      var cl = classOf(c);
      if (cl === CJK || cl === HANGUL) { run += c; continue; }
      if (run) runs.push(run);
      run = '';
    }
    return runs;
  }

  function renderHit(r, matched, cjk) {
    var li = el('li', 'search-result');
    var article = el('article');
    var h = el('h3');
    var a = el('a');
    appendMarked(a, r.title, matched, cjk);
    a.href = r.url;
    if (r.lang !== pageLang) a.lang = r.lang;
    h.appendChild(a);
    article.appendChild(h);
    var m = el('p', 'search-meta');
    m.appendChild(el('span', 'search-kind', str('kind-' + r.kind) || r.kind));
    if (r.date) {
      m.appendChild(document.createTextNode(' · '));
      var t = el('time', '', longDate(r.date));
      t.dateTime = r.date;
      m.appendChild(t);
    }
    m.appendChild(document.createTextNode(' · '));
    var langSpan = el('span', 'search-lang', languageName(r.lang));
    m.appendChild(langSpan);
    article.appendChild(m);
    if (r.summary) {
      var s = el('p', 'search-summary');
      appendMarked(s, r.summary, matched, cjk);
      if (r.lang !== pageLang) s.lang = r.lang;
      article.appendChild(s);
    }
    li.appendChild(article);
    return li;
  }

  var hits = [], tops = new Map(), matched = new Set(), cjk = [], shown = 0, generation = 0;

  function showMore(focusFirst) {
    var gen = generation;
    var slice = hits.slice(shown, shown + PAGE);
    var docs = slice.map(function (h) { return h.doc; });
    return searcher.records(docs, tops).then(function (records) {
      if (gen !== generation) return;
      var first = null;
      records.forEach(function (r) {
        var li = renderHit(r, matched, cjk);
        if (!first) first = li.querySelector('a');
        list.appendChild(li);
      });
      shown += slice.length;
      if (moreButton) moreButton.hidden = shown >= hits.length;
      if (focusFirst && first) first.focus();
    });
  }

  function current() {
    return {
      q: fields.q.value.trim(),
      kind: fields.kind ? fields.kind.value : '',
      lang: fields.lang ? fields.lang.value : '',
      year: fields.year ? fields.year.value : ''
    };
  }

  function countText(n, q) {
    return fill(n === 1 ? str('one') : str('other'), { n: n, q: q });
  }

  function run() {
    var f = current();
    var gen = ++generation;
    if (!f.q) {
      list.textContent = '';
      hits = [];
      if (moreButton) moreButton.hidden = true;
      status.textContent = '';
      return Promise.resolve();
    }
    // The old results stay until the new ones are in, so typing does not flicker.
    status.textContent = str('loading');
    return ready.then(function () { return searcher.search(f.q, f); }).then(function (found) {
      if (gen !== generation) return;
      list.textContent = '';
      shown = 0;
      if (moreButton) moreButton.hidden = true;
      matched = new Set(found.words);
      tops = found.tops;
      cjk = cjkRuns(f.q);
      hits = found.hits;
      if (!hits.length && found.others.length) {
        // Nothing in the chosen language: show the other languages' results, each with its
        // language, under a line that says so.
        hits = found.others;
        status.textContent = fill(str('none'), { q: f.q }) + ' ' +
          fill(hits.length === 1 ? str('others-one') : str('others-other'), { n: hits.length, q: f.q });
        return showMore(false);
      }
      if (!hits.length) {
        status.textContent = fill(str('none'), { q: f.q });
        return;
      }
      status.textContent = countText(hits.length, f.q);
      return showMore(false);
    }).catch(function () {
      if (gen === generation) status.textContent = str('error');
    });
  }

  function syncUrl(push) {
    var f = current();
    var params = new URLSearchParams();
    params.set('q', f.q);
    if (fields.kind) params.set('kind', f.kind);
    if (fields.lang) params.set('lang', f.lang);
    if (fields.year) params.set('year', f.year);
    var url = location.pathname + '?' + params.toString();
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  function fromUrl() {
    var params = new URLSearchParams(location.search);
    fields.q.value = params.get('q') || '';
    ['kind', 'lang', 'year'].forEach(function (name) {
      if (fields[name] && params.has(name)) fields[name].value = params.get(name);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(typing);
    syncUrl(true);
    run();
  });
  // As-you-type: results follow the input after a short pause (the URL is replaced, not
  // pushed, so Back does not step through every keystroke).
  var typing = 0;
  fields.q.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      syncUrl(false);
      run();
    }, 150);
  });
  // Keyboard: Down from the box goes to the first result, Up/Down move between results,
  // Escape in the box clears it.
  fields.q.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown') {
      var first = list.querySelector('a');
      if (first) { e.preventDefault(); first.focus(); }
    } else if (e.key === 'Escape' && fields.q.value) {
      e.preventDefault();
      fields.q.value = '';
      syncUrl(false);
      run();
    }
  });
  list.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    var links = Array.prototype.slice.call(list.querySelectorAll('a'));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
    else if (e.key === 'ArrowUp') (i > 0 ? links[i - 1] : fields.q).focus();
  });
  ['kind', 'lang', 'year'].forEach(function (name) {
    if (fields[name]) {
      fields[name].addEventListener('change', function () {
        syncUrl(false);
        run();
      });
    }
  });
  if (moreButton) {
    moreButton.addEventListener('click', function () { showMore(true); });
  }
  window.addEventListener('popstate', function () {
    fromUrl();
    run();
  });
  fromUrl();
  ready.then(fromUrl, function () { /* reported by run */ }).then(run);
})();
