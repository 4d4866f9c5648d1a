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
 *    Score: sum of 8 title, 4 tag, 2 summary, 1 body; ties go to the newer document.
 */
(function () {
  'use strict';

  var FOLD = "a=àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ ae=æ b=ḃḅḇ c=çćĉċčḉ d=ðďđḋḍḏḑḓ dz=ǆǳ e=èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ f=ḟ g=ĝğġģǧǵḡ h=ĥħȟḣḥḧḩḫẖ i=ìíîïĩīĭįıǐȉȋḭḯỉị ij=ĳ j=ĵǰ k=ķĸǩḱḳḵ l=ĺļľŀłḷḹḻḽ lj=ǉ m=ḿṁṃ n=ñńņňŋǹṅṇṉṋ nj=ǌ o=òóôõöøōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ oe=œ p=ṕṗ r=ŕŗřȑȓṙṛṝṟ s=śŝşšſșṡṣṥṧṩ ss=ß t=ţťŧțṫṭṯṱẗ th=þ u=ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự v=ṽṿ w=ŵẁẃẅẇẉẘ x=ẋẍ y=ýÿŷȳẏẙỳỵỷỹ z=źżžẑẓẕ σ=ς";
  var MAX_WORD_CHARS = 32;
  var WEIGHTS = [1, 2, 4, 8]; // body, summary, tag, title
  var PAGE = 20;

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

  var api = { normalize: normalize, tokens: tokens, query: query, fnv1a32: fnv1a32 };
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api; // for the tokenizer test under node
    return;
  }

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
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] !== undefined ? String(values[k]) : m;
    });
  }

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

  var meta = null, columns = null;
  var ready = Promise.all([load('meta.json'), load('docs.json')]).then(function (both) {
    if (both[0].version !== 1) throw new Error('unknown index version');
    meta = both[0];
    columns = both[1];
    var yearSelect = fields.year;
    if (yearSelect) {
      var wanted = new URLSearchParams(location.search).get('year') || '';
      meta.years.forEach(function (y) {
        var o = document.createElement('option');
        o.value = String(y);
        o.textContent = String(y);
        if (String(y) === wanted) o.selected = true;
        yearSelect.appendChild(o);
      });
    }
  });

  function shardName(token) {
    return fill(meta.files.shard, { n: fnv1a32(token) % meta.shards });
  }

  function decode(postings) {
    var map = new Map();
    var doc = 0;
    for (var i = 0; i < postings.length; i++) {
      doc += postings[i] >> 2;
      map.set(doc, postings[i] & 3);
    }
    return map;
  }

  /* Resolves to [{doc, score}] sorted best first, filtered. */
  function search(q, filter) {
    var terms = query(q);
    if (!terms.required.length) return Promise.resolve([]);
    var all = terms.required.concat(terms.optional);
    var names = Array.from(new Set(all.map(shardName)));
    return Promise.all(names.map(load)).then(function () {
      return Promise.all(all.map(function (t) {
        return load(shardName(t)).then(function (shard) {
          return Object.prototype.hasOwnProperty.call(shard, t) ? decode(shard[t]) : new Map();
        });
      }));
    }).then(function (maps) {
      var req = maps.slice(0, terms.required.length);
      var opt = maps.slice(terms.required.length);
      var smallest = req.reduce(function (a, b) { return a.size <= b.size ? a : b; });
      var kind = filter.kind ? meta.kinds.indexOf(filter.kind) : -2;
      var lang = filter.lang ? meta.languages.map(function (l) { return l.code; }).indexOf(filter.lang) : -2;
      var year = filter.year ? meta.years.indexOf(Number(filter.year)) : -2;
      var hits = [];
      smallest.forEach(function (_, doc) {
        if (kind !== -2 && columns.kind[doc] !== kind) return;
        if (lang !== -2 && columns.lang[doc] !== lang) return;
        if (year !== -2 && columns.year[doc] !== year) return;
        var score = 0;
        for (var i = 0; i < req.length; i++) {
          var f = req[i].get(doc);
          if (f === undefined) return;
          score += WEIGHTS[f];
        }
        opt.forEach(function (m) {
          var f = m.get(doc);
          if (f !== undefined) score += WEIGHTS[f];
        });
        hits.push({ doc: doc, score: score });
      });
      hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return hits;
    });
  }

  function record(doc) {
    var n = Math.floor(doc / meta.chunk_size);
    return load(fill(meta.files.chunk, { n: n })).then(function (chunk) {
      return chunk[doc - n * meta.chunk_size];
    });
  }

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
    for (var i = 0; i < meta.languages.length; i++) {
      if (meta.languages[i].code === code) return meta.languages[i].name;
    }
    return code;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderHit(r) {
    var li = el('li', 'search-result');
    var article = el('article');
    var h = el('h3');
    var a = el('a', '', r.title);
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
      var s = el('p', 'search-summary', r.summary);
      if (r.lang !== pageLang) s.lang = r.lang;
      article.appendChild(s);
    }
    li.appendChild(article);
    return li;
  }

  var hits = [], shown = 0, generation = 0;

  function showMore(focusFirst) {
    var gen = generation;
    var slice = hits.slice(shown, shown + PAGE);
    return Promise.all(slice.map(function (h) { return record(h.doc); })).then(function (records) {
      if (gen !== generation) return;
      var first = null;
      records.forEach(function (r) {
        var li = renderHit(r);
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

  function run() {
    var f = current();
    var gen = ++generation;
    list.textContent = '';
    hits = [];
    shown = 0;
    if (moreButton) moreButton.hidden = true;
    if (!f.q) {
      status.textContent = '';
      return Promise.resolve();
    }
    status.textContent = str('loading');
    return ready.then(function () { return search(f.q, f); }).then(function (found) {
      if (gen !== generation) return;
      hits = found;
      if (!hits.length) {
        status.textContent = fill(str('none'), { q: f.q });
        return;
      }
      status.textContent = fill(hits.length === 1 ? str('one') : str('other'), { n: hits.length, q: f.q });
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
    syncUrl(true);
    run();
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
